// The body of the windowed containers table: the rows in the window (ContainerTableWindow) in a
// body as tall as all the rows. The window always holds as many rows, and the row elements are
// the window's places: no element is ever added or removed. An element added to or removed from
// the body made the browser restyle every element of every row (a PatternFly rule such as
// `.pf-v6-c-list.pf-m-bordered > * + *` makes any change of siblings invalidate the whole
// parent's subtree: ~920 elements at each move, in a Chromium trace), not only the rows that
// came in (docs/speed-log.md). Row `i` is shown by element `(i - anchor) mod length`: when the
// window moves, the rows that stay keep their element and its props (memoised, not rendered
// again), and the elements of the rows that left show the rows that came in. Each element is
// drawn at its row's place by `translateY` from its own place in the body (the order of the
// elements is a rotation of the rows' order while scrolling; the window puts it back once the
// scroll stops): a move changes what a few elements show and where they are drawn, never the
// body's layout. What belongs to a container and not to an element, its open menu and the
// keyboard's focus, follows the container (menuFor here, ContainerTableKeys). The window's state
// lives here, not in the table, so that a scroll renders these rows again and not the header, its
// sort buttons and resize handles.
import { useCallback, useLayoutEffect, useState } from 'react'
import type { ContainerInfo } from '@shared/model'
import { keyOf } from '../stores/containers'
import { ContainerRow, type RowLabels } from './ContainerRow'
import { slotOf, useRowWindow, type RowWindow } from './ContainerTableWindow'

export interface ContainerTableRowsProps {
  rows: ContainerInfo[]
  selected: Set<string>
  labels: RowLabels
  order: () => readonly string[]
  scroller: React.RefObject<HTMLDivElement | null>
  body: React.RefObject<HTMLTableSectionElement | null>
  /** set to the window on each render: the table's scroll handler and keyboard use it */
  win: React.RefObject<RowWindow | null>
  /** called after each render of the rows, before the paint (the focus follows its container) */
  afterRender(): void
}

export function ContainerTableRows({ rows, selected, labels, order, scroller, body, win, afterRender }: ContainerTableRowsProps): React.JSX.Element {
  const w = useRowWindow(scroller, rows.length)
  win.current = w
  const { start, end, anchor, rowPx } = w
  // the rows may now show other containers: the focus goes to the element of the container it was on
  useLayoutEffect(afterRender)
  // the container whose menu is open (one at a time); a menu closing leaves another's open
  const [menuFor, setMenuFor] = useState<string | null>(null)
  const openMenu = useCallback((key: string, open: boolean) => setMenuFor((now) => (open ? key : now === key ? null : now)), [])
  const size = end - start
  const slots: React.JSX.Element[] = []
  for (let slot = 0; slot < size; slot++) {
    // the row this element shows (RowWindow's anchor), moved from the element's place in the body to the row's
    const index = start + slotOf(slot + anchor - start, size)
    const c = rows[index]!
    const key = keyOf(c)
    slots.push(
      <ContainerRow
        key={slot}
        c={c}
        index={index}
        y={(index - slot) * rowPx}
        selected={selected.has(key)}
        labels={labels}
        order={order}
        menuOpen={menuFor === key}
        openMenu={openMenu}
      />
    )
  }
  return (
    <tbody ref={body} className="pf-v6-c-table__tbody" role="rowgroup" style={{ height: rows.length * rowPx }}>
      {slots}
    </tbody>
  )
}
