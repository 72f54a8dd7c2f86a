// The containers table (PatternFly's compact table): sortable, resizable headers, numbers
// right-aligned under right-aligned headers, a checkbox per row and one to select all. The
// table reads the stores and the strings once and hands each row what it shows (of a row, only
// the size cell subscribes, to its own figure: ContainerRow). The table is windowed
// (ContainerTableWindow): only the rows in view, and a few beyond, are in the DOM, each placed by its index (ContainerTableRows); it keeps
// PatternFly's table elements and classes but is laid out as grids (ContainerTable.css), the
// columns' widths coming from the header's (ContainerTableWidths), so a scroll lays out only the
// rows that come in. Being no CSS table, it says what it is with ARIA roles (grid, rowgroup,
// row, columnheader, gridcell). The rows' order (all the rows shown, filtered) is what the keyboard moves through
// (ContainerTableKeys), what a shift-click's range and select-all take, and what screen readers
// are told (aria-rowcount on the table, aria-rowindex on each row). It renders its own
// scrolling box (whose rows are covered from the pointer while it scrolls: ContainerTableHoverPause),
// and the note when the filter matches nothing.
import { memo, useCallback, useMemo, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import type { ContainerInfo, ContainerState } from '@shared/model'
import { keyOf, useContainers, type SortKey } from '../stores/containers'
import { useSelection } from '../stores/selection'
import type { RowLabels } from './ContainerRow'
import { ContainerTableRows } from './ContainerTableRows'
import { ResizableTh } from './ResizableTh'
import { useColumnWidths } from '../stores/columnWidths'
import type { RowWindow } from './ContainerTableWindow'
import { useRowKeys } from './ContainerTableKeys'
import { SizerRow, useColumnTracks } from './ContainerTableWidths'
import { useHoverPause } from './ContainerTableHoverPause'
import { NoMatch } from './NoMatch'
import './ContainerTable.css'

interface Column {
  key: SortKey
  numeric?: boolean
  /** folded into the details panel on narrower windows: `xl` below 1200 px, `2xl` below 1450 px */
  wide?: 'xl' | '2xl'
}
const COLUMNS: Column[] = [
  { key: 'name' },
  { key: 'state' },
  { key: 'backend' },
  { key: 'origin', wide: 'xl' },
  { key: 'dependents', numeric: true, wide: '2xl' },
  { key: 'snapshots', numeric: true, wide: '2xl' },
  { key: 'problems', numeric: true },
  { key: 'size', numeric: true }
]

const STATES: ContainerState[] = ['stopped', 'starting', 'running', 'stopping', 'aborting', 'freezing', 'frozen', 'thawed', 'unknown']
/** stands for the name in a translated template, filled per row without i18next */
const NAME = '\u0000'

/** the same containers in the same order: the list given again (its view re-sorts it when the sizes arrive, whatever the sort) */
const sameRows = (a: { rows: ContainerInfo[] }, b: { rows: ContainerInfo[] }): boolean => a.rows.length === b.rows.length && a.rows.every((c, i) => c === b.rows[i])

export const ContainerTable = memo(function ContainerTable({ rows }: { rows: ContainerInfo[] }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const sort = useContainers((s) => s.sort)
  const sortBy = useContainers((s) => s.sortBy)
  const keys = useSelection((s) => s.keys)
  const labels = useMemo<RowLabels>(() => {
    const fill = (template: string) => (name: string) => template.split(NAME).join(name)
    return {
      lang,
      state: Object.fromEntries(STATES.map((s) => [s, t(`state.${s}`)])) as Record<ContainerState, string>,
      selectRow: fill(t('containers.selectRow', { name: NAME })),
      actions: fill(t('containers.actions', { name: NAME })),
      hiddenRow: t('containers.hiddenRow'),
      sizeMeasuring: t('containers.sizeMeasuring'),
      sizeUnknown: t('containers.sizeUnknown')
    }
  }, [t, lang])
  const selected = useMemo(() => new Set(keys), [keys])
  const allChecked = rows.length > 0 && rows.every((c) => selected.has(keyOf(c)))
  const order = useMemo(() => rows.map(keyOf), [rows])
  const orderRef = useRef(order)
  orderRef.current = order
  // stable, so that a memoised row is not drawn again when the order changes
  const getOrder = useCallback(() => orderRef.current, [])

  const scroller = useRef<HTMLDivElement>(null)
  const body = useRef<HTMLTableSectionElement>(null)
  const table = useRef<HTMLTableElement>(null)
  const win = useRef<RowWindow | null>(null)
  const rowKeys = useRowKeys(scroller, body, getOrder, win)
  const pauseHover = useHoverPause(scroller)
  const onScroll = useCallback(() => {
    pauseHover()
    win.current?.onScroll()
  }, [pauseHover])

  const userWidths = useColumnWidths((s) => s.widths)
  // the header's tracks for the columns the user sized (ContainerTable.css)
  const headStyle = useMemo(() => Object.fromEntries(Object.entries(userWidths).map(([column, px]) => [`--ct-w-${column}`, `${px}px`])) as React.CSSProperties, [userWidths])
  useColumnTracks(table)

  return (
    <div className="table-scroll" ref={scroller} tabIndex={-1} onScroll={onScroll} onKeyDown={rowKeys.onKeyDown} onFocus={rowKeys.onFocus}>
      {/* covers the rows while the box scrolls (ContainerTableHoverPause) */}
      <div className="ct-shield" aria-hidden="true" />
      <table
        ref={table}
        role="grid"
        aria-multiselectable
        aria-label={t('containers.title')}
        aria-rowcount={rows.length + 1}
        className="pf-v6-c-table pf-m-compact pf-m-sticky-header ct"
        data-testid="containers-table"
      >
        <thead className="pf-v6-c-table__thead" role="rowgroup" style={headStyle}>
          <tr className="pf-v6-c-table__tr" role="row" aria-rowindex={1}>
            <th tabIndex={-1} role="columnheader" aria-label={t('containers.selectAll')} className="pf-v6-c-table__th pf-v6-c-table__check" data-column="check">
              <div className="pf-v6-c-check pf-m-standalone">
                <input
                  id="select-all"
                  className="pf-v6-c-check__input"
                  type="checkbox"
                  tabIndex={-1}
                  aria-label={t('containers.selectAll')}
                  checked={allChecked}
                  onChange={() => useSelection.getState().setAll(allChecked ? [] : order)}
                />
              </div>
            </th>
            {COLUMNS.map((col) => (
              <ResizableTh
                key={col.key}
                column={col.key}
                label={t(`containers.col.${col.key}`)}
                numeric={col.numeric}
                wide={col.wide}
                tooltip={col.key === 'size' ? t('containers.sizeHelp') : undefined}
                sorted={sort.key === col.key ? sort.dir : undefined}
                onSort={() => sortBy(col.key)}
              />
            ))}
            <th tabIndex={-1} role="columnheader" className="pf-v6-c-table__th" data-column="actions">
              <span className="pf-v6-screen-reader">{t('containers.actions', { name: '' })}</span>
            </th>
          </tr>
          <SizerRow rows={rows} labels={labels} />
        </thead>
        <ContainerTableRows
          rows={rows}
          selected={selected}
          labels={labels}
          order={getOrder}
          scroller={scroller}
          body={body}
          win={win}
          afterRender={rowKeys.afterRender}
        />
      </table>
      {rows.length === 0 && <NoMatch />}
    </div>
  )
}, sameRows)
