// The sidebar: one entry per view, with an icon; the current one is marked for assistive tech too.
// Below 1200 px it is folded behind the masthead's menu button.
import { useContext } from 'react'
import { useTranslation } from 'react-i18next'
import { Nav, NavItem, NavList, PageContext, PageSidebar, PageSidebarBody } from '@patternfly/react-core'
import { CubesIcon, ChartPieIcon, FileCodeIcon, SitemapIcon } from '@patternfly/react-icons'
import { usePrefs, type View } from '../stores/prefs'

const VIEWS: { view: View; icon: React.ReactNode }[] = [
  { view: 'containers', icon: <CubesIcon /> },
  { view: 'lineage', icon: <SitemapIcon /> },
  { view: 'usage', icon: <ChartPieIcon /> },
  { view: 'config', icon: <FileCodeIcon /> }
]

export function AppNav(): React.JSX.Element {
  const { t } = useTranslation()
  const view = usePrefs((s) => s.view)
  const setView = usePrefs((s) => s.setView)
  const page = useContext(PageContext)
  // Below 1200 px the sidebar lies over the view: once a view is picked, it gets out of the way.
  const pick = (v: View): void => {
    setView(v)
    if (page.getBreakpoint(page.width) !== 'xl' && page.getBreakpoint(page.width) !== '2xl' && page.isSidebarOpen) page.onSidebarToggle()
  }
  return (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label={t('app.navLabel')} onSelect={(_e, item) => pick(item.itemId as View)}>
          <NavList>
            {VIEWS.map(({ view: v, icon }) => (
              <NavItem key={v} itemId={v} isActive={view === v} icon={icon} data-testid={`nav-${v}`} preventDefault to={`#${v}`}>
                {t(`app.nav.${v}`)}
              </NavItem>
            ))}
          </NavList>
        </Nav>
      </PageSidebarBody>
    </PageSidebar>
  )
}
