// Details of the focused selection: a container, or a graph node that has no container
// (a snapshot, a missing origin), with its lineage findings.
import { useTranslation } from 'react-i18next'
import { keyOf, useContainers } from '../stores/containers'
import { useLineage } from '../stores/lineage'
import { useSelection } from '../stores/selection'
import { useState } from 'react'
import { BackendBadge, StateBadge } from './Badges'
import { SnapshotsPanel } from './SnapshotsPanel'
import { DestroyDialog } from './DestroyDialog'
import { openClone } from '../hooks/openClone'
import { FindingFix, RepairNote } from './FindingFix'
import { ConsoleButtons } from './ConsoleButtons'
import { LifecycleButtons } from './LifecycleButtons'
import { LogPanel } from './LogPanel'
import { IdMapInfo } from './IdMapInfo'
import { actionRefusal } from '@shared/lifecycle'
import { useStateReason } from '../hooks/stateReason'

export function DetailsPanel(): React.JSX.Element {
  const { t } = useTranslation()
  const focus = useSelection((s) => s.focus)
  const c = useContainers((s) => s.list.find((x) => keyOf(x) === focus))
  const node = useLineage((s) => s.graph.nodes.find((n) => n.id === focus))
  const findings = useLineage((s) => (focus ? s.findings.get(focus) : undefined)) ?? []
  const nothing = <span className="muted">{t('details.nothing')}</span>
  const [destroying, setDestroying] = useState(false)
  const [logOpen, setLogOpen] = useState(false)
  const reasonOf = useStateReason()
  // Destroy stays clickable on a running container: the dialog offers to stop it; the hover says so first.
  const destroyRefusal = c ? actionRefusal('destroy', c.name, c.state) : null

  let body: React.ReactNode = <p className="muted">{t('details.none')}</p>
  if (c) {
    body = (
      <dl className="dl">
        <dt>{t('details.state')}</dt><dd><StateBadge state={c.state} /></dd>
        <dt>{t('details.backend')}</dt><dd><BackendBadge backend={c.backend} /></dd>
        <dt>{t('details.privileges')}</dt><dd><IdMapInfo c={c} /></dd>
        <dt>{t('details.lxcpath')}</dt><dd className="mono">{c.lxcpath}</dd>
        <dt>{t('details.config')}</dt><dd className="mono">{c.config}</dd>
        <dt>{t('details.rootfs')}</dt><dd className="mono">{c.rootfs ?? nothing}</dd>
        <dt>{t('details.origin')}</dt><dd>{c.origin?.name ?? nothing}</dd>
        <dt>{t('details.dependents')}</dt><dd>{c.dependents.map((d) => d.name).join(', ') || nothing}</dd>
        <dt>{t('details.snapshots')}</dt><dd>{c.snapshots.map((s) => s.name).join(', ') || nothing}</dd>
        <dt>{t('details.problems')}</dt>
        <dd>
          {c.problems.length ? (
            <ul>{c.problems.map((p, i) => <li key={i} className="bad">{p.file}:{p.line} {p.message}</li>)}</ul>
          ) : nothing}
          {c.legacy && <p className="warn">{t('details.legacy')}</p>}
        </dd>
      </dl>
    )
  } else if (node) {
    body = (
      <dl className="dl">
        <dt>{t('details.lxcpath')}</dt><dd className="mono">{node.ref.lxcpath}</dd>
        <dt>{t('details.backend')}</dt><dd><BackendBadge backend={node.backend} /></dd>
        {node.kind === 'missing' && <dd className="bad">{t('details.missingNode')}</dd>}
      </dl>
    )
  }
  const title = c?.name ?? node?.ref.name
  return (
    <aside className="details" data-testid="details" aria-label={t('details.title')}>
      <h2>{title ?? t('details.title')}</h2>
      {c && (
        <>
          <div className="actions" role="group" aria-label={t('lifecycle.actionsLabel', { name: c.name })}>
            <LifecycleButtons containers={[c]} actions={['start', 'stop', 'restart', c.state === 'frozen' ? 'unfreeze' : 'freeze']} testIdPrefix="details-" />
            <button type="button" data-testid="details-log" onClick={() => setLogOpen(true)}>{t('lifecycle.log')}</button>
            <ConsoleButtons c={c} />
          </div>
          <div className="actions">
            <button data-testid="details-clone" onClick={() => openClone(c, c.lxcpath)}>{t('clone.title', { name: c.name })}</button>
            <button
              data-testid="details-destroy"
              className="danger-outline"
              title={destroyRefusal ? reasonOf(destroyRefusal.rule, c) : undefined}
              onClick={() => setDestroying(true)}
            >
              {t('destroy.button')}
            </button>
          </div>
        </>
      )}
      {body}
      {/* what is wrong (and its fix) before the snapshots: it is what the user must act on */}
      {findings.length > 0 && (
        <>
          <h3>{t('details.findings')}</h3>
          <ul data-testid="details-findings">
            {findings.map((f, i) => (
              <li key={i} className="bad">
                <strong>{t(`finding.${f.code}`)}</strong>: {f.message}
                <FindingFix f={f} />
              </li>
            ))}
          </ul>
        </>
      )}
      {focus && <RepairNote id={focus} />}
      {c && <SnapshotsPanel c={c} />}
      {c && destroying && <DestroyDialog c={c} onClose={() => setDestroying(false)} />}
      {c && logOpen && <LogPanel c={c} onClose={() => setLogOpen(false)} />}
    </aside>
  )
}
