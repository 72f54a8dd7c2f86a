// Browser mode's server gone: said at once, above everything the page shows, since what it shows
// may no longer be true; the client connects again by itself when the server answers.
import { useTranslation } from 'react-i18next'
import { Alert } from '@patternfly/react-core'
import { useConnection } from '../stores/connection'

export function ConnectionAlert(): React.JSX.Element | null {
  const { t } = useTranslation()
  const lost = useConnection((s) => s.lost)
  if (!lost) return null
  return (
    <Alert isInline variant="danger" role="alert" data-testid="connection-lost" className="host-alert" title={t('app.connectionLost')}>
      {t('app.connectionLostBody')}
    </Alert>
  )
}
