// The masthead: the sidebar toggle, the app's name and icon, the host shown, which lxcpath the table shows,
// language, theme, and the task drawer's bell (with a count of the tasks still running).
import { useTranslation } from 'react-i18next'
import {
  FormSelect,
  FormSelectOption,
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  MastheadToggle,
  NotificationBadge,
  PageToggleButton,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem
} from '@patternfly/react-core'
import { memo } from 'react'
import { usePrefs, type Theme } from '../stores/prefs'
import { useLxcpaths } from '../stores/lxcpaths'
import { unreadFailures, useTasks } from '../stores/tasks'
import { HostSwitcher } from './HostSwitcher'
import { LanguageMenu } from './LanguageMenu'

const THEMES: Theme[] = ['system', 'light', 'dark']
const ALL = ''

/** Memoised: the page re-renders when data arrives, which the masthead does not show. */
export const AppMasthead = memo(function AppMasthead(): React.JSX.Element {
  const { t } = useTranslation()
  const theme = usePrefs((s) => s.theme)
  const setTheme = usePrefs((s) => s.setTheme)
  const { list: lxcpaths, scope, setScope } = useLxcpaths()
  const running = useTasks((s) => Object.values(s.tasks).filter((x) => x.status === 'running').length)
  const failed = useTasks((s) => unreadFailures(s.tasks))
  const drawerOpen = useTasks((s) => s.drawerOpen)
  const setDrawerOpen = useTasks((s) => s.setDrawerOpen)
  return (
    <Masthead>
      <MastheadMain>
        <MastheadToggle>
          <PageToggleButton isHamburgerButton id="nav-toggle" aria-label={t("app.navToggle")} />
        </MastheadToggle>
        <MastheadBrand>
          <MastheadLogo component="span" className="brand">
            <img src="./favicon.svg" alt="" width={28} height={28} />
            <span className="brand-name">{t('app.title')}</span>
          </MastheadLogo>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Toolbar isFullHeight isStatic>
          <ToolbarContent>
            <ToolbarGroup align={{ default: 'alignEnd' }} gap={{ default: 'gapMd' }}>
              <ToolbarItem>
                <HostSwitcher />
              </ToolbarItem>
              <ToolbarItem>
                <FormSelect
                  aria-label={t('app.lxcpath')}
                  data-testid="lxcpath-scope"
                  value={scope ?? ALL}
                  onChange={(_e, v) => setScope(v === ALL ? null : v)}
                  className="masthead-select lxcpath-select"
                  title={scope ?? t('app.allLxcpaths')}
                >
                  <FormSelectOption value={ALL} label={t('app.allLxcpaths')} />
                  {lxcpaths.map((p) => (
                    <FormSelectOption key={p} value={p} label={p} />
                  ))}
                </FormSelect>
              </ToolbarItem>
              <ToolbarItem visibility={{ default: 'hidden', md: 'visible' }} className="masthead-keep">
                <LanguageMenu />
              </ToolbarItem>
              <ToolbarItem visibility={{ default: 'hidden', md: 'visible' }} className="masthead-keep">
                <FormSelect aria-label={t('app.theme')} data-testid="theme" value={theme} onChange={(_e, v) => setTheme(v as Theme)} className="masthead-select">
                  {THEMES.map((th) => (
                    <FormSelectOption key={th} value={th} label={`${t('app.theme')}: ${t(`app.themes.${th}`)}`} />
                  ))}
                </FormSelect>
              </ToolbarItem>
              <ToolbarItem>
                <NotificationBadge
                  data-testid="tasks-toggle"
                  variant={failed ? 'attention' : running ? 'unread' : 'read'}
                  count={running}
                  isExpanded={drawerOpen}
                  onClick={() => setDrawerOpen(!drawerOpen)}
                  data-unread-failures={failed}
                  aria-label={failed ? t('tasks.toggleFailed', { running, count: failed }) : t('tasks.toggle', { count: running })}
                />
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
      </MastheadContent>
    </Masthead>
  )
})
