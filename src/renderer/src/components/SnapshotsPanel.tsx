// lxc-snapshot snapshots of one container: list (name, time, comment), take one with a comment,
// restore (in place or as a new container) and delete, each confirmed first.
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ContainerInfo, SnapshotInfo } from '@shared/model'
import { api, errorText } from '../api'
import { Dialog } from './Dialog'
import { parseSnapshotTime } from '@shared/snapshot-time'

/** When a snapshot was taken, in the user's locale; LXC's own text on hover (and as it is when it does not parse). */
function SnapshotTime({ ts, locale }: { ts: string | null | undefined; locale: string }): React.JSX.Element {
  const when = parseSnapshotTime(ts)
  if (!when) return <span className="muted small">{ts ?? ''}</span>
  const text = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(when)
  return (
    <time className="muted small" dateTime={when.toISOString()} title={ts ?? undefined} data-testid="snapshot-time">
      {text}
    </time>
  )
}

type Pending = { kind: 'restore' | 'delete'; snap: SnapshotInfo } | null

export function SnapshotsPanel({ c }: { c: ContainerInfo }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState<Pending>(null)
  const [newName, setNewName] = useState('')
  const ref = { lxcpath: c.lxcpath, name: c.name }

  const act = async (fn: () => Promise<unknown>): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      await fn()
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  const take = (e: React.FormEvent): void => {
    e.preventDefault()
    void act(async () => {
      await api.createSnapshot({ ...ref, comment: comment.trim() || undefined })
      setComment('')
    })
  }
  const confirm = (): void => {
    if (!pending) return
    const { kind, snap } = pending
    setPending(null)
    void act(() =>
      kind === 'delete'
        ? api.deleteSnapshot({ ...ref, snapshot: snap.name })
        : api.restoreSnapshot({ ...ref, snapshot: snap.name, newName: newName.trim() || undefined })
    )
  }

  return (
    <section className="snapshots" data-testid="snapshots" aria-labelledby="snapshots-title">
      <h3 id="snapshots-title">{t('snapshots.title')}</h3>
      {c.snapshots.length === 0 ? (
        <p className="muted small">{t('snapshots.none')}</p>
      ) : (
        <ul className="snaplist">
          {c.snapshots.map((s) => (
            <li key={s.name} data-testid={`snapshot-${s.name}`}>
              <div>
                <strong>{s.name}</strong> <SnapshotTime ts={s.timestamp} locale={i18n.language} />
                <div className="small">{s.comment?.trim() || <span className="muted">{t('snapshots.noComment')}</span>}</div>
              </div>
              <span role="group" aria-label={t('snapshots.actions', { snap: s.name })}>
                <button disabled={busy} data-testid={`snapshot-restore-${s.name}`} onClick={() => (setNewName(''), setPending({ kind: 'restore', snap: s }))}>
                  {t('snapshots.restore')}
                </button>
                <button disabled={busy} data-testid={`snapshot-delete-${s.name}`} onClick={() => setPending({ kind: 'delete', snap: s })}>
                  {t('snapshots.delete')}
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={take} className="snapform">
        <label className="small" htmlFor="snapshot-comment">{t('snapshots.comment')}</label>
        <input id="snapshot-comment" data-testid="snapshot-comment" value={comment} placeholder={t('snapshots.commentPlaceholder')} onChange={(e) => setComment(e.target.value)} />
        <button type="submit" disabled={busy} data-testid="snapshot-create">{busy ? t('snapshots.creating') : t('snapshots.create')}</button>
      </form>
      {error && <p className="error" role="alert" data-testid="snapshot-error">{t('snapshots.failed', { message: error })}</p>}
      {pending && (
        <Dialog title={pending.kind === 'delete' ? t('snapshots.confirmDelete') : t('snapshots.confirmRestore')} testId="snapshot-confirm-dialog" onClose={() => setPending(null)}>
          <p>
            {pending.kind === 'delete'
              ? t('snapshots.deleteConfirm', { snap: pending.snap.name, name: c.name })
              : t('snapshots.restoreConfirm', { snap: pending.snap.name, name: c.name })}
          </p>
          {pending.kind === 'restore' && (
            <label className="form">
              <span>{t('snapshots.restoreName', { name: c.name })}</span>
              <input data-testid="snapshot-restore-name" value={newName} onChange={(e) => setNewName(e.target.value)} />
            </label>
          )}
          <div className="buttons">
            <button type="button" onClick={() => setPending(null)}>{t('app.cancel')}</button>
            <button type="button" className={pending.kind === 'delete' ? 'danger' : 'primary'} data-testid="snapshot-confirm" onClick={confirm}>
              {pending.kind === 'delete' ? t('snapshots.confirmDelete') : t('snapshots.confirmRestore')}
            </button>
          </div>
        </Dialog>
      )}
    </section>
  )
}
