// What Strata needs on this machine, each with found / what to install.
import { useTranslation } from 'react-i18next'
import type { Environment } from '@shared/api'

export function EnvironmentCheck({ env }: { env: Environment }): React.JSX.Element {
  const { t } = useTranslation()
  const missingTools = env.tools.filter((x) => !x.path).map((x) => x.name)
  const lxcOk = missingTools.length === 0
  const Ok = ({ ok }: { ok: boolean }): React.JSX.Element => <span className={ok ? 'ok' : 'bad'}>{ok ? '✓' : '✗'}</span>
  return (
    <ul className="envcheck" data-testid="env-check">
      <li>
        <Ok ok={lxcOk} /> {t('env.lxc')}:{' '}
        {env.lxcVersion ? t('env.lxcVersion', { version: env.lxcVersion }) : t('env.notFound')}
        {!lxcOk && env.lxcVersion && ` (${t('env.missingTools', { tools: missingTools.join(', ') })})`}
      </li>
      <li>
        <Ok ok={env.pkexec} /> {t('env.pkexec')}: {env.pkexec ? t('env.found') : t('env.installPolkit')}
      </li>
      <li>
        <Ok ok={env.polkit} /> {t('env.polkit')}: {env.polkit ? t('env.found') : t('env.installPolkit')}
      </li>
      <li>
        {t('env.backends')}:
        <ul>
          {env.backends.map((b) => (
            <li key={b.backend} data-testid={`env-backend-${b.backend}`}>
              <Ok ok={b.available} /> {b.backend}:{' '}
              {b.available
                ? t('env.available')
                : b.missing
                    .map((m) => (m.startsWith('fs:') ? t('env.needsFs', { fs: m.slice(3) }) : t('env.needsTool', { tool: m.slice(5) })))
                    .join(', ')}
            </li>
          ))}
        </ul>
      </li>
      {env.templates.length > 0 && <li>{t('env.templates', { list: env.templates.join(', ') })}</li>}
    </ul>
  )
}
