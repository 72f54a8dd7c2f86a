// Running and finished tasks at the bottom of the window: a progress bar (indeterminate while
// the engine gives no totals), cancel, and the outcome in words.
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ContainerRef } from '@shared/model'
import { api } from '../api'
import { fraction, useTasks } from '../stores/tasks'
import { useSelection } from '../stores/selection'
import { StartFailure } from './StartFailure'
import { LogPanel } from './LogPanel'

export function TaskBar(): React.JSX.Element | null {
  const { t } = useTranslation()
  const tasks = Object.values(useTasks((s) => s.tasks))
  const { cancel, dismiss } = useTasks()
  const [log, setLog] = useState<ContainerRef | null>(null)
  if (!tasks.length) return null
  return (
    <section className="taskbar" aria-label={t('tasks.title')} data-testid="taskbar">
      {tasks.map((task) => {
        const f = fraction(task.progress)
        return (
          <div key={task.id} className={`task task-${task.status}`} data-testid={`task-${task.name}`} data-status={task.status}>
            <span className="task-label">{t(`tasks.${task.kind}.${task.status}`, { name: task.name })}</span>
            {task.status === 'running' && (
              <>
                <progress
                  aria-label={t('tasks.progress', { name: task.name })}
                  {...(f === null ? {} : { value: f, max: 1 })}
                />
                <span className="small muted">{task.progress ? t(`tasks.phase.${task.progress.phase}`, { defaultValue: task.progress.phase }) : ''}</span>
                <button data-testid={`task-cancel-${task.name}`} onClick={() => void cancel(api, task.id)}>{t('app.cancel')}</button>
              </>
            )}
            {task.status === 'failed' && !task.diagnosis && (
              <span className="bad">
                {task.error} {task.kind === 'clone' || task.kind === 'create' ? t('tasks.nothingLost') : ''}
              </span>
            )}
            {task.status === 'done' && task.result && (
              <button className="link" onClick={() => useSelection.getState().select(`${task.result!.lxcpath}/${task.result!.name}`)}>
                {t('tasks.show')}
              </button>
            )}
            {task.status !== 'running' && (
              <button aria-label={t('app.dismiss')} data-testid={`task-dismiss-${task.name}`} onClick={() => dismiss(task.id)}>×</button>
            )}
            {task.status === 'failed' && task.diagnosis && (
              <StartFailure d={task.diagnosis} onOpenLog={task.ref ? () => setLog(task.ref!) : undefined} />
            )}
          </div>
        )
      })}
      {log && <LogPanel c={log} onClose={() => setLog(null)} />}
    </section>
  )
}
