// The clone dialog: name (checked as you type), copy or snapshot, backend (the ones LXC's
// rules or this machine forbid are disabled, with the reason), target lxcpath. Confirming
// starts a clone task; the task bar shows its progress and cancel.
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, errorText } from '../api'
import { useCloneDialog, validateCloneName, type CloneMode } from '../stores/cloneDialog'
import { useContainers } from '../stores/containers'
import { useTasks } from '../stores/tasks'
import { Dialog } from './Dialog'

export function CloneDialog({ lxcpaths }: { lxcpaths: string[] }): React.JSX.Element | null {
  const { t } = useTranslation()
  const d = useCloneDialog()
  const list = useContainers((s) => s.list)
  const [submitError, setSubmitError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const taken = useMemo(() => new Set(list.filter((c) => c.lxcpath === d.lxcpath).map((c) => c.name)), [list, d.lxcpath])

  useEffect(() => {
    if (d.open) void d.loadChoices(api)
    setSubmitError(null)
  }, [d.open, d.origin])

  if (!d.open || !d.origin) return null
  const origin = d.origin
  const problem = validateCloneName(d.name, { taken, lxcpath: d.lxcpath })
  const mine = d.choices.filter((c) => c.mode === d.mode)
  const canSubmit = !problem && d.backend !== null && !busy && !d.loading

  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault()
    if (!canSubmit) return
    setBusy(true)
    setSubmitError(null)
    try {
      await useTasks.getState().start('clone', d.name, () =>
        api.clone({ origin, name: d.name, lxcpath: d.lxcpath, snapshot: d.mode === 'snapshot', backend: d.backend ?? undefined })
      )
      d.close()
    } catch (err) {
      setSubmitError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog title={t('clone.title', { name: origin.name })} testId="clone-dialog" onClose={d.close}>
      <form onSubmit={(e) => void submit(e)} className="form">
        <label htmlFor="clone-name">{t('clone.name')}</label>
        <div>
          <input
            id="clone-name"
            data-testid="clone-name"
            value={d.name}
            autoFocus
            spellCheck={false}
            aria-invalid={problem !== null}
            aria-describedby="clone-name-problem"
            onChange={(e) => d.setName(e.target.value)}
          />
          <p id="clone-name-problem" className={problem ? 'bad small' : 'small muted'} data-testid="clone-name-problem" aria-live="polite">
            {problem ? t(`clone.invalid.${problem.rule}`, problem.values ?? {}) : t('clone.nameOk')}
          </p>
        </div>

        {lxcpaths.length > 1 && (
          <>
            <label htmlFor="clone-lxcpath">{t('clone.lxcpath')}</label>
            <select id="clone-lxcpath" data-testid="clone-lxcpath" value={d.lxcpath} onChange={(e) => void d.setLxcpath(e.target.value, api)}>
              {lxcpaths.map((p) => <option key={p} value={p}>{p}</option>)}
            </select>
          </>
        )}

        <span>{t('clone.mode')}</span>
        <fieldset className="radios" aria-label={t('clone.mode')}>
          {(['snapshot', 'copy'] as CloneMode[]).map((m) => {
            const any = d.choices.some((c) => c.mode === m && c.allowed)
            return (
              <label key={m} className={any ? '' : 'muted'}>
                <input type="radio" name="mode" value={m} data-testid={`clone-mode-${m}`} checked={d.mode === m} disabled={!any && !d.loading} onChange={() => d.setMode(m)} />
                {t(`clone.modes.${m}`)} <span className="small muted">{t(`clone.modeHelp.${m}`)}</span>
              </label>
            )
          })}
        </fieldset>

        <span>{t('clone.backend')}</span>
        <fieldset className="radios" aria-label={t('clone.backend')} data-testid="clone-backends">
          {d.loading && <span className="muted">{t('app.loading')}</span>}
          {mine.map((c) => (
            <label key={c.backend} className={c.allowed ? '' : 'muted'} data-testid={`clone-backend-${c.backend}`} title={c.reason ?? ''}>
              <input type="radio" name="backend" value={c.backend} checked={d.backend === c.backend} disabled={!c.allowed} onChange={() => d.setBackend(c.backend)} />
              {c.backend}
              {c.isDefault && <span className="small muted"> {t('clone.lxcDefault')}</span>}
              {c.reason && <span className="small reason"> — {c.reason}</span>}
            </label>
          ))}
        </fieldset>

        {(d.error || submitError) && (
          <p className="error" role="alert" data-testid="clone-error">{t('clone.failed', { message: d.error ?? submitError })}</p>
        )}
        <div className="buttons">
          <button type="button" onClick={d.close}>{t('app.cancel')}</button>
          <button type="submit" className="primary" data-testid="clone-confirm" disabled={!canSubmit}>
            {d.mode === 'snapshot' ? t('clone.confirmSnapshot') : t('clone.confirmCopy')}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
