// lxc-snapshot snapshots of one container: list (name, time, comment), take one with a comment,
// restore (in place or as a new container) and delete, each confirmed first. PatternFly's
// DataList, Form and EmptyState, with the app's one Dialog.
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ContainerInfo, SnapshotInfo } from '@shared/model'
import { api, errorText } from '../api'
import {
  ActionGroup,
  Alert,
  Button,
  DataList,
  DataListCell,
  DataListItem,
  DataListItemCells,
  DataListItemRow,
  EmptyState,
  Form,
  FormGroup,
  TextInput,
  Title
} from '@patternfly/react-core'
import { CameraIcon, HistoryIcon, TrashIcon } from '@patternfly/react-icons'
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
      <Title headingLevel="h3" size="md" id="snapshots-title">{t('snapshots.title')}</Title>
      {c.snapshots.length === 0 ? (
        <EmptyState variant="xs" titleText={t('snapshots.none')} headingLevel="h4" data-testid="snapshots-empty" />
      ) : (
        <DataList aria-label={t('snapshots.title')} isCompact className="snaplist">
          {c.snapshots.map((s) => (
            <DataListItem key={s.name} aria-labelledby={`snap-${s.name}-name`} data-testid={`snapshot-${s.name}`}>
              <DataListItemRow>
                <DataListItemCells
                  dataListCells={[
                    <DataListCell key="what">
                      <strong id={`snap-${s.name}-name`}>{s.name}</strong> <SnapshotTime ts={s.timestamp} locale={i18n.language} />
                      <div className="small">{s.comment?.trim() || <span className="muted">{t('snapshots.noComment')}</span>}</div>
                      {/* the actions under the text: the details panel is narrow (1024 px wide windows), and beside it they were cut off */}
                      <div className="actions" role="group" id={`snap-${s.name}-actions`} aria-label={t('snapshots.actions', { snap: s.name })}>
                        <Button variant="secondary" size="sm" icon={<HistoryIcon />} isDisabled={busy} data-testid={`snapshot-restore-${s.name}`} onClick={() => (setNewName(''), setPending({ kind: 'restore', snap: s }))}>
                          {t('snapshots.restore')}
                        </Button>
                        <Button variant="secondary" isDanger size="sm" icon={<TrashIcon />} isDisabled={busy} data-testid={`snapshot-delete-${s.name}`} onClick={() => setPending({ kind: 'delete', snap: s })}>
                          {t('snapshots.delete')}
                        </Button>
                      </div>
                    </DataListCell>
                  ]}
                />
              </DataListItemRow>
            </DataListItem>
          ))}
        </DataList>
      )}
      <Form onSubmit={take} className="snapform" isHorizontal={false}>
        {/* the comment on a line of its own: beside the button the placeholder was cut off in the narrow details panel */}
        <FormGroup label={t('snapshots.comment')} fieldId="snapshot-comment">
          <TextInput id="snapshot-comment" data-testid="snapshot-comment" value={comment} placeholder={t('snapshots.commentPlaceholder')} onChange={(_e, v) => setComment(v)} />
        </FormGroup>
        <ActionGroup className="snapform-actions">
          <Button type="submit" variant="secondary" icon={<CameraIcon />} isDisabled={busy} isLoading={busy} data-testid="snapshot-create">
            {busy ? t('snapshots.creating') : t('snapshots.create')}
          </Button>
        </ActionGroup>
      </Form>
      {error && <Alert variant="danger" isInline isPlain role="alert" data-testid="snapshot-error" title={t('snapshots.failed', { message: error })} />}
      {pending && (
        <Dialog
          title={pending.kind === 'delete' ? t('snapshots.confirmDelete') : t('snapshots.confirmRestore')}
          testId="snapshot-confirm-dialog"
          onClose={() => setPending(null)}
          footer={
            <>
              <Button variant={pending.kind === 'delete' ? 'danger' : 'primary'} data-testid="snapshot-confirm" onClick={confirm}>
                {pending.kind === 'delete' ? t('snapshots.confirmDelete') : t('snapshots.confirmRestore')}
              </Button>
              <Button variant="link" onClick={() => setPending(null)}>{t('app.cancel')}</Button>
            </>
          }
        >
          <p>
            {pending.kind === 'delete'
              ? t('snapshots.deleteConfirm', { snap: pending.snap.name, name: c.name })
              : t('snapshots.restoreConfirm', { snap: pending.snap.name, name: c.name })}
          </p>
          {pending.kind === 'restore' && (
            <FormGroup label={t('snapshots.restoreName', { name: c.name })} fieldId="snapshot-restore-name">
              <TextInput id="snapshot-restore-name" data-testid="snapshot-restore-name" value={newName} onChange={(_e, v) => setNewName(v)} />
            </FormGroup>
          )}
        </Dialog>
      )}
    </section>
  )
}
