// The containers table's window: only the rows in view, and a few beyond each edge, are in the
// DOM, placed by their index in a body as tall as all the rows, so the scrollbar is the whole
// list's. Every row has the same height (ContainerTable.css), so where a row is is arithmetic
// (index x height) and a row far down is reached by setting the scroll position, not by
// rendering what lies between. The first commit holds what a window this tall can show, without
// reading any size: the sizes are read after the first paint.
import { useCallback, useEffect, useRef, useState } from 'react'
import { flushSync } from 'react-dom'

/** a compact row's height, fixed by ContainerTable.css; read again after the first paint */
export const ROW_PX = 40
/** the sticky header's height until it is read */
const HEAD_PX = 46
/** rows rendered beyond each edge of the view: two wheel steps, so a scroll shows rows already there */
const OVERSCAN = 12
/** the window follows the view in steps of this many rows: most scroll frames render nothing */
const STEP = 8

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
}

/** `scroller` is the table's scrolling box; `total` the number of rows. */
export function useRowWindow(scroller: React.RefObject<HTMLDivElement | null>, total: number): RowWindow {
  const sizes = useRef({ row: ROW_PX, head: HEAD_PX })
  const [view, setView] = useState<View>(() => ({ first: 0, count: Math.ceil(window.innerHeight / ROW_PX) }))
  const [, setSizes] = useState(0)
  const rangeOf = useCallback(
    (v: View): [number, number] => {
      // always as many rows (the view and the overscan each side, or all of them): a move changes
      // what the rendered rows show, never how many there are (ContainerTableRows)
      const size = Math.min(total, v.count + 2 * OVERSCAN)
      const start = Math.min(Math.max(0, v.first - OVERSCAN), total - size)
      return [start, start + size]
    },
    [total]
  )
  const read = useCallback((): View | null => {
    const el = scroller.current
    if (!el) return null
    return { first: Math.floor(el.scrollTop / sizes.current.row), count: Math.ceil(el.clientHeight / sizes.current.row) + 1 }
  }, [scroller])
  const current = useRef(view)
  current.current = view
  const move = useCallback(
    (next: View | null, sync = false): void => {
      if (!next) return
      const v = current.current
      // rows in view stay rendered while the view moves less than a step (the overscan is larger);
      // the list's first and last rows are rendered as soon as they come into view
      const edge = next.first === 0 || next.first + next.count >= total
      if (v.count === next.count && (v.first === next.first || (Math.abs(v.first - next.first) < STEP && !edge))) return
      current.current = next
      if (sync) flushSync(() => setView(next))
      else setView(next)
    },
    [total]
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
