// The window: a PatternFly Page (masthead, sidebar nav, the task drawer), the current view, the
// dialogs and toasts, and the live-update wiring.
import { Suspense, useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { Spinner, Bullseye } from '@patternfly/react-core'
import { AppPage } from './components/AppPage'
import { usePrefs } from './stores/prefs'
import { useContainers } from './stores/containers'
import { useLiveData } from './hooks/useLiveData'
import { usePrefsEffects } from './hooks/usePrefsEffects'
import { AppMasthead } from './components/AppMasthead'
import { AppNav } from './components/AppNav'
import { ErrorBanner } from './components/ErrorBanner'
import { ContainersView } from './views/ContainersView'
import { ConfigView, LineageView, UsageView, preloadAllViews } from './views/lazyViews'
import { EmptyState } from './views/EmptyState'
import { CloneDialog } from './components/CloneDialog'
import { CopyToHostDialog } from './components/CopyToHostDialog'
import { DestroyHost } from './components/DestroyHost'
import { TaskDrawer } from './components/TaskDrawer'
import { Toasts } from './components/Toasts'
import { AfterFirstPaint } from './components/AfterFirstPaint'
import { ConsoleDock } from './components/ConsoleDock'
import { useLxcpaths } from './stores/lxcpaths'
import { useTasks } from './stores/tasks'
import { currentHost, useHosts } from './stores/hosts'
import { HostAlert } from './components/HostAlert'
import { ConnectionAlert } from './components/ConnectionAlert'

export function App(): React.JSX.Element {
  const { t } = useTranslation()
  usePrefsEffects()
  useLiveData()
  const view = usePrefs((s) => s.view)
  const loaded = useContainers((s) => s.loaded)
  const count = useContainers((s) => s.list.length)
  const lxcpaths = useLxcpaths((s) => s.list)
  const drawerOpen = useTasks((s) => s.drawerOpen)
  const host = useHosts((s) => s.current)
  const hostState = useHosts((s) => currentHost(s)?.state ?? 'connected')
  // once the first view is up, fetch the other views' code so that switching does not wait
  useEffect(() => {
    if (loaded) setTimeout(preloadAllViews, 500)
  }, [loaded])
  const spinner = (
    <Bullseye>
      <Spinner aria-label={t('app.loading')} />
    </Bullseye>
  )
  return (
    <AppPage
      masthead={<AppMasthead />}
      sidebar={<AppNav />}
      isManagedSidebar
      notificationDrawer={<TaskDrawer />}
      isNotificationDrawerExpanded={drawerOpen}
      mainContainerId="main"
      mainAriaLabel={t(`app.nav.${view}`)}
      className="app"
    >
      <div className="app-body">
        <ConnectionAlert />
        <HostAlert />
        <ErrorBanner />
        {/* keyed by host: a view's own streams and state (usage figures, config) start again on another host */}
        <div className="main" key={host ?? ''}>
          <Suspense fallback={spinner}>
          {hostState === 'unreachable' ? null : !loaded ? (
            spinner
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
          </Suspense>
        </div>
        <ConsoleDock />
      </div>
      <AfterFirstPaint>
        <Toasts />
      </AfterFirstPaint>
      <CloneDialog lxcpaths={lxcpaths} />
      <CopyToHostDialog />
      <DestroyHost />
    </AppPage>
  )
}
