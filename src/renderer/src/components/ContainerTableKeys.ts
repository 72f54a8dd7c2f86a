// Moving through the containers table with the keyboard, as in a grid: arrows a row, PageUp and
// PageDown a view's height, Home and End to the first and last row, over ALL the rows shown
// (filtered), rendered or not: the destination is scrolled into view and rendered first
// (ContainerTableWindow's reveal), then focused and selected; with Shift the selection runs from
// the anchor to it, with Ctrl only the focus moves. The row's own keys (Enter, Space, Delete,
// the context-menu key) are the row's (ContainerRow).
// The row elements are the window's places, not the containers' (ContainerTableRows): after a
// render that put other containers in them, the focus is moved to the element now showing the
// container it was on (the row, its checkbox or its kebab); a focused container scrolled out of
// the window hands the focus to the scrolling box (not lost to the page), the moves go on from
// that row, and the row takes the focus back when it is rendered again.
import { useCallback, useRef } from 'react'
import { useSelection } from '../stores/selection'
import type { RowWindow } from './ContainerTableWindow'

const MOVES = new Set(['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End'])
/** the parts of a row that take the focus besides the row itself */
const PARTS = ['input', '.kebab-toggle']

const rowOf = (body: HTMLElement | null, key: string): HTMLElement | null => body?.querySelector<HTMLElement>(`tr[data-key="${CSS.escape(key)}"]`) ?? null

export interface RowKeys {
  onKeyDown(e: React.KeyboardEvent<HTMLDivElement>): void
  onFocus(e: React.FocusEvent<HTMLDivElement>): void
  /** after each render of the rows, before the paint: the focus follows its container */
  afterRender(): void
}

/** `order()`: the keys of all the rows shown, in their order; `win`: the table's window (set once made). */
export function useRowKeys(
  scroller: React.RefObject<HTMLDivElement | null>,
  body: React.RefObject<HTMLTableSectionElement | null>,
  order: () => readonly string[],
  win: React.RefObject<RowWindow | null>
): RowKeys {
  // the row the keyboard is on (the last focused), kept while it is scrolled away, and the part
  // of it that had the focus (null: the row itself)
  const active = useRef<string | null>(null)
  const part = useRef<string | null>(null)
  // whether the box has the focus because its row was scrolled away (not because it was clicked)
  const handedOff = useRef(false)

  const onFocus = useCallback(
    (e: React.FocusEvent<HTMLDivElement>) => {
      const t = e.target as HTMLElement
      const row = t.closest<HTMLElement>('tr[data-key]')
      if (row && row.parentElement === body.current && row.dataset.key) {
        active.current = row.dataset.key
        part.current = t === row ? null : (PARTS.find((p) => t.matches(p)) ?? null)
      }
      handedOff.current = false
    },
    [body]
  )

  const afterRender = useCallback(() => {
    const key = active.current
    const focused = document.activeElement as HTMLElement | null
    const box = scroller.current
    if (!key || !focused || !box) return
    const onBox = focused === box && handedOff.current
    const row = focused.closest<HTMLElement>('tr[data-key]')
    if (!onBox && (!row || row.parentElement !== body.current || row.dataset.key === key)) return
    const next = rowOf(body.current, key)
    if (next) {
      const at = (part.current && next.querySelector<HTMLElement>(part.current)) || next
      at.focus({ preventScroll: true })
    } else if (!onBox) {
      box.focus({ preventScroll: true })
      handedOff.current = true
    }
  }, [scroller, body])

  const onKeyDown = useCallback(
    (e: React.KeyboardEvent<HTMLDivElement>) => {
      if (e.defaultPrevented || e.altKey) return
      const t = e.target as HTMLElement
      const onRow = t.parentElement === body.current && t.dataset.key !== undefined
      if (!onRow && t !== scroller.current) return
      const keys = order()
      const at = keys.indexOf((onRow ? t.dataset.key : active.current) ?? '')
      if (at < 0) return
      const w = win.current
      const el = scroller.current
      if (!w || !el) return
      let to: number
      if (MOVES.has(e.key)) {
        const page = Math.max(1, Math.floor(el.clientHeight / w.rowPx) - 2)
        const dest = { ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + page, PageUp: at - page, Home: 0, End: keys.length - 1 }[e.key]!
        to = Math.min(keys.length - 1, Math.max(0, dest))
      } else if (!onRow && (e.key === 'Enter' || e.key === ' ' || e.key === 'Delete' || e.key === 'ContextMenu')) {
        to = at // the focus is on the box, its row scrolled away: bring the row back first
      } else return
      e.preventDefault()
      w.reveal(to)
      const key = keys[to]!
      rowOf(body.current, key)?.focus({ preventScroll: true })
      active.current = key
      if (!MOVES.has(e.key)) return
      const selection = useSelection.getState()
      if (e.shiftKey) selection.range(key, keys)
      else if (!e.ctrlKey && !e.metaKey) selection.select(key)
    },
    [body, order, scroller, win]
  )

  return { onKeyDown, onFocus, afterRender }
}
