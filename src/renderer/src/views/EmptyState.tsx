// First run: no containers. Explain, show how to make one, and check the machine.
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Environment } from '@shared/api'
import { api, errorText } from '../api'
import { EnvironmentCheck } from '../components/EnvironmentCheck'
import { CreateForm } from '../components/CreateForm'

export function EmptyState(): React.JSX.Element {
  const { t } = useTranslation()
  const [lxcpaths, setLxcpaths] = useState<string[]>([])
  const [env, setEnv] = useState<Environment | null>(null)
  /** why there is no environment check (a remote host's is its own: strata check --host) */
  const [envError, setEnvError] = useState<string | null>(null)
  useEffect(() => {
    void api.lxcpaths({}).then(setLxcpaths)
    void api.environment({}).then(setEnv, (e: unknown) => setEnvError(errorText(e)))
  }, [])
  const p = lxcpaths[0]
  const cmd = `lxc-create${p && p !== '/var/lib/lxc' ? ` -P ${p}` : ''} -t busybox -n NAME`
  return (
    <section className="pane pad empty" data-testid="empty-state">
      <h2>{t('empty.title')}</h2>
      <p>{t('empty.explain', { lxcpaths: lxcpaths.join(', ') })}</p>
      {env && <CreateForm lxcpaths={lxcpaths} templates={env.templates} />}
      <p>{t('empty.how')}</p>
      <pre className="raw" data-testid="create-command">{cmd}</pre>
      <h3>{t('empty.env')}</h3>
      {env ? <EnvironmentCheck env={env} /> : <p className="muted">{envError ?? t('app.loading')}</p>}
    </section>
  )
}
