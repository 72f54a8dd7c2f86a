// The window: header (views, language, theme), the current view, and the live-update wiring.
import { useTranslation } from 'react-i18next'
import { usePrefs } from './stores/prefs'
import { useContainers } from './stores/containers'
import { useLiveData } from './hooks/useLiveData'
import { usePrefsEffects } from './hooks/usePrefsEffects'
import { Header } from './components/Header'
import { ErrorBanner } from './components/ErrorBanner'
import { ContainersView } from './views/ContainersView'
import { LineageView } from './views/LineageView'
import { ConfigView } from './views/ConfigView'
import { UsageView } from './views/UsageView'
import { EmptyState } from './views/EmptyState'
import { CloneDialog } from './components/CloneDialog'
import { TaskBar } from './components/TaskBar'
import { ConsoleDock } from './components/ConsoleDock'
import { useLxcpaths } from './stores/lxcpaths'

export function App(): React.JSX.Element {
  const { t } = useTranslation()
  usePrefsEffects()
  useLiveData()
  const view = usePrefs((s) => s.view)
  const loaded = useContainers((s) => s.loaded)
  const count = useContainers((s) => s.list.length)
  const lxcpaths = useLxcpaths((s) => s.list)
  return (
    <div className="app">
      <Header />
      <ErrorBanner />
      <main className="main" id="main">
        {!loaded ? (
          <p className="muted pad">{t('app.loading')}</p>
        ) : count === 0 ? (
          <EmptyState />
        ) : view === 'lineage' ? (
          <LineageView />
        ) : view === 'usage' ? (
          <UsageView />
        ) : view === 'config' ? (
          <ConfigView />
        ) : (
          <ContainersView />
        )}
      </main>
      <ConsoleDock />
      <TaskBar />
      <CloneDialog lxcpaths={lxcpaths} />
    </div>
  )
}
