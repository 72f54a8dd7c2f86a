// Destroy, with what it would touch shown first, as the engine plans it (destroyPlan): the
// containers that depend on it (highlighted in the graph too); when they refuse a plain
// destroy, what destroying them along would remove, offered as a choice; the space given back;
// a rootfs outside its directory (deleted only once ticked); a running container's stop, one
// click away. A finished destroy says so before the dialog closes.
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Alert, Button, Checkbox, List, ListItem, Spinner } from '@patternfly/react-core'
import type { ContainerInfo, ContainerRef } from '@shared/model'
import { formatBytes } from '@shared/format-bytes'
import { actionRefusal } from '@shared/lifecycle'
import { api, errorText } from '../api'
import { useHighlight } from '../stores/highlight'
import { useUsage } from '../stores/usage'
import { useSelection } from '../stores/selection'
import { usePrefs } from '../stores/prefs'
import { useActionError } from '../stores/actions'
import { useTasks } from '../stores/tasks'
import { useContainers } from '../stores/containers'
import { Dialog } from './Dialog'

type Plan = { dependents: ContainerRef[]; withDependents: ContainerRef[] }
const key = (r: ContainerRef): string => `${r.lxcpath}/${r.name}`

export function DestroyDialog({ c, onClose }: { c: ContainerInfo; onClose(): void }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const usage = useUsage()
  const listVersion = useContainers((s) => s.list)
  const [plan, setPlan] = useState<Plan | null>(null)
  const [planError, setPlanError] = useState<string | null>(null)
  const [withDeps, setWithDeps] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<ContainerRef[] | null>(null)
  // storage outside the container's directory that the engine says goes with it: deleted only when ticked
  const outside = c.storageOutside
  const [outsideConfirmed, setOutsideConfirmed] = useState(false)

  // the engine's plan, again whenever the list changes (a dependent made or removed meanwhile)
  useEffect(() => {
    if (done) return
    let live = true
    api.destroyPlan({ lxcpath: c.lxcpath, name: c.name }).then(
      (p) => live && (setPlan(p), setPlanError(null)),
      (e: unknown) => live && setPlanError(errorText(e))
    )
    return () => {
      live = false
    }
  }, [c.lxcpath, c.name, listVersion, done])

  useEffect(() => {
    if (plan) useHighlight.getState().set([key(c), ...plan.withDependents.map(key)])
    return () => useHighlight.getState().clear()
  }, [plan])
  useEffect(() => {
    if (usage.status === 'idle') void usage.fetch(api, usePrefs.getState().showHidden)
  }, [])

  const u = usage.byKey.get(key(c))
  const freed =
    usage.status === 'measuring' || usage.status === 'idle'
      ? t('destroy.measuring')
      : u
        ? t('destroy.freedValue', { size: formatBytes(u.freedIfDeletedBytes, i18n.language) })
        : t('destroy.unknown')
  // A running container must be stopped first: said here, with the stop one click away; the
  // dialog follows the live state, so once it is stopped the destroy can go on.
  const mustStop = actionRefusal('destroy', c.name, c.state)
  const stopping = useTasks((s) => Object.values(s.tasks).some((x) => x.kind === 'stop' && x.status === 'running' && x.name === c.name && x.ref?.lxcpath === c.lxcpath))
  const refused = (plan?.dependents.length ?? 0) > 0
  const ownSnapshots = plan ? plan.withDependents.filter((d) => d.lxcpath === `${c.lxcpath}/${c.name}/snaps`) : []
  const removesMore = refused ? withDeps : ownSnapshots.length > 0
  const canDestroy = plan !== null && (!refused || withDeps) && !busy && mustStop === null && (outside === null || outsideConfirmed)

  const destroy = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      const r = await api.destroy({
        lxcpath: c.lxcpath,
        name: c.name,
        withDependents: removesMore ? true : undefined,
        deleteOutside: outside && outsideConfirmed ? [outside] : undefined
      })
      useSelection.getState().clear()
      setDone(r.destroyed)
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  if (done) {
    const others = done.filter((d) => key(d) !== key(c)).length
    return (
      <Dialog
        title={t('destroy.title', { name: c.name })}
        testId="destroy-dialog"
        onClose={onClose}
        titleIconVariant="success"
        footer={
          <Button variant="primary" onClick={onClose} data-testid="destroy-close" autoFocus>
            {t('app.close')}
          </Button>
        }
      >
        <p data-testid="destroy-done" role="status">
          {others ? t('destroy.doneWith', { name: c.name, count: others }) : t('destroy.done', { name: c.name })}
        </p>
      </Dialog>
    )
  }

  const footer = (
    <>
      <Button
        variant="danger"
        data-testid="destroy-confirm"
        isDisabled={!canDestroy}
        isLoading={busy}
        title={mustStop ? t('destroy.mustStop', { name: c.name, state: t(`state.${c.state}`) }) : undefined}
        onClick={() => void destroy()}
      >
        {busy ? t('destroy.running') : refused && withDeps ? t('destroy.confirmAll', { count: (plan?.withDependents.length ?? 0) + 1 }) : t('destroy.confirm', { name: c.name })}
      </Button>
      <Button variant="link" onClick={onClose} data-testid="destroy-cancel">
        {t('app.cancel')}
      </Button>
    </>
  )

  // focus starts on Cancel (as GNOME's and Cockpit's destructive dialogs do): Enter right away destroys nothing
  return (
    <Dialog title={t('destroy.title', { name: c.name })} testId="destroy-dialog" onClose={onClose} footer={footer} titleIconVariant="warning" initialFocus='[data-testid="destroy-cancel"]'>
      <div className="destroy-body">
        {mustStop && (
          <Alert
            variant="warning"
            isInline
            data-testid="destroy-must-stop"
            title={t('destroy.mustStop', { name: c.name, state: t(`state.${c.state}`) })}
            actionLinks={
              <Button variant="secondary" size="sm" data-testid="destroy-stop-first" isDisabled={stopping || c.state === 'stopping'} onClick={() => void useActionError.getState().run(api, 'stop', [c])}>
                {stopping ? t('destroy.stopping', { name: c.name }) : t('destroy.stopIt', { name: c.name })}
              </Button>
            }
          />
        )}
        <h3 className="dialog-section">{t('destroy.dependents')}</h3>
        {planError && <Alert variant="danger" isInline isPlain title={planError} />}
        {!plan && !planError && (
          <p className="muted">
            <Spinner size="sm" aria-hidden /> {t('destroy.planning')}
          </p>
        )}
        {plan && !refused && (
          <p data-testid="destroy-dependents">{t('destroy.noDependents', { name: c.name })}</p>
        )}
        {plan && refused && (
          <>
            <Alert variant="warning" isInline isPlain data-testid="destroy-refused" title={t('destroy.refusedShort', { name: c.name, count: plan.dependents.length })} />
            <p className="small">{t('destroy.withDependentsList', { count: plan.withDependents.length })}</p>
            <List className="dependents" data-testid="destroy-dependents" isPlain isBordered>
              {plan.withDependents.map((d) => (
                <ListItem key={key(d)}>
                  {d.name} <span className="muted small">{d.lxcpath === `${c.lxcpath}/${c.name}/snaps` ? t('destroy.snapshotMark') : d.lxcpath}</span>
                </ListItem>
              ))}
            </List>
            <Checkbox
              id="destroy-with-dependents"
              data-testid="destroy-with-dependents"
              label={t('destroy.withDependents')}
              description="--with-dependents"
              isChecked={withDeps}
              onChange={(_e, on) => setWithDeps(on)}
            />
          </>
        )}
        {plan && !refused && ownSnapshots.length > 0 && <p className="warn">{t('destroy.snapshots', { count: ownSnapshots.length })}</p>}
        {outside && (
          <>
            <p className="warn path" data-testid="destroy-outside">{t('destroy.outside', { path: outside, name: c.name })}</p>
            <Checkbox
              id="destroy-outside-confirm"
              data-testid="destroy-outside-confirm"
              label={t('destroy.outsideConfirm', { path: outside })}
              isChecked={outsideConfirmed}
              onChange={(_e, on) => setOutsideConfirmed(on)}
            />
          </>
        )}
        <h3 className="dialog-section">{t('destroy.freed')}</h3>
        <p data-testid="destroy-freed" className={u ? '' : 'muted'}>{freed}</p>
        {error && <Alert variant="danger" isInline role="alert" data-testid="destroy-error" title={t('destroy.failed', { message: error })} />}
        <p className="muted small">{t('destroy.irreversible')}</p>
      </div>
    </Dialog>
  )
}
