// One table row: a click selects (Ctrl/Cmd toggles), the checkbox multi-selects, Enter or a
// double-click opens the details, Delete asks to destroy, a right-click opens its menu.
import { memo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Tr } from '@patternfly/react-table'
import type { ContainerInfo } from '@shared/model'
import { formatBytes } from '@shared/format-bytes'
import { keyOf } from '../stores/containers'
import { useSelection } from '../stores/selection'
import { useDestroyDialog } from '../stores/destroyDialog'
import { BackendBadge, StateBadge } from './Badges'
import { RowMenu } from './RowMenu'
import { NameText } from './NameText'
import { originName } from './OriginInfo'
import { dragProps } from '../dnd'
import { useUsage } from '../stores/usage'

const TD = 'pf-v6-c-table__td'
/** folded into the details panel below 1200 / 1450 px, as the header's columns (ContainersView) */
const WIDE_XL = 'pf-m-hidden pf-m-visible-on-xl'
const WIDE_2XL = 'pf-m-hidden pf-m-visible-on-2xl'

/** Move focus to the details panel's heading: "opening" a row. */
export function openDetails(): void {
  requestAnimationFrame(() => document.getElementById('details-title')?.focus())
}

export const ContainerRow = memo(function ContainerRow({ c }: { c: ContainerInfo }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const key = keyOf(c)
  const selected = useSelection((s) => s.keys.includes(key))
  const select = useSelection((s) => s.select)
  const toggle = useSelection((s) => s.toggle)
  const usage = useUsage((s) => s.byKey.get(key))
  // the status only matters while this row has no size: a measured row ignores later status changes
  const usageStatus = useUsage((s) => (s.byKey.has(key) ? null : s.status))
  const [menuOpen, setMenuOpen] = useState(false)
  const activate = (multi: boolean): void => (multi ? toggle(key) : select(key))
  return (
    <Tr
      tabIndex={0}
      isClickable
      isRowSelected={selected}
      aria-selected={selected}
      className={c.hidden ? 'row hidden-container' : 'row'}
      data-testid={`container-row-${c.name}`}
      data-key={key}
      {...dragProps(c)}
      onRowClick={(e) => activate(!!e && (e.ctrlKey || e.metaKey))}
      onDoubleClick={() => {
        select(key)
        openDetails()
      }}
      onContextMenu={(e) => {
        e.preventDefault()
        select(key)
        setMenuOpen(true)
      }}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget) return
        if (e.key === 'Enter') {
          e.preventDefault()
          select(key)
          openDetails()
        } else if (e.key === ' ') {
          e.preventDefault()
          activate(e.ctrlKey || e.metaKey)
        } else if (e.key === 'Delete') {
          e.preventDefault()
          select(key)
          useDestroyDialog.getState().open(c)
        } else if (e.key === 'ContextMenu' || (e.shiftKey && e.key === 'F10')) {
          e.preventDefault()
          setMenuOpen(true)
        }
      }}
    >
      {/* Plain cells with PatternFly's classes: react-table's Td measures itself after mounting
          (a forced layout per cell) and merges props through several decorators; 500 rows x 10
          cells of that was most of the first render. */}
      <td className="pf-v6-c-table__td pf-v6-c-table__check" onClick={(e) => e.stopPropagation()}>
        <span className="pf-v6-c-check pf-m-standalone">
          <input className="pf-v6-c-check__input" type="checkbox" checked={selected} onChange={() => toggle(key)} aria-label={t('containers.selectRow', { name: c.name })} />
        </span>
      </td>
      <td className={`${TD} name pf-m-nowrap`}>
        <span className="name-text">
          <NameText name={c.name} title={c.hidden ? `${c.name}\n${t('containers.hiddenRow')}` : undefined} />
        </span>
      </td>
      <td className={`${TD} pf-m-nowrap`}><StateBadge state={c.state} /></td>
      <td className={`${TD} pf-m-nowrap`}><BackendBadge backend={c.backend} /></td>
      <td className={`${TD} pf-m-nowrap ${WIDE_XL}`}>{originName(c)}</td>
      <td className={`${TD} num ${WIDE_2XL}`}>{c.dependents.length}</td>
      <td className={`${TD} num ${WIDE_2XL}`}>{c.snapshots.length}</td>
      <td className={`${TD} ${c.problems.length ? 'num bad' : 'num'}`}>{c.problems.length}</td>
      <td className={`${TD} num pf-m-nowrap`} data-testid={`size-${c.name}`}>
        {usage ? formatBytes(usage.exclusiveBytes, i18n.language) : <span className="muted">{usageStatus === 'measuring' ? t('containers.sizeMeasuring') : t('containers.sizeUnknown')}</span>}
      </td>
      <td className={`${TD} pf-v6-c-table__action`} onClick={(e) => e.stopPropagation()}>
        <RowMenu c={c} open={menuOpen} setOpen={setMenuOpen} />
      </td>
    </Tr>
  )
})
