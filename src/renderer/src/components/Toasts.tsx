// Toasts: a task's end, in words, fading after a few seconds (hover keeps one); a failure's
// toast says its first cause, and its "Show details" opens the task drawer on the whole
// diagnosis. None shows while the drawer is open (the store's announce).
import { useTranslation } from 'react-i18next'
import { Alert, AlertActionCloseButton, AlertActionLink, AlertGroup } from '@patternfly/react-core'
import { useToasts } from '../stores/toasts'
import { useTasks } from '../stores/tasks'

export function Toasts(): React.JSX.Element {
  const { t } = useTranslation()
  const list = useToasts((s) => s.list)
  const remove = useToasts((s) => s.remove)
  return (
    <AlertGroup isToast isLiveRegion hasAnimations aria-label={t('app.notices')}>
      {list.map((toast) => (
        <Alert
          key={toast.id}
          variant={toast.variant}
          title={t(`tasks.${toast.kind}.${toast.status}`, { name: toast.name })}
          timeout={toast.variant === 'danger' ? 12_000 : 5_000}
          onTimeout={() => remove(toast.id)}
          data-testid="toast"
          actionClose={<AlertActionCloseButton onClose={() => remove(toast.id)} />}
          actionLinks={
            toast.taskId ? (
              <AlertActionLink data-testid="toast-open-tasks" onClick={() => useTasks.getState().setDrawerOpen(true)}>
                {t(toast.status === 'failed' ? 'tasks.showDetails' : 'tasks.openDrawer')}
              </AlertActionLink>
            ) : undefined
          }
        >
          {/* a failure's title ends in a colon: its reason follows (the whole diagnosis is in the drawer) */}
          {toast.status === 'failed' && toast.taskId ? <FailureReason taskId={toast.taskId} /> : null}
        </Alert>
      ))}
    </AlertGroup>
  )
}

/** The first cause the engine found (or the error), in the user's language: what the colon announces. */
function FailureReason({ taskId }: { taskId: string }): React.JSX.Element | null {
  const { t } = useTranslation()
  const task = useTasks((s) => s.tasks[taskId])
  const cause = task?.diagnosis?.causes[0]
  const text = cause ? t(`startFailure.cause.${cause.rule}`, { ...cause.params, defaultValue: cause.message }) : task?.error
  return text ? <p data-testid="toast-reason">{text}</p> : null
}
