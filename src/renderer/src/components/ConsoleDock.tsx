// The console dock at the bottom of the window: one tab per open console (several at once,
// on one container or many), the active one's terminal below. Terminals stay mounted while
// hidden, so switching tabs keeps what each shows. Closing a tab closes its console.
import { lazy, Suspense, useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../api'
import { useConsoles, type ConsoleTab } from '../stores/consoles'
import { useHosts } from '../stores/hosts'

// xterm.js is a large part of the bundle: loaded with the first console, not with the window
const ConsoleTerminal = lazy(() => import('./ConsoleTerminal').then((m) => ({ default: m.ConsoleTerminal })))

export function ConsoleDock(): React.JSX.Element | null {
  const { t } = useTranslation()
  const { tabs, active, error } = useConsoles()
  const hostShown = useHosts((s) => s.current)
  useEffect(() => useConsoles.getState().listen(api), [])
  if (tabs.length === 0 && !error) return null
  const current = tabs.find((x) => x.streamId === active)
  // a console on another host says which, and once any remote host is shown, so does this computer's
  const where = (tab: ConsoleTab): string => (tab.host ?? (hostShown === null && tabs.every((x) => x.host === null) ? '' : t('hosts.local')))
  const label = (tab: ConsoleTab): string => `${where(tab) ? t('console.onHost', { name: tab.ref.name, host: where(tab) }) : tab.ref.name} · ${t(`console.kind.${tab.kind}`)}`
  const endedText = ({ exitCode, error }: { exitCode: number | null; error: string | null }): string =>
    error ? t('console.failed', { error }) : exitCode === null ? t('console.closed') : t('console.exited', { code: exitCode })
  return (
    <section className="console-dock" data-testid="console-dock" aria-label={t('console.title')}>
      <div className="console-tabs" role="tablist">
        {tabs.map((tab) => (
          <div key={tab.streamId} className={`console-tab${tab.streamId === active ? ' active' : ''}${tab.status === 'ended' ? ' ended' : ''}`}>
            <button
              role="tab"
              aria-selected={tab.streamId === active}
              data-testid={`console-tab-${tab.ref.name}`}
              title={`${tab.ref.lxcpath}/${tab.ref.name}`}
              onClick={() => useConsoles.getState().activate(tab.streamId)}
            >
              {label(tab)}
              {tab.status === 'ended' && <span className="muted"> ({t('console.ended')})</span>}
            </button>
            <button
              className="console-close"
              data-testid={`console-close-${tab.ref.name}`}
              aria-label={t('console.close', { name: label(tab) })}
              title={t('console.close', { name: label(tab) })}
              onClick={() => useConsoles.getState().close(api, tab.streamId)}
            >
              ×
            </button>
          </div>
        ))}
        <span className="console-hint muted">
          {current?.kind === 'tty' ? `${t('console.ttyHint')} · ` : ''}
          {t('console.clipboardHint')}
        </span>
      </div>
      {error && (
        <p className="bad console-error" data-testid="console-error">
          {error}{' '}
          <button className="console-close" aria-label={t('console.dismiss')} onClick={() => useConsoles.setState({ error: null })}>
            ×
          </button>
        </p>
      )}
      <div className="console-body">
        <Suspense>
        {tabs.map((tab) => (
          <ConsoleTerminal key={tab.streamId} streamId={tab.streamId} visible={tab.streamId === active} endedText={endedText} />
        ))}
        </Suspense>
      </div>
    </section>
  )
}
