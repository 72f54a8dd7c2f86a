// One table row; focusable, Enter/Space selects, Ctrl/Cmd toggles, the checkbox multi-selects.
import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { ContainerInfo } from '@shared/model'
import { keyOf } from '../stores/containers'
import { useSelection } from '../stores/selection'
import { BackendBadge, StateBadge } from './Badges'
import { dragProps } from '../dnd'
import { formatBytes, useUsage } from '../stores/usage'

export const ContainerRow = memo(function ContainerRow({ c }: { c: ContainerInfo }): React.JSX.Element {
  const { t } = useTranslation()
  const key = keyOf(c)
  const selected = useSelection((s) => s.keys.includes(key))
  const select = useSelection((s) => s.select)
  const toggle = useSelection((s) => s.toggle)
  const usage = useUsage((s) => s.byKey.get(key))
  const usageStatus = useUsage((s) => s.status)
  const activate = (multi: boolean): void => (multi ? toggle(key) : select(key))
  return (
    <tr
      tabIndex={0}
      aria-selected={selected}
      className={`row${selected ? ' selected' : ''}${c.hidden ? ' hidden-container' : ''}`}
      data-testid={`container-row-${c.name}`}
      data-key={key}
      {...dragProps(c)}
      onClick={(e) => activate(e.ctrlKey || e.metaKey)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault()
          activate(e.ctrlKey || e.metaKey)
        }
      }}
    >
      <td className="check" onClick={(e) => e.stopPropagation()}>
        <input type="checkbox" aria-label={t('containers.selectRow', { name: c.name })} checked={selected} onChange={() => toggle(key)} />
      </td>
      <td className="name" title={c.hidden ? t('containers.hiddenRow') : undefined}>{c.name}</td>
      <td><StateBadge state={c.state} /></td>
      <td><BackendBadge backend={c.backend} /></td>
      <td>{c.origin?.name ?? ''}</td>
      <td className="num">{c.dependents.length}</td>
      <td className="num">{c.snapshots.length}</td>
      <td className={c.problems.length ? 'num bad' : 'num'}>{c.problems.length}</td>
      <td className="num" data-testid={`size-${c.name}`}>
        {usage ? formatBytes(usage.exclusiveBytes) : <span className="muted">{usageStatus === 'measuring' ? t('containers.sizeMeasuring') : t('containers.sizeUnknown')}</span>}
      </td>
    </tr>
  )
})
