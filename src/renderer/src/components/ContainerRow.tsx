// One table row: a click selects (Ctrl/Cmd toggles), the checkbox multi-selects, Enter or a
// double-click opens the details, Delete asks to destroy, a right-click opens its menu.
import { memo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Truncate } from '@patternfly/react-core'
import { Td, Tr } from '@patternfly/react-table'
import type { ContainerInfo } from '@shared/model'
import { formatBytes } from '@shared/format-bytes'
import { keyOf } from '../stores/containers'
import { useSelection } from '../stores/selection'
import { useDestroyDialog } from '../stores/destroyDialog'
import { BackendBadge, StateBadge } from './Badges'
import { RowMenu } from './RowMenu'
import { dragProps } from '../dnd'
import { useUsage } from '../stores/usage'

/** Move focus to the details panel's heading: "opening" a row. */
export function openDetails(): void {
  requestAnimationFrame(() => document.getElementById('details-title')?.focus())
}

export const ContainerRow = memo(function ContainerRow({ c, rowIndex }: { c: ContainerInfo; rowIndex: number }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const key = keyOf(c)
  const selected = useSelection((s) => s.keys.includes(key))
  const select = useSelection((s) => s.select)
  const toggle = useSelection((s) => s.toggle)
  const usage = useUsage((s) => s.byKey.get(key))
  const usageStatus = useUsage((s) => s.status)
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
      <Td select={{ rowIndex, onSelect: () => toggle(key), isSelected: selected }} aria-label={t('containers.selectRow', { name: c.name })} onClick={(e) => e.stopPropagation()} />
      <Td dataLabel={t('containers.col.name')} className="name" modifier="nowrap">
        <span className="name-text" title={c.hidden ? t('containers.hiddenRow') : undefined}>
          <Truncate content={c.name} position="middle" />
        </span>
      </Td>
      <Td dataLabel={t('containers.col.state')} modifier="nowrap"><StateBadge state={c.state} /></Td>
      <Td dataLabel={t('containers.col.backend')} modifier="nowrap"><BackendBadge backend={c.backend} /></Td>
      <Td dataLabel={t('containers.col.origin')} modifier="nowrap" visibility={['hidden', 'visibleOnXl']}>{c.origin?.name ?? ''}</Td>
      <Td dataLabel={t('containers.col.dependents')} className="num" visibility={['hidden', 'visibleOn2Xl']}>{c.dependents.length}</Td>
      <Td dataLabel={t('containers.col.snapshots')} className="num" visibility={['hidden', 'visibleOn2Xl']}>{c.snapshots.length}</Td>
      <Td dataLabel={t('containers.col.problems')} className={c.problems.length ? 'num bad' : 'num'}>{c.problems.length}</Td>
      <Td dataLabel={t('containers.col.size')} className="num" modifier="nowrap" data-testid={`size-${c.name}`}>
        {usage ? formatBytes(usage.exclusiveBytes, i18n.language) : <span className="muted">{usageStatus === 'measuring' ? t('containers.sizeMeasuring') : t('containers.sizeUnknown')}</span>}
      </Td>
      <Td isActionCell onClick={(e) => e.stopPropagation()}>
        <RowMenu c={c} open={menuOpen} setOpen={setMenuOpen} />
      </Td>
    </Tr>
  )
})
