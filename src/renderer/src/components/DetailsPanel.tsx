// Details of the focused selection: a container, or a graph node that has no container
// (a snapshot, a missing origin), with its lineage findings. Long paths are cut in the middle
// with the whole path on hover; problems say their place once.
import { useTranslation } from 'react-i18next'
import { Button, DescriptionList, DescriptionListDescription, DescriptionListGroup, DescriptionListTerm, Title, Truncate } from '@patternfly/react-core'
import { CloneIcon, TrashIcon } from '@patternfly/react-icons'
import type { ConfigProblem } from '@shared/model'
import { keyOf, useContainers } from '../stores/containers'
import { useLineage } from '../stores/lineage'
import { useSelection } from '../stores/selection'
import { useState } from 'react'
import { BackendBadge, StateBadge } from './Badges'
import { SnapshotsPanel } from './SnapshotsPanel'
import { openClone } from '../hooks/openClone'
import { useCopyToHost } from '../hooks/copyToHost'
import { FindingFix, RepairNote } from './FindingFix'
import { ConsoleButtons } from './ConsoleButtons'
import { LifecycleButtons } from './LifecycleButtons'
import { LogPanel } from './LogPanel'
import { IdMapInfo } from './IdMapInfo'
import { OriginInfo } from './OriginInfo'
import { FixButton, fixIdsOf, useFix } from './FixButton'
import { actionRefusal } from '@shared/lifecycle'
import { useStateReason } from '../hooks/stateReason'
import { useDestroyDialog } from '../stores/destroyDialog'
import { saidText } from '../i18n/said'

function Path({ p }: { p: string }): React.JSX.Element {
  return (
    <span className="mono path-cut">
      <Truncate content={p} position="middle" />
    </span>
  )
}

/** "config:12 message" (the engine's sentence in the user's language), its place said once. */
function problemText(p: ConfigProblem): string {
  const place = p.line > 0 ? `${p.file}:${p.line}` : p.file
  if (p.said) return `${place}: ${saidText(p.said)}`
  return p.message.includes(place) ? p.message : `${place}: ${p.message}`
}

/** A term and its description side by side; `stacked`: the description under its term, the panel's whole width (sentences with paths). */
function Row({ term, stacked = false, children }: { term: string; stacked?: boolean; children: React.ReactNode }): React.JSX.Element {
  return (
    <DescriptionListGroup className={stacked ? 'dl-stacked' : undefined}>
      <DescriptionListTerm>{term}</DescriptionListTerm>
      <DescriptionListDescription>{children}</DescriptionListDescription>
    </DescriptionListGroup>
  )
}

export function DetailsPanel(): React.JSX.Element {
  const { t } = useTranslation()
  const focus = useSelection((s) => s.focus)
  const c = useContainers((s) => s.list.find((x) => keyOf(x) === focus))
  const node = useLineage((s) => s.graph.nodes.find((n) => n.id === focus))
  const allFindings = useLineage((s) => (focus ? s.findings.get(focus) : undefined)) ?? []
  // each once: a container's config errors are its Problems; its lineage findings (which the
  // listing also counts among its problems) are the list below with their repairs
  const findings = c ? allFindings.filter((f) => f.code !== 'config-error') : allFindings
  const configProblems = c ? c.problems.filter((p) => p.finding === undefined) : []
  const nothing = <span className="muted">{t('details.nothing')}</span>
  const [logOpen, setLogOpen] = useState(false)
  const fix = useFix()
  const reasonOf = useStateReason()
  // Destroy stays clickable on a running container: the dialog offers to stop it; the hover says so first.
  const destroyRefusal = c ? actionRefusal('destroy', c.name, c.state) : null
  const showFindings = (): void => {
    const title = document.getElementById('details-findings-title')
    title?.scrollIntoView({ block: 'nearest' })
    title?.focus()
  }
  const copy = useCopyToHost()
  const copyWhy = c ? copy.why(c) : null

  let body: React.ReactNode = <p className="muted">{t('details.none')}</p>
  if (c) {
    body = (
      <DescriptionList isCompact isHorizontal horizontalTermWidthModifier={{ default: '8rem' }} className="dl">
        <Row term={t('details.state')}><StateBadge state={c.state} /></Row>
        <Row term={t('details.backend')}><BackendBadge backend={c.backend} /></Row>
        <Row term={t('details.privileges')}><IdMapInfo c={c} /></Row>
        <Row term={t('details.lxcpath')}><Path p={c.lxcpath} /></Row>
        <Row term={t('details.config')}><Path p={c.config} /></Row>
        <Row term={t('details.rootfs')}>{c.rootfs ? <Path p={c.rootfs} /> : nothing}</Row>
        <Row term={t('details.origin')}><OriginInfo c={c} /></Row>
        <Row term={t('details.dependents')}>{c.dependents.map((d) => d.name).join(', ') || nothing}</Row>
        <Row term={t('details.snapshots')}>{c.snapshots.map((s) => s.name).join(', ') || nothing}</Row>
        <Row term={t('details.problems')} stacked={configProblems.length > 0}>
          {configProblems.length ? (
            <ul className="problems">
              {configProblems.map((p, i) => (
                <li key={i} className="bad">{problemText(p)}</li>
              ))}
            </ul>
          ) : (
            !findings.length && nothing
          )}
          {/* the lineage findings count among its problems (the table's column does): never "none" beside them */}
          {findings.length > 0 && (
            <Button variant="link" isInline data-testid="details-problems-findings" onClick={() => showFindings()}>
              {t('details.findings')}: {findings.length}
            </Button>
          )}
          {c.legacy && <p className="warn">{t('details.legacy')}</p>}
          {/* the fixes the engine offers for these problems, where they are said, as the Config view offers them */}
          {fixIdsOf(configProblems).map((id) => (
            <FixButton key={id} fixId={id} onClick={() => fix.open(id, c)} size="sm" where="details-" />
          ))}
        </Row>
      </DescriptionList>
    )
  } else if (node) {
    body = (
      <DescriptionList isCompact isHorizontal horizontalTermWidthModifier={{ default: '8rem' }} className="dl">
        <Row term={t('details.lxcpath')}><Path p={node.ref.lxcpath} /></Row>
        <Row term={t('details.backend')}><BackendBadge backend={node.backend} /></Row>
        {node.kind === 'missing' && <p className="bad">{t('details.missingNode')}</p>}
      </DescriptionList>
    )
  }
  const title = c?.name ?? node?.ref.name
  return (
    <aside className="details" data-testid="details" aria-label={t('details.title')}>
      <Title headingLevel="h2" size="lg" id="details-title" tabIndex={-1} className="details-title">
        {title ?? t('details.title')}
      </Title>
      {c && (
        <>
          <div className="actions" role="group" aria-label={t('lifecycle.actionsLabel', { name: c.name })}>
            <LifecycleButtons containers={[c]} actions={['start', 'stop', 'restart', c.state === 'frozen' ? 'unfreeze' : 'freeze']} testIdPrefix="details-" />
          </div>
          <div className="actions">
            <Button variant="secondary" size="sm" data-testid="details-log" onClick={() => setLogOpen(true)}>{t('lifecycle.log')}</Button>
            <ConsoleButtons c={c} />
          </div>
          <div className="actions">
            <Button variant="secondary" size="sm" icon={<CloneIcon />} data-testid="details-clone" onClick={() => openClone(c, c.lxcpath)}>
              {t('clone.title', { name: c.name })}
            </Button>
            <Button variant="secondary" size="sm" data-testid="details-copy-host" isAriaDisabled={copyWhy !== null} title={copyWhy ?? undefined} onClick={() => copy.open(c)}>
              {t('copyHost.menu')}
            </Button>
            <Button
              variant="danger"
              isDanger
              size="sm"
              icon={<TrashIcon />}
              data-testid="details-destroy"
              title={destroyRefusal ? reasonOf(destroyRefusal.rule, c) : undefined}
              onClick={() => useDestroyDialog.getState().open(c)}
            >
              {t('destroy.button')}
            </Button>
          </div>
        </>
      )}
      {body}
      {/* what is wrong (and its fix) before the snapshots: it is what the user must act on */}
      {findings.length > 0 && (
        <>
          <Title headingLevel="h3" size="md" id="details-findings-title" tabIndex={-1} className="details-findings-title">{t('details.findings')}</Title>
          <ul data-testid="details-findings" className="findings-list">
            {findings.map((f, i) => (
              <li key={i} className="bad">
                <strong>{t(`finding.${f.code}`)}</strong>: {saidText(f.said, f.message)}
                <FindingFix f={f} />
              </li>
            ))}
          </ul>
        </>
      )}
      {focus && <RepairNote id={focus} />}
      {c && <SnapshotsPanel c={c} />}
      {c && logOpen && <LogPanel c={c} onClose={() => setLogOpen(false)} />}
      {fix.dialog}
    </aside>
  )
}
