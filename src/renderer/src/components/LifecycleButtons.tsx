// Start, stop, restart, freeze/unfreeze for one or several containers: a button is disabled
// when its action applies to none of them, with the reason on hover, from the engine's own
// rule (shared/lifecycle.ts); while a container has an action running, its buttons wait.
import { useTranslation } from 'react-i18next'
import { Button } from '@patternfly/react-core'
import { PauseIcon, PlayIcon, RedoIcon, StopIcon } from '@patternfly/react-icons'
import type { ContainerInfo } from '@shared/model'
import { containerRefusal, type LifecycleAction } from '@shared/lifecycle'
import { api } from '../api'
import { applicable, useActionError } from '../stores/actions'
import { useTasks } from '../stores/tasks'
import { useStateReason } from '../hooks/stateReason'

const LIFECYCLE: ReadonlySet<string> = new Set(['start', 'stop', 'restart', 'freeze', 'unfreeze'])
const ICON: Record<LifecycleAction, React.ReactNode> = { start: <PlayIcon />, stop: <StopIcon />, restart: <RedoIcon />, freeze: <PauseIcon />, unfreeze: <PlayIcon /> }

export function LifecycleButtons({ containers, actions, testIdPrefix = '' }: { containers: readonly ContainerInfo[]; actions: readonly LifecycleAction[]; testIdPrefix?: string }): React.JSX.Element {
  const { t } = useTranslation()
  const run = useActionError((s) => s.run)
  const reasonOf = useStateReason()
  // a container with a lifecycle task still running: its buttons wait for the outcome
  const busyNames = useTasks((s) => Object.values(s.tasks).filter((x) => x.status === 'running' && LIFECYCLE.has(x.kind)).map((x) => x.name).join('\n'))
  const busy = new Set(busyNames.split('\n'))
  const idle = containers.filter((c) => !busy.has(c.name))
  return (
    <>
      {actions.map((action) => {
        const can = applicable(action, idle)
        let why: string | undefined
        if (!containers.length) why = t('lifecycle.noSelection')
        else if (!can.length) {
          const first = containers[0]!
          const refusal = containerRefusal(action, first)
          const reason = refusal ? reasonOf(refusal.rule, first) : t(`tasks.${action}.running`, { name: first.name })
          why = containers.length === 1 ? reason : t('lifecycle.noneApplies', { reason })
        } else if (can.length < containers.length) {
          // applied to those it can: the hover names the ones it skips
          const skipped = containers.filter((c) => !can.includes(c))
          const first = skipped[0]!
          const refusal = containerRefusal(action, first)
          const reason = refusal ? reasonOf(refusal.rule, first) : t(`tasks.${action}.running`, { name: first.name })
          why = t('bulk.skips', { names: skipped.map((c) => c.name).join(', '), reason })
        }
        return (
          // the reason sits on a wrapper too: a disabled button gets no hover in every browser
          <span key={action} className="why" title={why}>
            <Button
              variant="secondary"
              size="sm"
              icon={ICON[action]}
              data-testid={`${testIdPrefix}${action}`}
              isDisabled={!can.length}
              title={why}
              aria-description={why}
              onClick={() => void run(api, action, can)}
            >
              {t(`lifecycle.${action}`)}
            </Button>
          </span>
        )
      })}
    </>
  )
}
