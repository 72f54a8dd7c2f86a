// Why a start failed, as the engine found it: the known causes in words, then LXC's own log
// lines of that start (errors first), and the way to the whole log.
import { useTranslation } from 'react-i18next'
import type { StartDiagnosis } from '@shared/model'

export function StartFailure({ d, onOpenLog }: { d: StartDiagnosis; onOpenLog?: () => void }): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <div className="start-failure" data-testid="start-failure">
      {d.causes.length > 0 && (
        <>
          <h4>{t('startFailure.why')}</h4>
          <ul data-testid="start-causes">
            {d.causes.map((c, i) => (
              // the engine's words when the app has none for this rule
              <li key={i} data-rule={c.rule}>{t(`startFailure.cause.${c.rule}`, { ...c.params, defaultValue: c.message })}</li>
            ))}
          </ul>
        </>
      )}
      {d.lines.length > 0 && (
        <details open={d.causes.length === 0}>
          <summary>{t('startFailure.lxcLines')}</summary>
          <pre className="log" data-testid="start-log-lines">
            {d.lines.map((l, i) => (
              <div key={i} className={`log-line log-${(l.level ?? 'plain').toLowerCase()}`}>
                {l.level ? `${l.level}  ` : ''}
                {l.text}
              </div>
            ))}
          </pre>
        </details>
      )}
      <p className="small">
        <span className="mono path">{d.logFile}</span>{' '}
        {onOpenLog && (
          <button type="button" className="link" onClick={onOpenLog}>
            {t('startFailure.openLog')}
          </button>
        )}
      </p>
    </div>
  )
}
