// Errors from the API, in words (an inline danger alert); data already shown stays shown.
import { useTranslation } from 'react-i18next'
import { Alert, AlertActionCloseButton } from '@patternfly/react-core'
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
    <Alert
      isInline
      variant="danger"
      role="alert"
      data-testid="error"
      className="error-banner"
      title={t('app.error', { message })}
      actionClose={c ? <AlertActionCloseButton aria-label={t('app.dismiss')} onClose={clear} /> : undefined}
    />
  )
}
