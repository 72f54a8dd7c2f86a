// First run: no containers. Explain, offer to make one, and check the machine (PatternFly's empty
// state, then the create form and the machine's check as two cards side by side where they fit).
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Card, CardBody, CardTitle, CodeBlock, CodeBlockCode, EmptyState as PfEmptyState, EmptyStateBody, Title } from '@patternfly/react-core'
import { CubesIcon } from '@patternfly/react-icons'
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
    <section className="pane first-run" data-testid="empty-state">
      <PfEmptyState titleText={t('empty.title')} headingLevel="h2" icon={CubesIcon} variant="sm">
        <EmptyStateBody>{t('empty.explain', { lxcpaths: lxcpaths.join(', ') })}</EmptyStateBody>
      </PfEmptyState>
      <div className="first-run-cards">
        <Card isCompact>
          {/* the form carries its own title (create.title) */}
          <CardBody>
            {env && <CreateForm lxcpaths={lxcpaths} templates={env.templates} />}
            <p className="first-run-how">{t('empty.how')}</p>
            <CodeBlock>
              <CodeBlockCode data-testid="create-command">{cmd}</CodeBlockCode>
            </CodeBlock>
          </CardBody>
        </Card>
        <Card isCompact>
          <CardTitle>
            <Title headingLevel="h3" size="md">{t('empty.env')}</Title>
          </CardTitle>
          <CardBody>{env ? <EnvironmentCheck env={env} /> : <p className="muted">{envError ?? t('app.loading')}</p>}</CardBody>
        </Card>
      </div>
    </section>
  )
}
