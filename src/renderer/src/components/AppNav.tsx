// The sidebar: one entry per view, with an icon; the current one is marked for assistive tech too.
// Below 1200 px it is folded behind the masthead's menu button.
import { memo, useCallback, useContext, useRef } from 'react'
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
  const setView = usePrefs((s) => s.setView)
  const page = useContext(PageContext)
  const pageRef = useRef(page)
  pageRef.current = page
  // Below 1200 px the sidebar lies over the view: once a view is picked, it gets out of the way.
  const pick = useCallback(
    (v: View): void => {
      setView(v)
      const p = pageRef.current
      if (p.getBreakpoint(p.width) !== 'xl' && p.getBreakpoint(p.width) !== '2xl' && p.isSidebarOpen) p.onSidebarToggle()
    },
    [setView]
  )
  return (
    <PageSidebar>
      <PageSidebarBody>
        <NavBody pick={pick} />
      </PageSidebarBody>
    </PageSidebar>
  )
}

/**
 * The entries, drawn again only when the view changes: the page re-renders its sidebar whenever
 * the app does (data arriving), and PatternFly's NavList reads the text direction on each
 * render, a forced style recalculation of the whole page (~1 s with 500 rows in the table).
 */
const NavBody = memo(function NavBody({ pick }: { pick: (v: View) => void }): React.JSX.Element {
  const { t } = useTranslation()
  const view = usePrefs((s) => s.view)
  return (
    <Nav aria-label={t('app.navLabel')} onSelect={(_e, item) => pick(item.itemId as View)}>
      <NavList>
        {VIEWS.map(({ view: v, icon }) => (
          <NavItem key={v} itemId={v} isActive={view === v} icon={icon} data-testid={`nav-${v}`} preventDefault to={`#${v}`}>
            {t(`app.nav.${v}`)}
          </NavItem>
        ))}
      </NavList>
    </Nav>
  )
})
