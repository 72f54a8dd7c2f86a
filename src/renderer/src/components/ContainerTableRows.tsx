// The body of the windowed containers table: the rows in the window (ContainerTableWindow) in a
// body as tall as all the rows, the first of them pushed down by the body's top padding to its
// index x the row height (ContainerTable.css). A window move adds and removes rows and changes
// that padding: the rows that stay keep their elements (keyed by container) and their layout, the
// browser only moving them, and no table is laid out. (Rows placed one by one with
// position: absolute were measured slower: the browser lays out every positioned row again at
// each move, docs/speed-log.md.) The window's state lives
// here, not in the table, so that a scroll renders these rows again and not the header, its sort
// buttons and resize handles.
import { useEffect } from 'react'
import type { ContainerInfo, ContainerUsage } from '@shared/model'
import { keyOf } from '../stores/containers'
import { ContainerRow, type RowLabels } from './ContainerRow'
import { useRowWindow, type RowWindow } from './ContainerTableWindow'

export interface ContainerTableRowsProps {
  rows: ContainerInfo[]
  selected: Set<string>
  byKey: Map<string, ContainerUsage>
  measuring: boolean
  labels: RowLabels
  order: () => readonly string[]
  scroller: React.RefObject<HTMLDivElement | null>
  body: React.RefObject<HTMLTableSectionElement | null>
  /** set to the window on each render: the table's scroll handler and keyboard use it */
  win: React.RefObject<RowWindow | null>
  /** called with the next range before it is rendered, and after it was */
  beforeMove(start: number, end: number): void
  afterMove(): void
}

export function ContainerTableRows({ rows, selected, byKey, measuring, labels, order, scroller, body, win, beforeMove, afterMove }: ContainerTableRowsProps): React.JSX.Element {
  const w = useRowWindow(scroller, rows.length, beforeMove)
  win.current = w
  const { start, end, rowPx } = w
  useEffect(afterMove, [start, end, afterMove])
  return (
    <tbody ref={body} className="pf-v6-c-table__tbody" role="rowgroup" style={{ height: rows.length * rowPx, paddingTop: start * rowPx }}>
      {rows.slice(start, end).map((c, i) => {
        const key = keyOf(c)
        const usage = byKey.get(key)
        return (
          <ContainerRow
            key={key}
            c={c}
            index={start + i}
            selected={selected.has(key)}
            usage={usage}
            measuring={!usage && measuring}
            labels={labels}
            order={order}
          />
        )
      })}
    </tbody>
  )
}
