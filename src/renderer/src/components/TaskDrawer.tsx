// The task drawer: running work with its progress (percent, bytes, files, time left, as far as
// the engine reports them), its latest note on what it is doing, and cancel; below, the finished
// work with its outcome, newest first, until cleared. A failed start keeps its diagnosis here.
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  Button,
  NotificationDrawer,
  NotificationDrawerBody,
  NotificationDrawerHeader,
  NotificationDrawerList,
  NotificationDrawerListItem,
  NotificationDrawerListItemBody,
  NotificationDrawerListItemHeader,
  Progress,
  Spinner,
  Title
} from '@patternfly/react-core'
import type { TFunction } from 'i18next'
import type { ContainerRef, OpProgress } from '@shared/model'
import { formatBytes } from '@shared/format-bytes'
import { api } from '../api'
import { fraction, secondsLeft, useTasks, type Task } from '../stores/tasks'
import { useSelection } from '../stores/selection'
import { usePrefs } from '../stores/prefs'
import { StartFailure } from './StartFailure'
import { LogPanel } from './LogPanel'
import { maybeSaidText } from '../i18n/said'

const VARIANT = { running: 'info', done: 'success', failed: 'danger', cancelled: 'warning' } as const

/** "1.2 GiB of 3.0 GiB · 120 of 800 files · 12 s left": only what the engine reported. */
function progressText(task: Task, t: TFunction, lang: string, now: number): string {
  const p = task.progress
  if (!p) return ''
  const parts: string[] = []
  if (p.bytes !== undefined) parts.push(p.totalBytes ? t('tasks.bytesOf', { done: formatBytes(p.bytes, lang), total: formatBytes(p.totalBytes, lang) }) : formatBytes(p.bytes, lang))
  if (p.files !== undefined) parts.push(p.totalFiles ? t('tasks.filesOf', { done: p.files, total: p.totalFiles }) : t('tasks.files', { count: p.files }))
  const left = secondsLeft(task, now)
  if (left !== null) parts.push(t('tasks.secondsLeft', { count: left }))
  return parts.join(' · ')
}

/** What the task is doing now ("copy of /p/base as dir"), in the user's language: the engine's latest note, which its counts carry too. */
function noteText(p: OpProgress | null): string | null {
  if (!p || (!p.said && !p.message)) return null
  return maybeSaidText(p.said, p.message ?? '')
}

function TaskItem({ task, onLog }: { task: Task; onLog(ref: ContainerRef): void }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { cancel, dismiss } = useTasks()
  const note = noteText(task.progress)
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    if (task.status !== 'running') return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [task.status])
  const f = fraction(task.progress)
  const title = t(`tasks.${task.kind}.${task.status}`, { name: task.name })
  const when = new Date(task.endedAt ?? task.startedAt).toLocaleTimeString(i18n.language)
  return (
    <NotificationDrawerListItem variant={VARIANT[task.status]} isRead={!task.unread} data-testid={`task-${task.name}`} data-status={task.status}>
      <NotificationDrawerListItemHeader variant={VARIANT[task.status]} title={title} srTitle={t(`tasks.status.${task.status}`)}>
        {task.status === 'running' ? (
          // a local task is a plain call: nothing to cancel
          !task.local && (
            <Button variant="link" isInline data-testid={`task-cancel-${task.name}`} onClick={() => void cancel(api, task.id)}>
              {t('app.cancel')}
            </Button>
          )
        ) : (
          <Button variant="plain" aria-label={t('app.dismiss')} data-testid={`task-dismiss-${task.name}`} onClick={() => dismiss(task.id)}>
            ×
          </Button>
        )}
      </NotificationDrawerListItemHeader>
      <NotificationDrawerListItemBody timestamp={when}>
        {task.status === 'running' &&
          (f === null ? (
            <span className="task-phase">
              <Spinner size="sm" aria-label={t('tasks.progress', { name: task.name })} />{' '}
              {task.progress ? t(`tasks.phase.${task.progress.phase}`, { defaultValue: task.progress.phase }) : t('tasks.waiting')}
            </span>
          ) : (
            <Progress
              size="sm"
              value={Math.round(f * 100)}
              aria-label={t('tasks.progress', { name: task.name })}
              title={task.progress ? t(`tasks.phase.${task.progress.phase}`, { defaultValue: task.progress.phase }) : ''}
              helperText={progressText(task, t, i18n.language, now)}
            />
          ))}
        {task.status === 'running' && note && (
          <p className="task-note" data-testid={`task-note-${task.name}`}>
            {note}
          </p>
        )}
        {task.status === 'failed' && !task.diagnosis && (
          <p className="task-error">
            {task.error} {task.kind === 'clone' || task.kind === 'create' ? t('tasks.nothingLost') : ''}
          </p>
        )}
        {task.status === 'done' && task.result && (
          <Button variant="link" isInline onClick={() => useSelection.getState().select(`${task.result!.lxcpath}/${task.result!.name}`)}>
            {t('tasks.show')}
          </Button>
        )}
        {task.status === 'failed' && task.diagnosis && <StartFailure d={task.diagnosis} onOpenLog={task.ref ? () => onLog(task.ref!) : undefined} />}
      </NotificationDrawerListItemBody>
    </NotificationDrawerListItem>
  )
}

export function TaskDrawer(): React.JSX.Element {
  const { t } = useTranslation()
  const tasks = Object.values(useTasks((s) => s.tasks))
  const setOpen = useTasks((s) => s.setDrawerOpen)
  const clearFinished = useTasks((s) => s.clearFinished)
  const [log, setLog] = useState<ContainerRef | null>(null)
  usePrefs((s) => s.lang)
  const running = tasks.filter((x) => x.status === 'running')
  const finished = tasks.filter((x) => x.status !== 'running').sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0))
  return (
    <NotificationDrawer data-testid="taskbar" aria-label={t('tasks.title')}>
      <NotificationDrawerHeader title={t('tasks.title')} customText={t('tasks.runningCount', { count: running.length })} onClose={() => setOpen(false)} closeButtonAriaLabel={t('app.close')}>
        {finished.length > 0 && (
          <Button variant="link" onClick={clearFinished} data-testid="tasks-clear">
            {t('tasks.clearFinished')}
          </Button>
        )}
      </NotificationDrawerHeader>
      <NotificationDrawerBody>
        {tasks.length === 0 && <p className="drawer-empty">{t('tasks.none')}</p>}
        {running.length > 0 && (
          <>
            <Title headingLevel="h3" size="md" className="drawer-group">{t('tasks.running')}</Title>
            <NotificationDrawerList aria-label={t('tasks.running')}>
              {running.map((task) => <TaskItem key={task.id} task={task} onLog={setLog} />)}
            </NotificationDrawerList>
          </>
        )}
        {finished.length > 0 && (
          <>
            <Title headingLevel="h3" size="md" className="drawer-group">{t('tasks.history')}</Title>
            <NotificationDrawerList aria-label={t('tasks.history')}>
              {finished.map((task) => <TaskItem key={task.id} task={task} onLog={setLog} />)}
            </NotificationDrawerList>
          </>
        )}
      </NotificationDrawerBody>
      {log && <LogPanel c={log} onClose={() => setLog(null)} />}
    </NotificationDrawer>
  )
}
