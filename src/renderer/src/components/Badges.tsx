// Small visual tokens: a backend badge (colour per backend) and a state dot with its word.
import { useTranslation } from 'react-i18next'
import type { Backend, ContainerState } from '@shared/model'

export function BackendBadge({ backend }: { backend: Backend | null }): React.JSX.Element {
  return <span className={`badge backend-${backend ?? 'none'}`}>{backend ?? '?'}</span>
}

export function StateBadge({ state }: { state: ContainerState }): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <span className={`state state-${state}`}>
      <span className="dot" aria-hidden="true" />
      {t(`state.${state}`)}
    </span>
  )
}
