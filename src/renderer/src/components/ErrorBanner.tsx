// Errors from the API, in words; data already shown stays shown.
import { useTranslation } from 'react-i18next'
import { useContainers } from '../stores/containers'
import { useLineage } from '../stores/lineage'
import { useActionError } from '../stores/actions'

export function ErrorBanner(): React.JSX.Element | null {
  const { t } = useTranslation()
  const a = useContainers((s) => s.error)
  const b = useLineage((s) => s.error)
  const c = useActionError((s) => s.error)
  const clear = useActionError((s) => s.clear)
  const message = c ?? a ?? b
  if (!message) return null
  return (
    <div className="error" role="alert" data-testid="error">
      {t('app.error', { message })}
      {c && (
        <button className="link" onClick={clear} aria-label={t('app.dismiss')}>
          ×
        </button>
      )}
    </div>
  )
}
