// The sidebar: one entry per view, with an icon; the current one is marked for assistive tech too.
import { useTranslation } from 'react-i18next'
import { Nav, NavItem, NavList, PageSidebar, PageSidebarBody } from '@patternfly/react-core'
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
  return (
    <PageSidebar>
      <PageSidebarBody>
        <Nav aria-label={t('app.navLabel')} onSelect={(_e, item) => setView(item.itemId as View)}>
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
