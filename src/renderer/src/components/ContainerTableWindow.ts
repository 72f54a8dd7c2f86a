// The containers table's window: only the rows in view, and some beyond (mostly ahead of the
// scroll), are in the DOM, placed by their index in a body as tall as all the rows, so the
// scrollbar is the whole list's. Every row has the same height (ContainerTable.css), so where a row is is arithmetic
// (index x height) and a row far down is reached by setting the scroll position, not by
// rendering what lies between. The first commit holds what a window this tall can show, without
// reading any size: the sizes are read after the first paint.
import { useCallback, useEffect, useRef, useState } from 'react'
import { flushSync } from 'react-dom'

/** a compact row's height, fixed by ContainerTable.css; read again after the first paint */
export const ROW_PX = 40
/** the sticky header's height until it is read */
const HEAD_PX = 46
/**
 * rows rendered beyond the view, both edges together: the window always holds the view and these.
 * A move renders every row element again (ContainerTableRows), whatever the distance, so the
 * window is long and moves seldom: every 28 rows (of 40 px) while scrolling one way. The first
 * render holds fewer (FIRST_OVERSCAN): the window grows once, after the first paint.
 */
const OVERSCAN = 40
const FIRST_OVERSCAN = 24
/** rows kept rendered beyond each edge of the view: a wheel step (240 px), so a scroll shows rows already there */
const MARGIN = 6

export interface RowWindow {
  /** the rows [start, end) are rendered */
  start: number
  end: number
  rowPx: number
  onScroll(): void
  /** Scroll row `index` into view (below the sticky header) and render it now, so that it can take focus. */
  reveal(index: number): void
}

interface View {
  /** the first row at least partly in view */
  first: number
  /** how many rows the view holds */
  count: number
  /** which way the view last moved: the window is placed ahead of it, MARGIN rows behind */
  down: boolean
}

/** `scroller` is the table's scrolling box; `total` the number of rows. */
export function useRowWindow(scroller: React.RefObject<HTMLDivElement | null>, total: number): RowWindow {
  const sizes = useRef({ row: ROW_PX, head: HEAD_PX })
  const [view, setView] = useState<View>(() => ({ first: 0, count: Math.ceil(window.innerHeight / ROW_PX), down: true }))
  const [, setSizes] = useState(0)
  const [overscan, setOverscan] = useState(FIRST_OVERSCAN)
  const rangeOf = useCallback(
    (v: View): [number, number] => {
      // always as many rows (or all of them): a move changes what the rendered rows show, never
      // how many there are (ContainerTableRows)
      const size = Math.min(total, v.count + overscan)
      const behind = v.down ? MARGIN : size - v.count - MARGIN
      const start = Math.min(Math.max(0, v.first - behind), total - size)
      return [start, start + size]
    },
    [total, overscan]
  )
  const read = useCallback((): Omit<View, 'down'> | null => {
    const el = scroller.current
    if (!el) return null
    return { first: Math.floor(el.scrollTop / sizes.current.row), count: Math.ceil(el.clientHeight / sizes.current.row) + 1 }
  }, [scroller])
  const current = useRef(view)
  current.current = view
  const move = useCallback(
    (next: Omit<View, 'down'> | null, sync = false): void => {
      if (!next) return
      const v = current.current
      // the window stays while it holds the view and MARGIN rows beyond each edge (or the list's
      // first and last rows): most scroll frames render nothing, and a move renders every row
      // element again, so the window is then placed ahead of the view, to move as seldom as it can
      const [start, end] = rangeOf(v)
      if (v.count === next.count && start <= Math.max(0, next.first - MARGIN) && end >= Math.min(total, next.first + next.count + MARGIN)) return
      const moved = { ...next, down: next.first >= v.first }
      current.current = moved
      if (sync) flushSync(() => setView(moved))
      else setView(moved)
    },
    [rangeOf, total]
  )
  const onScroll = useCallback(() => move(read()), [move, read])

  // after the first paint with rows: the real row and header heights (a font or a language may
  // change them), then the view's real size, and again whenever the box is resized
  const hasRows = total > 0
  useEffect(() => {
    const el = scroller.current
    if (!el || !hasRows) return
    let timer: ReturnType<typeof setTimeout> | undefined
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        const row = el.querySelector<HTMLElement>('tbody > tr.row:not(:first-child)') ?? el.querySelector<HTMLElement>('tbody > tr.row')
        const head = el.querySelector<HTMLElement>('thead')
        const next = { row: row ? row.getBoundingClientRect().height || ROW_PX : ROW_PX, head: head?.getBoundingClientRect().height ?? HEAD_PX }
        if (Math.abs(next.row - sizes.current.row) > 0.5 || Math.abs(next.head - sizes.current.head) > 0.5) {
          sizes.current = next
          setSizes((n) => n + 1)
        }
        setOverscan(OVERSCAN)
        move(read())
      }, 0)
    })
    const observer = new ResizeObserver(() => move(read()))
    observer.observe(el)
    return () => {
      cancelAnimationFrame(frame)
      clearTimeout(timer)
      observer.disconnect()
    }
  }, [scroller, hasRows, move, read])

  const reveal = useCallback(
    (index: number): void => {
      const el = scroller.current
      if (!el) return
      const { row, head } = sizes.current
      const top = index * row // the scroll position that puts the row just below the sticky header
      const bottom = head + (index + 1) * row - el.clientHeight // ...or at the bottom edge
      if (el.scrollTop > top) el.scrollTop = top
      else if (el.scrollTop < bottom) el.scrollTop = bottom
      move(read(), true)
    },
    [scroller, move, read]
  )

  const [start, end] = rangeOf(view)
  return { start, end, rowPx: sizes.current.row, onScroll, reveal }
}
