// The container table: sort by column, filter, multi-select, start/stop; a click selects a
// container and the details panel shows it.
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { keyOf, useContainers, visibleContainers, type SortKey } from '../stores/containers'
import { useSelection } from '../stores/selection'
import { LifecycleButtons } from '../components/LifecycleButtons'
import { DetailsPanel } from '../components/DetailsPanel'
import { ContainerRow } from '../components/ContainerRow'
import { CloneTargets } from '../components/CloneTargets'
import { useLxcpaths } from '../stores/lxcpaths'
import { usePrefs } from '../stores/prefs'

const COLUMNS: SortKey[] = ['name', 'state', 'backend', 'origin', 'dependents', 'snapshots', 'problems']

export function ContainersView(): React.JSX.Element {
  const { t } = useTranslation()
  const { list, filter, sort, setFilter, sortBy } = useContainers()
  const rows = useMemo(() => visibleContainers(list, filter, sort), [list, filter, sort])
  const keys = useSelection((s) => s.keys)
  const setAll = useSelection((s) => s.setAll)
  const lxcpaths = useLxcpaths((s) => s.list)
  const showHidden = usePrefs((s) => s.showHidden)
  const setShowHidden = usePrefs((s) => s.setShowHidden)
  const selected = list.filter((c) => keys.includes(keyOf(c)))
  const allChecked = rows.length > 0 && rows.every((c) => keys.includes(keyOf(c)))

  return (
    <div className="split">
      <section className="pane" aria-labelledby="containers-title">
        <div className="toolbar">
          <h2 id="containers-title">{t('containers.title')}</h2>
          <span className="muted" data-testid="container-count">
            {t('containers.count', { count: list.length })}
          </span>
          <input
            type="search"
            aria-label={t('containers.filter')}
            placeholder={t('containers.filterPlaceholder')}
            data-testid="filter"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
          <label className="inline" title={t('containers.showHiddenHint')}>
            <input type="checkbox" data-testid="show-hidden" checked={showHidden} onChange={(e) => setShowHidden(e.target.checked)} />
            {t('containers.showHidden')}
          </label>
          <span className="spacer" />
          {selected.length > 0 && <span className="muted">{t('containers.selected', { count: selected.length })}</span>}
          <LifecycleButtons containers={selected} actions={['start', 'stop']} />
          <CloneTargets lxcpaths={lxcpaths} />
        </div>
        <table className="table" data-testid="containers-table">
          <thead>
            <tr>
              <th className="check">
                <input
                  type="checkbox"
                  aria-label={t('containers.selectAll')}
                  checked={allChecked}
                  onChange={() => setAll(allChecked ? [] : rows.map(keyOf))}
                />
              </th>
              {COLUMNS.map((c) => (
                <th key={c} aria-sort={sort.key === c ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                  <button
                    className="th-button"
                    data-testid={`sort-${c}`}
                    aria-label={t('containers.sortBy', { column: t(`containers.col.${c}`) })}
                    onClick={() => sortBy(c)}
                  >
                    {t(`containers.col.${c}`)}
                    {sort.key === c ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                  </button>
                </th>
              ))}
              <th title={t('usage.exclusive')}>{t('containers.col.size')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <ContainerRow key={keyOf(c)} c={c} />
            ))}
          </tbody>
        </table>
        {rows.length === 0 && <p className="muted pad">{t('containers.noMatch')}</p>}
      </section>
      <DetailsPanel />
    </div>
  )
}
