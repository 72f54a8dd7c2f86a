// The sidebar: one entry per view, with an icon; the current one is marked for assistive tech too.
// Below 1200 px it is folded behind the masthead's menu button.
import { memo, useCallback, useContext, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { PageContext, PageSidebar, PageSidebarBody, PageSidebarContext } from '@patternfly/react-core'
// the nav's stylesheet, which PatternFly's Nav component would have brought (the same file)
import '@patternfly/patternfly/components/Nav/nav.css'
import { CubesIcon, ChartPieIcon, FileCodeIcon, SitemapIcon } from '@patternfly/react-icons'
import { usePrefs, type View } from '../stores/prefs'

const VIEWS: { view: View; icon: React.ReactNode }[] = [
  { view: 'containers', icon: <CubesIcon /> },
  { view: 'lineage', icon: <SitemapIcon /> },
  { view: 'usage', icon: <ChartPieIcon /> },
  { view: 'config', icon: <FileCodeIcon /> }
]

/** Memoised: the page re-renders its sidebar whenever the app does (data arriving). */
export const AppNav = memo(function AppNav(): React.JSX.Element {
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
})

/**
 * The entries, drawn again only when the view changes. Plain markup with PatternFly's nav classes: its NavList reads the text
 * direction (getComputedStyle) when it mounts and on every update, and measures its items for
 * scroll buttons a vertical nav never shows, each a forced style recalculation or layout of the
 * whole page inside React's commit.
 */
const NavBody = memo(function NavBody({ pick }: { pick: (v: View) => void }): React.JSX.Element {
  const { t } = useTranslation()
  const view = usePrefs((s) => s.view)
  // folded away, its links are no Tab stops (as PatternFly's NavItem)
  const { isSidebarOpen } = useContext(PageSidebarContext)
  return (
    <nav className="pf-v6-c-nav" aria-label={t('app.navLabel')}>
      <ul className="pf-v6-c-nav__list" role="list">
        {VIEWS.map(({ view: v, icon }) => (
          <li key={v} className="pf-v6-c-nav__item">
            <a
              href={`#${v}`}
              className={`pf-v6-c-nav__link${view === v ? ' pf-m-current' : ''}`}
              aria-current={view === v ? 'page' : undefined}
              data-testid={`nav-${v}`}
              tabIndex={isSidebarOpen ? undefined : -1}
              onClick={(e) => {
                e.preventDefault()
                pick(v)
              }}
            >
              <span className="pf-v6-c-nav__link-icon">{icon}</span>
              <span className="pf-v6-c-nav__link-text">{t(`app.nav.${v}`)}</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  )
})
