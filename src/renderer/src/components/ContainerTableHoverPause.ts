// While the containers table scrolls, its rows are covered from the pointer (the `ct-scrolling`
// class on the scrolling box shows a transparent box over the view, ContainerTable.css), until
// the pointer moves or the scroll has been still for IDLE_MS. Under a still pointer, the rows
// scroll past it: at every frame the browser hit-tests the point again, sends pointerover and
// pointerout and moves `:hover` to the next row, whose new background is then painted and the
// page's layers rebuilt and committed (~5 ms of main thread a frame in a Chromium trace, as much
// as the scroll itself; docs/speed-log.md). A hover that follows the rows while they fly by shows
// nothing anyway. The class is set on the element directly, not through React: a scroll renders
// nothing it does not have to. A press on the box takes it away at once, and the click or
// context menu it received goes on to the row under it (a click right after a scroll, the
// pointer still, is not lost). A drag begun on it needs nothing more: the browser picks the
// element to drag by hit-testing the press's point when the drag begins, the box gone by then,
// so the row under it is dragged (drag-to-clone, e2e long-table).
import { useCallback, useEffect, useRef } from 'react'

/** how long after the last scroll event the rows take the pointer again (as react-window's `isScrolling`) */
const IDLE_MS = 150
const CLASS = 'ct-scrolling'
/** the transparent box's class (ContainerTable.tsx, ContainerTable.css) */
const SHIELD = 'ct-shield'

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
    el.removeEventListener('pointerdown', resume, true)
  }, [])
  useEffect(() => resume, [resume])
  useEffect(() => {
    const el = scroller.current
    if (!el) return
    // a press that landed on the box (its click then goes to the scroller, the press's and the
    // release's common ancestor, or to the box)
    let onShield = false
    const press = (e: PointerEvent): void => {
      onShield = (e.target as Element | null)?.classList.contains(SHIELD) ?? false
    }
    const forward = (e: MouseEvent): void => {
      if (!e.isTrusted || !onShield) return
      if (e.type === 'click') onShield = false
      const under = document.elementFromPoint(e.clientX, e.clientY)
      if (!under || under === e.target || !el.contains(under) || under.classList.contains(SHIELD)) return
      e.stopPropagation()
      e.preventDefault()
      under.dispatchEvent(new MouseEvent(e.type, e))
    }
    el.addEventListener('pointerdown', press, true)
    el.addEventListener('click', forward, true)
    el.addEventListener('contextmenu', forward, true)
    return () => {
      el.removeEventListener('pointerdown', press, true)
      el.removeEventListener('click', forward, true)
      el.removeEventListener('contextmenu', forward, true)
    }
  }, [scroller])
  return useCallback(() => {
    const el = scroller.current
    if (!el) return
    if (!paused.current) {
      paused.current = el
      el.classList.add(CLASS)
      // the user moved the pointer: the rows are theirs again at once (to hover, click or drag)
      el.addEventListener('pointermove', resume)
      el.addEventListener('pointerdown', resume, true)
    }
    clearTimeout(timer.current)
    timer.current = setTimeout(resume, IDLE_MS)
  }, [scroller, resume])
}
