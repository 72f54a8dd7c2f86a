// Destroy for the selected containers, as the engine plans it (destroySetPlan, per lxcpath): what
// goes (an origin with its clones when every dependent is selected too, leaves first, each with
// its own snapshots), what stays and why (a dependent that stays, named; a running container,
// with the stop rule's words), the space given back; then each destroy a task in the drawer and
// a step here, one after the other. A finished destroy says so. Disabled with the reason when the
// selection's state forbids it for every container (shared/lifecycle.ts's rule).
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Checkbox, Label, List, ListItem, Spinner } from '@patternfly/react-core'
import { CheckCircleIcon, ExclamationCircleIcon, TrashIcon } from '@patternfly/react-icons'
import type { ContainerInfo, ContainerRef, DestroySetPlan } from '@shared/model'
import { actionRefusal } from '@shared/lifecycle'
import { formatBytes } from '@shared/format-bytes'
import { api, errorText } from '../api'
import { useTasks } from '../stores/tasks'
import { useUsage } from '../stores/usage'
import { usePrefs } from '../stores/prefs'
import { useSelection } from '../stores/selection'
import { useContainers } from '../stores/containers'
import { useStateReason } from '../hooks/stateReason'
import { Dialog } from './Dialog'

const key = (r: ContainerRef): string => `${r.lxcpath}/${r.name}`
type StepStatus = 'waiting' | 'running' | 'done' | 'failed'

export function BulkDestroy({ containers }: { containers: readonly ContainerInfo[] }): React.JSX.Element {
  const { t } = useTranslation()
  const reasonOf = useStateReason()
  const [open, setOpen] = useState<ContainerInfo[] | null>(null)
  const refusals = containers.map((c) => ({ c, refusal: actionRefusal('destroy', c.name, c.state) }))
  const blocked = refusals.filter((r) => r.refusal !== null)
  let why: string | undefined
  if (!containers.length) why = t('lifecycle.noSelection')
  else if (blocked.length === containers.length) {
    const reason = reasonOf(blocked[0]!.refusal!.rule, blocked[0]!.c)
    why = containers.length === 1 ? reason : t('lifecycle.noneApplies', { reason })
  }
  return (
    <>
      <span className="why" title={why ?? t('bulkDestroy.button')}>
        {/* icon only, like Snapshot: the toolbar must fit at 1024 px */}
        <Button
          variant="secondary"
          isDanger
          size="sm"
          icon={<TrashIcon />}
          data-testid="bulk-destroy"
          isDisabled={why !== undefined}
          aria-label={t('bulkDestroy.button')}
          title={why ?? t('bulkDestroy.button')}
          aria-description={why}
          onClick={() => setOpen([...containers])}
        />
      </span>
      {open && <BulkDestroyDialog selected={open} onClose={() => setOpen(null)} />}
    </>
  )
}

function BulkDestroyDialog({ selected, onClose }: { selected: ContainerInfo[]; onClose(): void }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const reasonOf = useStateReason()
  const usage = useUsage()
  const list = useContainers((s) => s.list)
  const [plan, setPlan] = useState<DestroySetPlan | null>(null)
  const [planError, setPlanError] = useState<string | null>(null)
  const [steps, setSteps] = useState<Record<string, StepStatus> | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [outsideConfirmed, setOutsideConfirmed] = useState(false)
  const started = steps !== null

  // the engine's plan (one per lxcpath), again whenever the list changes, until the destroy starts
  useEffect(() => {
    if (started) return
    let live = true
    const byLxcpath = new Map<string, string[]>()
    for (const c of selected) byLxcpath.set(c.lxcpath, [...(byLxcpath.get(c.lxcpath) ?? []), c.name])
    Promise.all([...byLxcpath].map(([lxcpath, names]) => api.destroySetPlan({ lxcpath, names }))).then(
      (parts) => live && (setPlan({ order: parts.flatMap((p) => p.order), refused: parts.flatMap((p) => p.refused) }), setPlanError(null)),
      (e: unknown) => live && setPlanError(errorText(e))
    )
    return () => {
      live = false
    }
  }, [selected, list, started])
  useEffect(() => {
    if (usage.status === 'idle') void usage.fetch(api, usePrefs.getState().showHidden)
  }, [])

  const info = (r: ContainerRef): ContainerInfo | undefined => selected.find((c) => key(c) === key(r))
  const going = plan?.order ?? []
  const outside = going.flatMap((s) => (info(s.ref)?.storageOutside ? [{ ref: s.ref, path: info(s.ref)!.storageOutside! }] : []))
  // what goes frees its own and what depends on it: the tops' figures add up to the whole
  const tops = going.filter((s) => !s.dependentOfAnother).map((s) => usage.byKey.get(key(s.ref)))
  const freed =
    usage.status === 'measuring' || usage.status === 'idle'
      ? t('destroy.measuring')
      : tops.every((u) => u !== undefined)
        ? t('destroy.freedValue', { size: formatBytes(tops.reduce((sum, u) => sum + u!.freedIfDeletedBytes, 0), i18n.language) })
        : t('destroy.unknown')
  const canDestroy = going.length > 0 && !started && (outside.length === 0 || outsideConfirmed)
  const finished = started && Object.values(steps).every((s) => s === 'done' || s === 'failed')
  const destroyed = started ? Object.values(steps).filter((s) => s === 'done').length : 0

  const destroy = async (): Promise<void> => {
    const order = going
    const status: Record<string, StepStatus> = Object.fromEntries(order.map((s) => [key(s.ref), 'waiting' as StepStatus]))
    setSteps({ ...status })
    setError(null)
    for (const step of order) {
      status[key(step.ref)] = 'running'
      setSteps({ ...status })
      const path = info(step.ref)?.storageOutside
      let failure: string | null = null
      const ok = await useTasks.getState().track('destroy', step.ref.name, step.ref, () =>
        api
          .destroy({ ...step.ref, withDependents: step.snapshots.length > 0 ? true : undefined, deleteOutside: path && outsideConfirmed ? [path] : undefined })
          .catch((e: unknown) => {
            failure = errorText(e)
            throw e
          })
      )
      status[key(step.ref)] = ok ? 'done' : 'failed'
      setSteps({ ...status })
      // what it depends on would be refused now: stop here, the rest stays as it is
      if (!ok) {
        setError(t('bulkDestroy.failed', { name: step.ref.name, message: failure ?? '' }))
        break
      }
    }
    useSelection.getState().clear()
  }

  const stepIcon = (s: StepStatus | undefined): React.ReactNode =>
    s === 'running' ? <Spinner size="sm" aria-hidden /> : s === 'done' ? <CheckCircleIcon className="ok" /> : s === 'failed' ? <ExclamationCircleIcon className="bad" /> : null

  const footer = finished ? (
    <Button variant="primary" onClick={onClose} data-testid="bulk-destroy-close" autoFocus>
      {t('app.close')}
    </Button>
  ) : (
    <>
      <Button variant="danger" data-testid="bulk-destroy-confirm" isDisabled={!canDestroy} isLoading={started} onClick={() => void destroy()}>
        {started ? t('destroy.running') : t('destroy.confirmAll', { count: going.length })}
      </Button>
      <Button variant="link" onClick={onClose} isDisabled={started}>
        {t('app.cancel')}
      </Button>
    </>
  )

  return (
    <Dialog
      title={t('bulkDestroy.title', { count: selected.length })}
      testId="bulk-destroy-dialog"
      onClose={onClose}
      footer={footer}
      titleIconVariant={finished && !error ? 'success' : 'warning'}
    >
      <div className="destroy-body">
        {planError && <Alert variant="danger" isInline isPlain title={planError} />}
        {!plan && !planError && (
          <p className="muted">
            <Spinner size="sm" aria-hidden /> {t('destroy.planning')}
          </p>
        )}
        {finished && (
          <Alert
            variant={error ? 'danger' : 'success'}
            isInline
            data-testid="bulk-destroy-done"
            role="status"
            title={t('bulkDestroy.done', { count: destroyed })}
          />
        )}
        {error && <Alert variant="danger" isInline isPlain role="alert" data-testid="bulk-destroy-error" title={error} />}
        {plan && (
          <>
            <h3 className="dialog-section">{t('bulkDestroy.goes', { count: going.length })}</h3>
            {going.length === 0 ? (
              <p data-testid="bulk-destroy-goes">{t('bulkDestroy.nothingGoes')}</p>
            ) : (
              <List className="dependents" data-testid="bulk-destroy-goes" isPlain isBordered>
                {going.map((s) => (
                  <ListItem key={key(s.ref)} data-testid={`bulk-destroy-step-${s.ref.name}`} data-status={steps?.[key(s.ref)] ?? 'planned'} icon={stepIcon(steps?.[key(s.ref)])}>
                    {s.ref.name}{' '}
                    {s.snapshots.length > 0 && <span className="muted small">{t('destroy.snapshots', { count: s.snapshots.length })}</span>}
                  </ListItem>
                ))}
              </List>
            )}
            {plan.refused.length > 0 && (
              <>
                <h3 className="dialog-section">{t('bulkDestroy.stays', { count: plan.refused.length })}</h3>
                <List className="dependents" data-testid="bulk-destroy-stays" isPlain isBordered>
                  {plan.refused.map((r) => (
                    <ListItem key={key(r.ref)} data-testid={`bulk-destroy-stays-${r.ref.name}`}>
                      <Label color="orange" isCompact>
                        {r.ref.name}
                      </Label>{' '}
                      <span className="small">
                        {r.rule === 'dependents'
                          ? t('bulkDestroy.keptBy', { names: r.dependents.map((d) => (d.lxcpath === r.ref.lxcpath ? d.name : `${d.lxcpath}/${d.name}`)).join(', '), count: r.dependents.length })
                          : reasonOf(r.rule, info(r.ref) ?? { name: r.ref.name, state: 'running' })}
                      </span>
                    </ListItem>
                  ))}
                </List>
              </>
            )}
            {outside.length > 0 && (
              <>
                {outside.map((o) => (
                  <p key={key(o.ref)} className="warn path" data-testid="bulk-destroy-outside">
                    {t('destroy.outside', { path: o.path, name: o.ref.name })}
                  </p>
                ))}
                <Checkbox
                  id="bulk-destroy-outside-confirm"
                  label={t('bulkDestroy.outsideConfirm', { count: outside.length })}
                  isChecked={outsideConfirmed}
                  isDisabled={started}
                  onChange={(_e, on) => setOutsideConfirmed(on)}
                />
              </>
            )}
            <h3 className="dialog-section">{t('destroy.freed')}</h3>
            <p data-testid="bulk-destroy-freed">{going.length ? freed : '—'}</p>
            <p className="muted small">{t('destroy.irreversible')}</p>
          </>
        )}
      </div>
    </Dialog>
  )
}
