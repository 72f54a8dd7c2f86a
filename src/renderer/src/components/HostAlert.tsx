// The selected remote host's connection when it is not simply there: connecting (a spinner), or
// unreachable with the reason in the host's words and Reconnect.
import { useTranslation } from 'react-i18next'
import { Alert, AlertActionLink, Spinner } from '@patternfly/react-core'
import { api } from '../api'
import { currentHost, useHosts } from '../stores/hosts'
import { errorDataText } from '../i18n/said'

export function HostAlert(): React.JSX.Element | null {
  const { t } = useTranslation()
  const host = useHosts(currentHost)
  const reconnect = useHosts((s) => s.reconnect)
  if (!host || host.state === 'connected') return null
  if (host.state === 'unreachable')
    return (
      <Alert
        isInline
        variant="danger"
        data-testid="host-unreachable"
        className="host-alert"
        title={t('hosts.unreachable', { name: host.name })}
        actionLinks={
          <AlertActionLink data-testid="host-reconnect" onClick={() => reconnect(host.name, api)}>
            {t('hosts.reconnect')}
          </AlertActionLink>
        }
      >
        <span data-testid="host-reason">{host.error ? errorDataText(host.error) : null}</span>
      </Alert>
    )
  return (
    <Alert isInline variant="info" data-testid="host-connecting" className="host-alert" customIcon={<Spinner size="md" />} title={t('hosts.connecting', { name: host.name, address: host.address })} />
  )
}
