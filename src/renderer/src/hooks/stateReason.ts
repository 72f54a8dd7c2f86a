// The words for a refusal of shared/lifecycle.ts, in the user's language: the rule picks the
// sentence, the container's name and (translated) state fill it in.
import { useTranslation } from 'react-i18next'
import type { ContainerInfo } from '@shared/model'
import type { ActionRefusal } from '@shared/lifecycle'

export function useStateReason(): (rule: ActionRefusal['rule'], c: Pick<ContainerInfo, 'name' | 'state'>) => string {
  const { t } = useTranslation()
  return (rule, c) => t(`lifecycle.rule.${rule}`, { name: c.name, state: t(`state.${c.state}`) })
}
