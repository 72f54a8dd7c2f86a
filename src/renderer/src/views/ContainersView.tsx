// The container table (PatternFly): sortable columns, numbers right-aligned under right-aligned
// headers, a filter (Ctrl+F), multi-select with start/stop for the selection, a menu per row;
// the details panel shows the focused container. At 1024 px the less used columns fold into
// the details panel, the size column stays.
import { useEffect, useMemo, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { Checkbox, SearchInput, Title, Toolbar, ToolbarContent, ToolbarGroup, ToolbarItem } from '@patternfly/react-core'
import { keyOf, useContainers, visibleContainers } from '../stores/containers'
import { useSelection } from '../stores/selection'
import { LifecycleButtons } from '../components/LifecycleButtons'
import { DetailsPanel } from '../components/DetailsPanel'
import { ContainerTable } from '../components/ContainerTable'
import { CloneTargets } from '../components/CloneTargets'
import { useLxcpaths } from '../stores/lxcpaths'
import { usePrefs } from '../stores/prefs'
import { useUsage } from '../stores/usage'
import { BulkSnapshot } from '../components/BulkSnapshot'
import { BulkDestroy } from '../components/BulkDestroy'

export function ContainersView(): React.JSX.Element {
  const { t } = useTranslation()
  const { list, filter, sort, setFilter } = useContainers()
  const scope = useLxcpaths((s) => s.scope)
  const byKey = useUsage((s) => s.byKey)
  const shown = useMemo(() => (scope ? list.filter((c) => c.lxcpath === scope) : list), [list, scope])
  const rows = useMemo(() => visibleContainers(shown, filter, sort, (c) => byKey.get(keyOf(c))?.exclusiveBytes), [shown, filter, sort, byKey])
  const keys = useSelection((s) => s.keys)
  const lxcpaths = useLxcpaths((s) => s.list)
  const showHidden = usePrefs((s) => s.showHidden)
  const setShowHidden = usePrefs((s) => s.setShowHidden)
  const selected = list.filter((c) => keys.includes(keyOf(c)))
  const filterRef = useRef<HTMLInputElement>(null)

  // Ctrl+F finds: it focuses the filter instead of the browser's page search.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f' && !document.querySelector('[role="dialog"]')) {
        e.preventDefault()
        filterRef.current?.focus()
        filterRef.current?.select()
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])

  return (
    <div className="split">
      <section className="pane" aria-labelledby="containers-title">
        <Toolbar className="view-toolbar">
          <ToolbarContent>
            <ToolbarItem>
              <Title headingLevel="h2" size="lg" id="containers-title">
                {t('containers.title')}
              </Title>
            </ToolbarItem>
            <ToolbarItem alignSelf="center">
              <span className="muted" data-testid="container-count">
                {t('containers.count', { count: shown.length })}
              </span>
            </ToolbarItem>
            <ToolbarItem className="filter-item">
              <SearchInput
                ref={filterRef}
                aria-label={t('containers.filter')}
                placeholder={t('containers.filterPlaceholder')}
                data-testid="filter"
                value={filter}
                onChange={(_e, v) => setFilter(v)}
                onClear={() => setFilter('')}
                hint={undefined}
              />
            </ToolbarItem>
            <ToolbarItem alignSelf="center">
              <Checkbox
                id="show-hidden"
                data-testid="show-hidden"
                label={t('containers.showHidden')}
                title={t('containers.showHiddenHint')}
                isChecked={showHidden}
                onChange={(_e, on) => setShowHidden(on)}
              />
            </ToolbarItem>
            <ToolbarGroup align={{ default: 'alignEnd' }} gap={{ default: 'gapSm' }}>
              {selected.length > 0 && (
                <ToolbarItem alignSelf="center">
                  <span className="muted">{t('containers.selected', { count: selected.length })}</span>
                </ToolbarItem>
              )}
              <ToolbarItem>
                <LifecycleButtons containers={selected} actions={['start', 'stop']} />
              </ToolbarItem>
              <ToolbarItem>
                <BulkSnapshot containers={selected} />
              </ToolbarItem>
              <ToolbarItem>
                <BulkDestroy containers={selected} />
              </ToolbarItem>
              <ToolbarItem>
                <CloneTargets lxcpaths={lxcpaths} />
              </ToolbarItem>
            </ToolbarGroup>
          </ToolbarContent>
        </Toolbar>
        <ContainerTable rows={rows} />
      </section>
      <DetailsPanel />
    </div>
  )
}
