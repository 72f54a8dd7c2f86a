// The containers table (PatternFly's compact table): sortable, resizable headers, numbers
// right-aligned under right-aligned headers, a checkbox per row and one to select all. The
// table reads the stores and the strings once and hands each row what it shows (ContainerRow
// subscribes to nothing), so a first render of 500 rows is 500 plain rows.
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import { Table, Tbody, Thead } from '@patternfly/react-table'
import type { ContainerInfo, ContainerState } from '@shared/model'
import { keyOf, useContainers, type SortKey } from '../stores/containers'
import { useSelection } from '../stores/selection'
import { useUsage } from '../stores/usage'
import { ContainerRow, type RowLabels } from './ContainerRow'
import { ResizableTh } from './ResizableTh'
import './ContainerTable.css'

interface Column {
  key: SortKey
  numeric?: boolean
  /** folded into the details panel on narrower windows: `xl` below 1200 px, `2xl` below 1450 px */
  wide?: 'xl' | '2xl'
}
const COLUMNS: Column[] = [
  { key: 'name' },
  { key: 'state' },
  { key: 'backend' },
  { key: 'origin', wide: 'xl' },
  { key: 'dependents', numeric: true, wide: '2xl' },
  { key: 'snapshots', numeric: true, wide: '2xl' },
  { key: 'problems', numeric: true },
  { key: 'size', numeric: true }
]

const STATES: ContainerState[] = ['stopped', 'starting', 'running', 'stopping', 'aborting', 'freezing', 'frozen', 'thawed', 'unknown']
/** stands for the name in a translated template, filled per row without i18next */
const NAME = '\u0000'

export function ContainerTable({ rows }: { rows: ContainerInfo[] }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const sort = useContainers((s) => s.sort)
  const sortBy = useContainers((s) => s.sortBy)
  const keys = useSelection((s) => s.keys)
  const byKey = useUsage((s) => s.byKey)
  const measuring = useUsage((s) => s.status === 'measuring')
  const labels = useMemo<RowLabels>(() => {
    const fill = (template: string) => (name: string) => template.split(NAME).join(name)
    return {
      lang,
      state: Object.fromEntries(STATES.map((s) => [s, t(`state.${s}`)])) as Record<ContainerState, string>,
      selectRow: fill(t('containers.selectRow', { name: NAME })),
      actions: fill(t('containers.actions', { name: NAME })),
      hiddenRow: t('containers.hiddenRow'),
      sizeMeasuring: t('containers.sizeMeasuring'),
      sizeUnknown: t('containers.sizeUnknown')
    }
  }, [t, lang])
  const selected = useMemo(() => new Set(keys), [keys])
  const allChecked = rows.length > 0 && rows.every((c) => selected.has(keyOf(c)))
  return (
    <Table aria-label={t('containers.title')} variant="compact" isStickyHeader data-testid="containers-table" gridBreakPoint="">
      <Thead>
        <tr className="pf-v6-c-table__tr">
          <th tabIndex={-1} scope="col" aria-label={t('containers.selectAll')} className="pf-v6-c-table__th pf-v6-c-table__check">
            <div className="pf-v6-c-check pf-m-standalone">
              <input
                id="select-all"
                className="pf-v6-c-check__input"
                type="checkbox"
                aria-label={t('containers.selectAll')}
                checked={allChecked}
                onChange={() => useSelection.getState().setAll(allChecked ? [] : rows.map(keyOf))}
              />
            </div>
          </th>
          {COLUMNS.map((col) => (
            <ResizableTh
              key={col.key}
              column={col.key}
              label={t(`containers.col.${col.key}`)}
              numeric={col.numeric}
              wide={col.wide}
              tooltip={col.key === 'size' ? t('containers.sizeHelp') : undefined}
              sorted={sort.key === col.key ? sort.dir : undefined}
              onSort={() => sortBy(col.key)}
            />
          ))}
          <th tabIndex={-1} scope="col" className="pf-v6-c-table__th">
            <span className="pf-v6-screen-reader">{t('containers.actions', { name: '' })}</span>
          </th>
        </tr>
      </Thead>
      <Tbody>
        {rows.map((c) => {
          const key = keyOf(c)
          const usage = byKey.get(key)
          return <ContainerRow key={key} c={c} selected={selected.has(key)} usage={usage} measuring={!usage && measuring} labels={labels} />
        })}
      </Tbody>
    </Table>
  )
}
