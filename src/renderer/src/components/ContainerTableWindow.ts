// The containers table's window: only the rows in view, and some beyond each edge, are in the
// DOM, placed by their index in a body as tall as all the rows, so the scrollbar is the whole
// list's. Every row has the same height (ContainerTable.css), so where a row is is arithmetic
// (index x height) and a row far down is reached by setting the scroll position, not by
// rendering what lies between. The window always holds as many rows (a browser window's height
// of them and OVERSCAN more, from the first commit on, which reads no size: the sizes are read
// after the first paint), so that no row element is ever added or removed while scrolling; it
// follows the view every STEP rows, and a move hands the rows that left to the rows that came in
// (ContainerTableRows), so it costs the rows that came in, a few at a time, not the window.
import { useCallback, useEffect, useRef, useState } from 'react'
import { flushSync } from 'react-dom'

/** a compact row's height, fixed by ContainerTable.css; read again after the first paint */
export const ROW_PX = 40
/** the sticky header's height until it is read */
const HEAD_PX = 46
/**
 * rows rendered beyond a browser window's height of them, half beyond each edge of the view
 * (more when the table's box is shorter than the window): at least 9 ahead however the view
 * stands, more than a wheel step (240 px) scrolls
 */
const OVERSCAN = 24
/** how far the view goes from the window's middle before the window follows it, in rows */
const STEP = 4
/** how long after the last move the row elements are put back in the rows' order */
const SETTLE_MS = 300

export interface RowWindow {
  /** the rows [start, end) are rendered */
  start: number
  end: number
  /**
   * which row the first row element shows: row `i` is shown by element `(i - anchor) mod (end - start)`
   * (ContainerTableRows), so a move hands the rows that left to the rows that came in and leaves the
   * others where they are; `anchor === start` when the elements are in the rows' order
   */
  anchor: number
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
  /** how many rows the window holds (all of them when fewer) */
  length: number
  /** RowWindow's anchor */
  anchor: number
}

/** `n mod size`, from 0 to size - 1 */
export const slotOf = (n: number, size: number): number => ((n % size) + size) % size

const lengthFor = (rowPx: number): number => Math.ceil(window.innerHeight / rowPx) + OVERSCAN

/** `scroller` is the table's scrolling box; `total` the number of rows. */
export function useRowWindow(scroller: React.RefObject<HTMLDivElement | null>, total: number): RowWindow {
  const sizes = useRef({ row: ROW_PX, head: HEAD_PX })
  const [view, setView] = useState<View>(() => ({ first: 0, count: Math.ceil(window.innerHeight / ROW_PX), length: lengthFor(ROW_PX), anchor: 0 }))
  const [, setSizes] = useState(0)
  const rangeOf = useCallback(
    (v: Omit<View, 'anchor'>): [number, number] => {
      const size = Math.min(total, Math.max(v.length, v.count))
      const start = Math.min(Math.max(0, v.first - Math.floor((size - v.count) / 2)), total - size)
      return [start, start + size]
    },
    [total]
  )
  const read = useCallback((): Omit<View, 'anchor'> | null => {
    const el = scroller.current
    if (!el) return null
    const { row } = sizes.current
    return { first: Math.floor(el.scrollTop / row), count: Math.ceil(el.clientHeight / row) + 1, length: lengthFor(row) }
  }, [scroller])
  const current = useRef(view)
  current.current = view
  const set = useCallback((next: View, sync: boolean): void => {
    current.current = next
    if (sync) flushSync(() => setView(next))
    else setView(next)
  }, [])
  // the row elements put back in the rows' order once the scroll has stopped (a move leaves them
  // rotated): the order screen readers read them in. Not while a button is held on the table: the
  // press and its release would fall on two elements, and the click on neither.
  const settle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useEffect(() => () => clearTimeout(settle.current), [])
  const inOrderSoon = useCallback((): void => {
    clearTimeout(settle.current)
    settle.current = setTimeout(() => {
      if (scroller.current?.matches(':active')) return inOrderSoon()
      const w = current.current
      set({ ...w, anchor: rangeOf(w)[0] }, false)
    }, SETTLE_MS)
  }, [scroller, rangeOf, set])
  const move = useCallback(
    (next: Omit<View, 'anchor'> | null, sync = false): void => {
      if (!next) return
      const v = current.current
      const [start, end] = rangeOf(v)
      const [to, toEnd] = rangeOf(next)
      // at the list's first or last row the view goes no further: the elements back in order now
      const atEdge = next.first === 0 || next.first + next.count > total
      // the window stays until the view has gone STEP rows from its middle: most scroll frames render nothing
      if (toEnd - to === end - start && Math.abs(to - start) < STEP) {
        if (atEdge && slotOf(start - v.anchor, end - start) !== 0) set({ ...v, anchor: start }, sync)
        return
      }
      // a move shows the rows that came in in the elements of the rows that left, the others
      // untouched; a window of another length, one that shares no row with the last, or one at
      // an edge is drawn in order
      const anchor = toEnd - to !== end - start || to >= end || toEnd <= start || atEdge ? to : v.anchor
      set({ ...next, anchor }, sync)
      if (slotOf(to - anchor, toEnd - to) !== 0) inOrderSoon()
      else clearTimeout(settle.current)
    },
    [rangeOf, total, set, inOrderSoon]
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
  return { start, end, anchor: view.anchor, rowPx: sizes.current.row, onScroll, reveal }
}
