// One table row: a click selects (Ctrl/Cmd toggles, Shift selects the range from the last
// click, over all the rows shown, rendered or not), the checkbox multi-selects, Enter or a
// double-click opens the details, Delete asks to destroy, a right-click opens its menu.
// A row is plain elements with PatternFly's classes, drawn from its props only: no store
// subscription but its size cell's, no useTranslation (each instance of that hook builds its own
// i18n wrapper) and no react-table Tr/Td (props merged through decorators, an OUIA id and an
// effect per row). With 500 rows these were most of the first render; the table (ContainerTable)
// reads the stores and the strings once and hands each row what it shows. The size cell alone
// reads its container's figure from the usage store (SizeCell): the figures arrive after the
// first paint, and only those cells are drawn again, not the rows.
import { memo } from 'react'
import type { ContainerInfo, ContainerState } from '@shared/model'
import { formatBytes } from '@shared/format-bytes'
import { keyOf } from '../stores/containers'
import { useSelection } from '../stores/selection'
import { useUsage } from '../stores/usage'
import { useDestroyDialog } from '../stores/destroyDialog'
import { RowMenu } from './RowMenu'
import { NameText } from './NameText'
import { originName } from './OriginInfo'
import { dragProps } from '../dnd'

const TD = 'pf-v6-c-table__td'
/** folded into the details panel below 1200 / 1450 px, as the header's columns (ContainerTable) */
const WIDE_XL = 'pf-m-hidden pf-m-visible-on-xl'
const WIDE_2XL = 'pf-m-hidden pf-m-visible-on-2xl'

/** The row's strings in the current language, made once per language by the table. */
export interface RowLabels {
  lang: string
  state: Record<ContainerState, string>
  selectRow(name: string): string
  actions(name: string): string
  hiddenRow: string
  sizeMeasuring: string
  sizeUnknown: string
}

/** Move focus to the details panel's heading: "opening" a row. */
export function openDetails(): void {
  requestAnimationFrame(() => document.getElementById('details-title')?.focus())
}

export interface ContainerRowProps {
  c: ContainerInfo
  selected: boolean
  labels: RowLabels
  /** its place among all the rows shown (0-based): aria-rowindex, the header being row 1 */
  index: number
  /** how far it is drawn from its element's place in the body, in px (ContainerTableRows) */
  y: number
  /** the keys of all the rows shown, in their order (a shift-click's range), rendered or not */
  order: () => readonly string[]
  /** whether its menu is open: held by the table for the container, the row's element showing other containers as the window moves */
  menuOpen: boolean
  /** opens or closes the menu of the container with this key (one menu is open at a time) */
  openMenu(key: string, open: boolean): void
}

export const ContainerRow = memo(function ContainerRow({ c, selected, labels, index, y, order, menuOpen, openMenu }: ContainerRowProps): React.JSX.Element {
  const key = keyOf(c)
  const setMenuOpen = (open: boolean): void => openMenu(key, open)
  const select = (): void => useSelection.getState().select(key)
  const toggle = (): void => useSelection.getState().toggle(key)
  const activate = (multi: boolean): void => (multi ? toggle() : select())
  const range = (): void => useSelection.getState().range(key, order())
  return (
    <tr
      tabIndex={-1}
      className={`pf-v6-c-table__tr pf-m-clickable${selected ? ' pf-m-selected' : ''} row${c.hidden ? ' hidden-container' : ''}`}
      role="row"
      aria-selected={selected}
      aria-rowindex={index + 2}
      data-testid={`container-row-${c.name}`}
      data-key={key}
      style={{ transform: `translateY(${y}px)` }}
      {...dragProps(c)}
      onMouseDown={(e) => e.shiftKey && e.preventDefault() /* no text selection on shift-click */}
      onClick={(e) => (e.shiftKey ? range() : activate(e.ctrlKey || e.metaKey))}
      onDoubleClick={() => {
        select()
        openDetails()
      }}
      onContextMenu={(e) => {
        e.preventDefault()
        select()
        setMenuOpen(true)
      }}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget) return
        if (e.key === 'Enter') {
          e.preventDefault()
          select()
          openDetails()
        } else if (e.key === ' ') {
          e.preventDefault()
          activate(e.ctrlKey || e.metaKey)
        } else if (e.key === 'Delete') {
          e.preventDefault()
          select()
          useDestroyDialog.getState().open(c)
        } else if (e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10')) {
          e.preventDefault()
          setMenuOpen(true)
        }
      }}
    >
      <td role="gridcell" className="pf-v6-c-table__td pf-v6-c-table__check" onClick={(e) => e.stopPropagation()}>
        <span className="pf-v6-c-check pf-m-standalone">
          <input
            className="pf-v6-c-check__input"
            type="checkbox"
            tabIndex={-1}
            checked={selected}
            onChange={(e) => ((e.nativeEvent as MouseEvent).shiftKey ? range() : toggle())}
            aria-label={labels.selectRow(c.name)}
          />
        </span>
      </td>
      <td role="gridcell" className={`${TD} name pf-m-nowrap`}>
        <NameText name={c.name} title={c.hidden ? `${c.name}\n${labels.hiddenRow}` : undefined} className="name-text" />
      </td>
      {/* the state's dot is the span's ::before (ContainerTable.css), one element less per row */}
      <td role="gridcell" className={`${TD} pf-m-nowrap`}>
        <span className={`state state-${c.state} state-dot`}>{labels.state[c.state]}</span>
      </td>
      <td role="gridcell" className={`${TD} pf-m-nowrap`}>
        <span className={`badge backend-${c.backend ?? 'none'}`}>{c.backend ?? '?'}</span>
      </td>
      <td role="gridcell" className={`${TD} pf-m-nowrap ${WIDE_XL}`}>{originName(c)}</td>
      <td role="gridcell" className={`${TD} num ${WIDE_2XL}`}>{c.dependents.length}</td>
      <td role="gridcell" className={`${TD} num ${WIDE_2XL}`}>{c.snapshots.length}</td>
      <td role="gridcell" className={`${TD} ${c.problems.length ? 'num bad' : 'num'}`}>{c.problems.length}</td>
      <SizeCell containerKey={key} name={c.name} labels={labels} />
      <td role="gridcell" className={`${TD} pf-v6-c-table__action`} onClick={(e) => e.stopPropagation()}>
        <RowMenu c={c} label={labels.actions(c.name)} open={menuOpen} setOpen={setMenuOpen} />
      </td>
    </tr>
  )
})

/** The row's size: its container's figure, or without one "measuring…" while one is measured and "not measured" else. */
function SizeCell({ containerKey, name, labels }: { containerKey: string; name: string; labels: RowLabels }): React.JSX.Element {
  const bytes = useUsage((s) => s.byKey.get(containerKey)?.exclusiveBytes)
  const measuring = useUsage((s) => s.status === 'measuring')
  return (
    <td role="gridcell" className={`${TD} num pf-m-nowrap${bytes === undefined ? ' muted' : ''}`} data-testid={`size-${name}`}>
      {bytes !== undefined ? formatBytes(bytes, labels.lang) : measuring ? labels.sizeMeasuring : labels.sizeUnknown}
    </td>
  )
}
