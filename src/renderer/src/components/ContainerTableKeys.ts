// The containers table's keyboard, as WAI-ARIA's grid pattern has it: the table is ONE Tab stop
// (the last thing focused in it, else the first row), and inside it the arrows move.
// - Up/Down a row, PageUp/PageDown a view's height, Home/End to the first and last row, over ALL
//   the rows shown (filtered), rendered or not: the destination is scrolled into view and rendered
//   first (ContainerTableWindow's reveal), then focused. On the row itself the move selects it
//   (with Shift the selection runs from the anchor, with Ctrl only the focus moves); on a row's
//   checkbox or kebab the focus goes to the same part of the next row and the selection stays
//   (Space checks: a keyboard multi-selection). Up from the first row goes to the header, Down
//   from the header to the first row; in the header Home and End go to its first item and its
//   last column's sort button.
// - Left/Right go through a row's parts (checkbox, row, kebab) or the header's items (select-all,
//   each column's sort button and resize handle: ContainerTableItems). On a focused handle the
//   arrows resize (ResizableTh) and Ctrl+Left/Right move on; Escape goes back to its sort button.
// - Enter or Space act on what has the focus (Enter also checks a checkbox), Shift+F10 or the
//   context-menu key opens the row's menu, Escape on a checkbox or kebab returns to the row. The
//   row's own keys (Enter, Space, Delete, its menu) are ContainerRow's.
// The row elements are the window's places, not the containers' (ContainerTableRows): after a
// render that put other containers in them, the focus, and the Tab stop, move to the element now
// showing the container they were on; a focused container scrolled out of the window hands the
// focus to the scrolling box (not lost to the page), the moves go on from that row, and the row
// takes the focus back when it is rendered again. While the Tab stop's row is out of the window the
// box is the Tab stop, and Tab onto it brings the row back.
// The keyboard's container gone (destroyed, by Delete or from a terminal) hands its place, the
// focus and the Tab stop to the container now in its place, else (it was the last) to the one
// before it, else (none is left) to the empty state's action or the header. When its element went
// with it (the window holds one row less), the focus, fallen to the page, or coming back from the
// dialog opened from it, is put there (useFocusFallback). A click on a header cell's blank area
// focuses the cell's sort button or select-all box, a click on the box's own blank area the Tab
// stop (or the row the scroll's cover handed the click to): neither the cell nor the box is a
// second Tab stop.
import { useCallback, useEffect, useLayoutEffect, useRef } from 'react'
import { useSelection } from '../stores/selection'
import { useFocusFallback } from '../hooks/useFocusFallback'
import type { RowWindow } from './ContainerTableWindow'
import { headItems, isHeadItem, isResizer, isSelectAll, partIn, partOf, rowAround, rowItems, rowOf, shown, sortButtonBy, type Part } from './ContainerTableItems'

const MOVES = new Set(['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End'])
/** the action of the note shown when the filter matches nothing (NoMatch) */
const EMPTY_ACTION = '.pf-v6-c-empty-state button'
const menuKey = (e: React.KeyboardEvent): boolean => e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10')

/** Left/Right (and Ctrl+Left/Right) through `items`, from `t`; no wrapping. */
function sideways(e: React.KeyboardEvent, items: HTMLElement[], t: HTMLElement): boolean {
  if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return false
  e.preventDefault()
  items[items.indexOf(t) + (e.key === 'ArrowRight' ? 1 : -1)]?.focus()
  return true
}

export interface RowKeys {
  onKeyDown(e: React.KeyboardEvent<HTMLDivElement>): void
  onFocus(e: React.FocusEvent<HTMLDivElement>): void
  /** after each render of the rows, before the paint: the focus and the Tab stop follow their container */
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
  // of it that had the focus
  const active = useRef<string | null>(null)
  const part = useRef<Part>('row')
  // its place in the rows' order when last seen there: where its replacement is when it goes
  const activeAt = useRef(0)
  // the header item last focused, and whether the last focus in the table was in the header
  const headItem = useRef<HTMLElement | null>(null)
  const inHead = useRef(false)
  // the element with tabIndex 0
  const stop = useRef<HTMLElement | null>(null)
  // whether the box has the focus because its row was scrolled away (not because it was clicked)
  const handedOff = useRef(false)

  /** What Tab lands on: the header item or row part last focused, the box for a row scrolled away, else the first row. */
  const stopTarget = useCallback((): HTMLElement | null => {
    const box = scroller.current
    const rows = body.current
    if (!box || !rows) return null
    if (inHead.current && headItem.current?.isConnected && shown(headItem.current)) return headItem.current
    const key = active.current
    if (key !== null) {
      const row = rowOf(rows, key)
      if (row) return partIn(row, part.current)
      if (order().includes(key)) return box
    }
    return rows.querySelector<HTMLElement>(':scope > tr[data-key]') ?? box.querySelector<HTMLElement>(EMPTY_ACTION) ?? headItems(box)[0] ?? null
  }, [scroller, body, order])

  const syncStop = useCallback(() => {
    const next = stopTarget()
    if (next === stop.current && next?.tabIndex === 0) return
    if (stop.current) stop.current.tabIndex = -1
    if (next) next.tabIndex = 0
    stop.current = next
  }, [stopTarget])

  // the rows' first render (ContainerTableRows' afterRender) comes before the box's ref is set:
  // the Tab stop is given again once the whole table is there
  useLayoutEffect(syncStop, [syncStop])

  // a window narrowed below a breakpoint folds columns: the Tab stop must not be in one
  useEffect(() => {
    addEventListener('resize', syncStop)
    return () => removeEventListener('resize', syncStop)
  }, [syncStop])

  /** Focus `key`'s row (revealed first) or its part; a move onto the row itself selects it unless `focusOnly`. */
  const goToRow = useCallback(
    (to: number, at: Part, how: { range?: boolean; focusOnly?: boolean }) => {
      const keys = order()
      const key = keys[to]
      if (key === undefined) return
      win.current?.reveal(to)
      const row = rowOf(body.current, key)
      active.current = key
      activeAt.current = to
      part.current = at
      inHead.current = false
      if (row) partIn(row, at).focus({ preventScroll: true })
      syncStop()
      if (at !== 'row' || how.focusOnly) return
      const selection = useSelection.getState()
      if (how.range) selection.range(key, keys)
      else selection.select(key)
    },
    [order, win, body, syncStop]
  )

  const onFocus = useCallback(
    (e: React.FocusEvent<HTMLDivElement>) => {
      const t = e.target as HTMLElement
      const box = scroller.current
      const row = rowAround(body.current, t)
      if (row?.dataset.key) {
        active.current = row.dataset.key
        activeAt.current = Math.max(0, order().indexOf(row.dataset.key))
        // anything else in the row (its open menu) belongs to the row
        part.current = partOf(row, t) ?? 'row'
        inHead.current = false
      } else if (isHeadItem(box, t)) {
        headItem.current = t
        inHead.current = true
      } else if (t === box) {
        const fromInside = e.relatedTarget instanceof Node && box.contains(e.relatedTarget)
        if (fromInside && handedOff.current) return // handed the focus by afterRender
        // Tab onto the box, standing for a row scrolled away: bring the row back
        const at = active.current === null ? -1 : order().indexOf(active.current)
        if (!fromInside && at >= 0 && t.matches(':focus-visible')) return goToRow(at, part.current, { focusOnly: true })
      } else if (t.matches('thead th')) {
        // a click on a header cell's blank area: its sort button or select-all box (the cell is no Tab stop)
        const to = headItems(box).find((i) => t.contains(i)) ?? stopTarget()
        if (to) return to.focus({ preventScroll: true })
      }
      handedOff.current = false
      syncStop()
    },
    [scroller, body, order, goToRow, syncStop, stopTarget]
  )

  const afterRender = useCallback(() => {
    const focused = document.activeElement as HTMLElement | null
    const box = scroller.current
    if (active.current !== null) {
      const keys = order()
      const at = keys.indexOf(active.current)
      if (at >= 0) activeAt.current = at
      else {
        // its container is gone (destroyed): the one now in its place, else the one before it (it was the last)
        active.current = keys[Math.min(activeAt.current, keys.length - 1)] ?? null
      }
    }
    const key = active.current
    if (key && focused && box) {
      const onBox = focused === box && handedOff.current
      const row = rowAround(body.current, focused)
      if (onBox || (row && row.dataset.key !== key)) {
        const next = rowOf(body.current, key)
        if (next) partIn(next, part.current).focus({ preventScroll: true })
        else if (!onBox) {
          handedOff.current = true
          box.focus({ preventScroll: true })
        }
      }
    }
    syncStop()
  }, [scroller, body, order, syncStop])

  // a press on the box's blank area, or on the cover over the rows while they scroll
  // (ContainerTableHoverPause), focuses the box: its click gives the focus to the row clicked (the
  // cover hands the click on to it) or to the Tab stop, so that the box is no second Tab stop. Not
  // at the press: a focus moved while the button goes down keeps a drag from starting.
  useEffect(() => {
    const box = scroller.current
    if (!box) return
    const onClick = (e: MouseEvent): void => {
      if (document.activeElement !== box || handedOff.current) return
      const t = e.target as HTMLElement
      const row = rowAround(body.current, t)
      const to = row ? partIn(row, partOf(row, t.closest('input, .kebab-toggle') ?? row) ?? 'row') : stopTarget()
      if (to && to !== box) to.focus({ preventScroll: true })
    }
    box.addEventListener('click', onClick)
    return () => box.removeEventListener('click', onClick)
  }, [scroller, body, stopTarget])

  // the focus fallen to the page with the element of a container gone: the Tab stop, in its place
  useFocusFallback(() => scroller.current, () => stopTarget())

  const onHeadKey = useCallback(
    (e: React.KeyboardEvent, t: HTMLElement) => {
      const box = scroller.current
      const items = headItems(box)
      if (sideways(e, items, t)) return
      if (e.key === 'Home' || e.key === 'End') {
        // End to the last sort button, not its handle, where Home gives the natural width (ResizableTh)
        e.preventDefault()
        ;(e.key === 'Home' ? items[0] : items.filter((i) => !isResizer(i)).pop())?.focus()
      } else if (e.key === 'PageUp' || e.key === 'PageDown') {
        e.preventDefault() // not the box's scroll: the rows are Down away
      } else if (e.key === 'Escape' && isResizer(t)) {
        e.preventDefault()
        sortButtonBy(t)?.focus()
      } else if (e.key === 'Enter' && isSelectAll(t)) {
        e.preventDefault()
        t.click()
      } else if (e.key === 'ArrowDown' && !e.shiftKey && order().length > 0) {
        e.preventDefault()
        goToRow(0, isSelectAll(t) ? 'check' : 'row', { focusOnly: e.ctrlKey || e.metaKey })
      }
    },
    [scroller, order, goToRow]
  )

  const onKeyDown = useCallback(
    (e: React.KeyboardEvent<HTMLDivElement>) => {
      if (e.defaultPrevented || e.altKey) return
      const t = e.target as HTMLElement
      const box = scroller.current
      const w = win.current
      if (!box || !w) return
      if (isHeadItem(box, t)) return onHeadKey(e, t)
      const row = rowAround(body.current, t)
      const at = row ? partOf(row, t) : null
      if (row && !at) return // in the row's open menu: the menu's own keys
      if (!row && t !== box) return
      const keys = order()
      const from = keys.indexOf((row ? row.dataset.key : active.current) ?? '')
      if (from < 0) return
      const onPart = row !== null && at !== 'row'
      if (row && sideways(e, rowItems(row), t)) return
      if (onPart && e.key === 'Escape' && t.getAttribute('aria-expanded') !== 'true') {
        e.preventDefault()
        row!.focus()
        return
      }
      if (onPart && e.key === 'Enter' && at === 'check') {
        e.preventDefault()
        t.click()
        return
      }
      if (onPart && menuKey(e)) {
        e.preventDefault()
        const kebab = partIn(row!, 'kebab')
        if (kebab.getAttribute('aria-expanded') !== 'true') kebab.click()
        return
      }
      if (MOVES.has(e.key)) {
        e.preventDefault()
        if (e.key === 'ArrowUp' && from === 0 && row && !e.shiftKey) {
          // up from the first row: the header, the select-all box from a checkbox
          const items = headItems(box)
          const last = headItem.current?.isConnected && shown(headItem.current) && !isSelectAll(headItem.current) ? headItem.current : items[1]
          ;(at === 'check' ? items[0] : last)?.focus()
          return
        }
        const page = Math.max(1, Math.floor(box.clientHeight / w.rowPx) - 2)
        const dest = { ArrowDown: from + 1, ArrowUp: from - 1, PageDown: from + page, PageUp: from - page, Home: 0, End: keys.length - 1 }[e.key]!
        const to = Math.min(keys.length - 1, Math.max(0, dest))
        goToRow(to, at ?? part.current, { range: e.shiftKey, focusOnly: e.ctrlKey || e.metaKey })
        return
      }
      if (!row && (e.key === 'Enter' || e.key === ' ' || e.key === 'Delete' || menuKey(e))) {
        // the focus is on the box, its row scrolled away: bring the row back first
        e.preventDefault()
        goToRow(from, 'row', { focusOnly: true })
      }
    },
    [scroller, body, order, win, onHeadKey, goToRow]
  )

  return { onKeyDown, onFocus, afterRender }
}
