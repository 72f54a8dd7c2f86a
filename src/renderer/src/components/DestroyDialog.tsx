// Destroy, with what it would touch shown first: the containers that depend on it (also
// highlighted in the graph), the space it gives back, and a rootfs outside its directory that
// goes with it (deleted only once ticked). An origin with dependents is refused here, naming
// them, before anything is done.
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ContainerInfo } from '@shared/model'
import { api, errorText } from '../api'
import { useContainers } from '../stores/containers'
import { destroyPlan } from '../stores/destroyPlan'
import { useHighlight } from '../stores/highlight'
import { formatBytes, useUsage } from '../stores/usage'
import { useSelection } from '../stores/selection'
import { usePrefs } from '../stores/prefs'
import { Dialog } from './Dialog'
import { actionRefusal } from '@shared/lifecycle'
import { useActionError } from '../stores/actions'
import { useTasks } from '../stores/tasks'

export function DestroyDialog({ c, onClose }: { c: ContainerInfo; onClose(): void }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const list = useContainers((s) => s.list)
  const plan = useMemo(() => destroyPlan(c, list), [c, list])
  const usage = useUsage()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // storage outside the container's directory that the engine says goes with it: deleted only when ticked
  const outside = c.storageOutside
  const [outsideConfirmed, setOutsideConfirmed] = useState(false)

  useEffect(() => {
    useHighlight.getState().set(plan.highlight)
    if (usage.status === 'idle') void usage.fetch(api, usePrefs.getState().showHidden)
    return () => useHighlight.getState().clear()
  }, [plan])

  const u = usage.byKey.get(`${c.lxcpath}/${c.name}`)
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
  const refused = plan.dependents.length > 0
  const names = plan.dependents.map((d) => d.name).join(', ')

  const destroy = async (): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      await api.destroy({
        lxcpath: c.lxcpath,
        name: c.name,
        withDependents: plan.ownSnapshots > 0 ? true : undefined,
        deleteOutside: outside && outsideConfirmed ? [outside] : undefined
      })
      useSelection.getState().clear()
      onClose()
    } catch (e) {
      setError(errorText(e))
      setBusy(false)
    }
  }

  return (
    <Dialog title={t('destroy.title', { name: c.name })} testId="destroy-dialog" onClose={onClose}>
      <h3 className="small">{t('destroy.dependents')}</h3>
      {refused ? (
        <>
          <ul data-testid="destroy-dependents">
            {plan.dependents.map((d) => <li key={`${d.lxcpath}/${d.name}`}>{d.name} <span className="muted small">{d.lxcpath}</span></li>)}
          </ul>
          <p className="error" role="alert" data-testid="destroy-refused">{t('destroy.refused', { name: c.name, dependents: names })}</p>
        </>
      ) : (
        <p data-testid="destroy-dependents">{t('destroy.noDependents', { name: c.name })}</p>
      )}
      {mustStop && (
        <div className="warn-box" data-testid="destroy-must-stop">
          <p className="warn">{t('destroy.mustStop', { name: c.name, state: t(`state.${c.state}`) })}</p>
          <button type="button" data-testid="destroy-stop-first" disabled={stopping || c.state === 'stopping'} onClick={() => void useActionError.getState().run(api, 'stop', [c])}>
            {stopping ? t('destroy.stopping', { name: c.name }) : t('destroy.stopIt', { name: c.name })}
          </button>
        </div>
      )}
      {plan.ownSnapshots > 0 && <p className="warn">{t('destroy.snapshots', { count: plan.ownSnapshots })}</p>}
      {outside && (
        <>
          <p className="warn" data-testid="destroy-outside">{t('destroy.outside', { path: outside, name: c.name })}</p>
          <p>
            <label>
              <input type="checkbox" data-testid="destroy-outside-confirm" checked={outsideConfirmed} onChange={(e) => setOutsideConfirmed(e.target.checked)} />{' '}
              {t('destroy.outsideConfirm', { path: outside })}
            </label>
          </p>
        </>
      )}
      <h3 className="small">{t('destroy.freed')}</h3>
      <p data-testid="destroy-freed" className={u ? '' : 'muted'}>{freed}</p>
      {error && <p className="error" role="alert" data-testid="destroy-error">{t('destroy.failed', { message: error })}</p>}
      {!refused && <p className="muted small">{t('destroy.irreversible')}</p>}
      <div className="buttons">
        <button type="button" onClick={onClose}>{t('app.cancel')}</button>
        <button type="button" className="danger" data-testid="destroy-confirm" disabled={refused || busy || mustStop !== null || (outside !== null && !outsideConfirmed)}
          title={mustStop ? t('destroy.mustStop', { name: c.name, state: t(`state.${c.state}`) }) : undefined}
          onClick={() => void destroy()}>
          {busy ? t('destroy.running') : t('destroy.confirm', { name: c.name })}
        </button>
      </div>
    </Dialog>
  )
}
