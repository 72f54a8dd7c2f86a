// The body of the windowed containers table: the rows in the window (ContainerTableWindow) in a
// body as tall as all the rows, the first of them pushed down by the body's top padding to its
// index x the row height (ContainerTable.css). The window always holds as many rows, and each
// row element is keyed by its place in the window, not by its container: a window move changes
// what the row elements show (texts, classes, attributes) and that padding, and no element is
// added or removed. An element added to or removed from the body made the browser restyle every
// element of every row (a PatternFly rule such as `.pf-v6-c-list.pf-m-bordered > * + *` makes
// any change of siblings invalidate the whole parent's subtree: ~920 elements at each move, in a
// Chromium trace), not only the rows that came in (docs/speed-log.md). (Rows placed one by one
// with position: absolute were measured slower: the browser lays out every positioned row again
// at each move.) What belongs to a container and not to an element, its open menu and the
// keyboard's focus, follows the container (menuFor here, ContainerTableKeys). The window's state
// lives here, not in the table, so that a scroll renders these rows again and not the header, its
// sort buttons and resize handles.
import { useCallback, useLayoutEffect, useState } from 'react'
import type { ContainerInfo } from '@shared/model'
import { keyOf } from '../stores/containers'
import { ContainerRow, type RowLabels } from './ContainerRow'
import { useRowWindow, type RowWindow } from './ContainerTableWindow'

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
  const { start, end, rowPx } = w
  // the rows may now show other containers: the focus goes to the element of the container it was on
  useLayoutEffect(afterRender)
  // the container whose menu is open (one at a time); a menu closing leaves another's open
  const [menuFor, setMenuFor] = useState<string | null>(null)
  const openMenu = useCallback((key: string, open: boolean) => setMenuFor((now) => (open ? key : now === key ? null : now)), [])
  return (
    <tbody ref={body} className="pf-v6-c-table__tbody" role="rowgroup" style={{ height: rows.length * rowPx, paddingTop: start * rowPx }}>
      {rows.slice(start, end).map((c, slot) => {
        const key = keyOf(c)
        return (
          <ContainerRow
            key={slot}
            c={c}
            index={start + slot}
            selected={selected.has(key)}
            labels={labels}
            order={order}
            menuOpen={menuFor === key}
            openMenu={openMenu}
          />
        )
      })}
    </tbody>
  )
}
