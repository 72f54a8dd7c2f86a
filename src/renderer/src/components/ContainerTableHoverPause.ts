// While the containers table scrolls, its rows are covered from the pointer (the `ct-scrolling`
// class on the scrolling box shows a transparent box over the view, ContainerTable.css), until
// the pointer moves or the scroll has been still for IDLE_MS. Under a still pointer, the rows
// scroll past it: at every frame the browser hit-tests the point again, sends pointerover and
// pointerout and moves `:hover` to the next row, whose new background is then painted and the
// page's layers rebuilt and committed (~5 ms of main thread a frame in a Chromium trace, as much
// as the scroll itself; docs/speed-log.md). A hover that follows the rows while they fly by shows
// nothing anyway. The class is set on the element directly, not through React: a scroll renders
// nothing it does not have to.
import { useCallback, useEffect, useRef } from 'react'

/** how long after the last scroll event the rows take the pointer again (as react-window's `isScrolling`) */
const IDLE_MS = 150
const CLASS = 'ct-scrolling'

/** Returns the scroll handler's part: call it on each scroll of `scroller`. */
export function useHoverPause(scroller: React.RefObject<HTMLElement | null>): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const paused = useRef<HTMLElement | null>(null)
  const resume = useCallback(() => {
    clearTimeout(timer.current)
    const el = paused.current
    if (!el) return
    paused.current = null
    el.classList.remove(CLASS)
    el.removeEventListener('pointermove', resume)
  }, [])
  useEffect(() => resume, [resume])
  return useCallback(() => {
    const el = scroller.current
    if (!el) return
    if (!paused.current) {
      paused.current = el
      el.classList.add(CLASS)
      // the user moved the pointer: the rows are theirs again at once (to hover, click or drag)
      el.addEventListener('pointermove', resume)
    }
    clearTimeout(timer.current)
    timer.current = setTimeout(resume, IDLE_MS)
  }, [scroller, resume])
}
