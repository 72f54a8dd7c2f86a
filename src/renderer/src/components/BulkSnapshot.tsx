// Snapshot for the selected containers: one lxc-snapshot-style snapshot each, one after the
// other, each a task in the drawer. Disabled with the reason when it applies to none of them;
// when it applies to some, the hover names the ones it will skip (shared/lifecycle.ts's rule).
import { useTranslation } from 'react-i18next'
import { Button } from '@patternfly/react-core'
import { CameraIcon } from '@patternfly/react-icons'
import type { ContainerInfo } from '@shared/model'
import { actionRefusal } from '@shared/lifecycle'
import { api } from '../api'
import { useTasks } from '../stores/tasks'
import { useStateReason } from '../hooks/stateReason'

export function BulkSnapshot({ containers }: { containers: readonly ContainerInfo[] }): React.JSX.Element {
  const { t } = useTranslation()
  const reasonOf = useStateReason()
  const refusals = containers.map((c) => ({ c, refusal: actionRefusal('snapshot', c.name, c.state) }))
  const can = refusals.filter((r) => r.refusal === null).map((r) => r.c)
  const skipped = refusals.filter((r) => r.refusal !== null)
  let why: string | undefined
  if (!containers.length) why = t('lifecycle.noSelection')
  else if (!can.length) {
    const reason = reasonOf(skipped[0]!.refusal!.rule, skipped[0]!.c)
    why = containers.length === 1 ? reason : t('lifecycle.noneApplies', { reason })
  } else if (skipped.length) why = t('bulk.skips', { names: skipped.map((r) => r.c.name).join(', '), reason: reasonOf(skipped[0]!.refusal!.rule, skipped[0]!.c) })
  const run = async (): Promise<void> => {
    for (const c of can) {
      const ref = { lxcpath: c.lxcpath, name: c.name }
      await useTasks.getState().track('snapshot', c.name, ref, () => api.createSnapshot(ref))
    }
  }
  return (
    <span className="why" title={why ?? t('bulk.snapshot')}>
      {/* icon only: the toolbar must fit at 1024 px; the name is its label and its hover */}
      <Button variant="secondary" size="sm" icon={<CameraIcon />} data-testid="bulk-snapshot" isDisabled={!can.length} aria-label={t('bulk.snapshot')} title={why ?? t('bulk.snapshot')} aria-description={why} onClick={() => void run()} />
    </span>
  )
}
