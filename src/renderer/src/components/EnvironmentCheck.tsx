// What Strata needs on this machine, each with found / what to install, as a list with status
// icons (PatternFly's success and danger colours, and the words for those who cannot see them).
import { useTranslation } from 'react-i18next'
import { Icon, List, ListItem } from '@patternfly/react-core'
import { CheckCircleIcon, ExclamationCircleIcon } from '@patternfly/react-icons'
import type { Environment } from '@shared/api'

function StatusIcon({ ok }: { ok: boolean }): React.JSX.Element {
  return <Icon status={ok ? 'success' : 'danger'}>{ok ? <CheckCircleIcon /> : <ExclamationCircleIcon />}</Icon>
}

export function EnvironmentCheck({ env }: { env: Environment }): React.JSX.Element {
  const { t } = useTranslation()
  const missingTools = env.tools.filter((x) => !x.path).map((x) => x.name)
  const lxcOk = missingTools.length === 0
  return (
    <div className="envcheck" data-testid="env-check">
      <List isPlain>
        <ListItem icon={<StatusIcon ok={lxcOk} />}>
          {t('env.lxc')}: {env.lxcVersion ? t('env.lxcVersion', { version: env.lxcVersion }) : t('env.notFound')}
          {!lxcOk && env.lxcVersion && ` (${t('env.missingTools', { tools: missingTools.join(', ') })})`}
        </ListItem>
        <ListItem icon={<StatusIcon ok={env.pkexec} />}>
          {t('env.pkexec')}: {env.pkexec ? t('env.found') : t('env.installPolkit')}
        </ListItem>
        <ListItem icon={<StatusIcon ok={env.polkit} />}>
          {t('env.polkit')}: {env.polkit ? t('env.found') : t('env.installPolkit')}
        </ListItem>
      </List>
      <p className="envcheck-heading">{t('env.backends')}</p>
      <List isPlain>
        {env.backends.map((b) => (
          <ListItem key={b.backend} data-testid={`env-backend-${b.backend}`} icon={<StatusIcon ok={b.available} />}>
            {b.backend}:{' '}
            {b.available
              ? t('env.available')
              : b.missing.map((m) => (m.startsWith('fs:') ? t('env.needsFs', { fs: m.slice(3) }) : t('env.needsTool', { tool: m.slice(5) }))).join(', ')}
          </ListItem>
        ))}
      </List>
      {env.templates.length > 0 && <p className="envcheck-heading">{t('env.templates', { list: env.templates.join(', ') })}</p>}
    </div>
  )
}
