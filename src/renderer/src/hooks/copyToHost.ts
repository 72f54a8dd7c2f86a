// "Copy to host…" for a container of the selected host: why it cannot be copied now (not
// stopped, by the exporter's rule; no other host connected), or null, and opening the dialog.
import { useTranslation } from 'react-i18next'
import { actionRefusal } from '@shared/lifecycle'
import type { ContainerInfo } from '@shared/model'
import { copyTargets, useCopyHostDialog } from '../stores/copyHostDialog'
import { useHosts } from '../stores/hosts'
import { useStateReason } from './stateReason'

export function useCopyToHost(): { why(c: Pick<ContainerInfo, 'name' | 'state'>): string | null; open(c: Pick<ContainerInfo, 'lxcpath' | 'name'>): void } {
  const { t } = useTranslation()
  const reasonOf = useStateReason()
  const current = useHosts((s) => s.current)
  const none = useHosts((s) => copyTargets(s.current, s.list).length === 0)
  return {
    why: (c) => {
      const refusal = actionRefusal('copy', c.name, c.state)
      return refusal ? reasonOf(refusal.rule, c) : none ? t('copyHost.noTarget') : null
    },
    open: (c) => useCopyHostDialog.getState().show(c, current)
  }
}
