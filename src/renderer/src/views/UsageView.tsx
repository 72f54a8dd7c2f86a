// Disk usage. A container picked here (the selected one to start with): its figures, then its
// upper layer, when the engine says it has one (`layered`), as a treemap grouped by directory
// and a sortable table of changes; then every container's figures and every lineage tree's.
// Figures come only from main's measurement (each defined in the help popover and the README so
// that du and df can check them); while main measures, the view says so.
import './usage.css'
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  Alert,
  Button,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  MenuToggle,
  Popover,
  Select,
  SelectList,
  SelectOption,
  Spinner,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem
} from '@patternfly/react-core'
import { Table, Tbody, Td, Th, Thead, Tr, type ThProps } from '@patternfly/react-table'
import OutlinedQuestionCircleIcon from '@patternfly/react-icons/dist/esm/icons/outlined-question-circle-icon'
import SyncAltIcon from '@patternfly/react-icons/dist/esm/icons/sync-alt-icon'
import type { ContainerInfo, DiffEntry, LayerDiff } from '@shared/model'
import { api, errorText } from '../api'
import { keyOf, useContainers } from '../stores/containers'
import { useSelection } from '../stores/selection'
import { usePrefs } from '../stores/prefs'
import { formatBytes, treeUsage, useUsage } from '../stores/usage'
import { useLxcpaths } from '../stores/lxcpaths'
import { LayerTreemap } from '../components/LayerTreemap'
import { useHeldTrue } from '../hooks/useHeldTrue'
import { saidText } from '../i18n/said'

/** Rows drawn at most in the diff table; the treemap and the totals cover the rest. */
const DIFF_ROWS = 500

type Sort = { index: number; direction: 'asc' | 'desc' }

/** A sortable table's header cell props and its row order, for columns read by `value`. */
function useSortable<T>(rows: readonly T[], columns: ((r: T) => string | number)[], initial: Sort): { sorted: T[]; sortProps(index: number): ThProps['sort'] } {
  const [sort, setSort] = useState<Sort>(initial)
  const sorted = useMemo(() => {
    const get = columns[sort.index]!
    const out = [...rows].sort((a, b) => {
      const x = get(a)
      const y = get(b)
      return typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))
    })
    return sort.direction === 'asc' ? out : out.reverse()
    // the column readers are fixed per table
  }, [rows, sort])
  const sortProps = (index: number): ThProps['sort'] => ({
    sortBy: { index: sort.index, direction: sort.direction },
    onSort: (_e, i, direction) => setSort({ index: i, direction }),
    columnIndex: index
  })
  return { sorted, sortProps }
}

function HelpPopover(): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <Popover
      headerContent={t('usage.help.title')}
      bodyContent={
        <div className="usage-help" data-testid="usage-help">
          {(['exclusive', 'shared', 'freed', 'tree'] as const).map((k) => (
            <p key={k}>{t(`usage.help.${k}`)}</p>
          ))}
        </div>
      }
      maxWidth="32rem"
    >
      <Button variant="plain" aria-label={t('usage.helpButton')} data-testid="usage-help-button" icon={<OutlinedQuestionCircleIcon />} />
    </Popover>
  )
}

function Picker({ list, picked, onPick }: { list: ContainerInfo[]; picked: ContainerInfo | undefined; onPick(key: string): void }): React.JSX.Element {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  return (
    <Select
      isOpen={open}
      selected={picked ? keyOf(picked) : undefined}
      onSelect={(_e, v) => {
        onPick(String(v))
        setOpen(false)
      }}
      onOpenChange={setOpen}
      isScrollable
      toggle={(ref) => (
        <MenuToggle ref={ref} onClick={() => setOpen(!open)} isExpanded={open} data-testid="usage-picker" aria-label={t('usage.picker')} style={{ minWidth: 200 }}>
          {picked ? picked.name : t('usage.pickerNone')}
        </MenuToggle>
      )}
    >
      <SelectList aria-label={t('usage.picker')}>
        {list.map((c) => (
          <SelectOption key={keyOf(c)} value={keyOf(c)} description={`${c.backend ?? '?'}${c.layered ? ` · ${t('usage.pickerLayered')}` : ''}`} data-testid={`usage-pick-${c.name}`}>
            {c.name}
          </SelectOption>
        ))}
      </SelectList>
    </Select>
  )
}

function DiffTable({ entries, lang }: { entries: readonly DiffEntry[]; lang: string }): React.JSX.Element {
  const { t } = useTranslation()
  const { sorted, sortProps } = useSortable(entries, [(e) => e.path, (e) => e.kind, (e) => (e.kind === 'deleted' ? 0 : e.bytes), (e) => e.shadowedBytes], { index: 2, direction: 'desc' })
  const shown = sorted.slice(0, DIFF_ROWS)
  return (
    <>
      <Table aria-label={t('usage.diff')} variant="compact" data-testid="diff-list" className="usage-table">
        <Thead>
          <Tr>
            <Th sort={sortProps(0)}>{t('usage.columns.path')}</Th>
            <Th sort={sortProps(1)} modifier="nowrap">{t('usage.columns.change')}</Th>
            <Th sort={sortProps(2)} className="num" modifier="nowrap">{t('usage.columns.inUpper')}</Th>
            <Th sort={sortProps(3)} className="num" modifier="nowrap">{t('usage.columns.hidden')}</Th>
          </Tr>
        </Thead>
        <Tbody>
          {shown.map((e) => (
            <Tr key={e.path} className={`diff-${e.kind}`}>
              <Td dataLabel={t('usage.columns.path')} className="mono path-cell">{JSON.stringify(e.path).slice(1, -1)}</Td>
              <Td dataLabel={t('usage.columns.change')} modifier="nowrap">
                <span className={`sw tm-${e.kind}`} aria-hidden="true" /> {t(`usage.kind.${e.kind}`)}
              </Td>
              <Td dataLabel={t('usage.columns.inUpper')} className="num">{formatBytes(e.kind === 'deleted' ? 0 : e.bytes, lang)}</Td>
              <Td dataLabel={t('usage.columns.hidden')} className="num">{e.shadowedBytes ? formatBytes(e.shadowedBytes, lang) : '—'}</Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      {sorted.length > DIFF_ROWS && <p className="muted small">{t('usage.moreRows', { shown: DIFF_ROWS, count: sorted.length })}</p>}
    </>
  )
}

function ContainersTable({ list, lang, picked, onPick }: { list: ContainerInfo[]; lang: string; picked: string | null; onPick(key: string): void }): React.JSX.Element {
  const { t } = useTranslation()
  const byKey = useUsage((s) => s.byKey)
  const rows = useMemo(() => list.flatMap((c) => (byKey.get(keyOf(c)) ? [{ c, u: byKey.get(keyOf(c))! }] : [])), [list, byKey])
  const { sorted, sortProps } = useSortable(rows, [(r) => r.c.name, (r) => r.c.backend ?? '', (r) => r.u.exclusiveBytes, (r) => r.u.sharedBytes, (r) => r.u.freedIfDeletedBytes], { index: 2, direction: 'desc' })
  const max = Math.max(1, ...rows.map((r) => r.u.exclusiveBytes + r.u.sharedBytes))
  const pct = (n: number): string => `${(100 * n) / max}%`
  return (
    <Table aria-label={t('usage.perContainer')} variant="compact" data-testid="usage-table" className="usage-table">
      <Thead>
        <Tr>
          <Th sort={sortProps(0)} width={25}>{t('containers.col.name')}</Th>
          <Th sort={sortProps(1)} modifier="fitContent">{t('containers.col.backend')}</Th>
          <Th sort={sortProps(2)} className="num" modifier="nowrap">{t('usage.exclusive')}</Th>
          <Th sort={sortProps(3)} className="num" modifier="nowrap">{t('usage.shared')}</Th>
          <Th sort={sortProps(4)} className="num" modifier="nowrap">{t('usage.freed')}</Th>
          {/* the bars' legend heads their column: what the blue and the grey stand for */}
          <Th className="bar-cell" width={20} aria-label={t('usage.proportion')}>
            <span className="tm-legend ubar-legend" data-testid="usage-bar-legend">
              <span className="tm-legend-item"><span className="sw ubar-ex" aria-hidden="true" />{t('usage.exclusive')}</span>
              <span className="tm-legend-item"><span className="sw ubar-sh" aria-hidden="true" />{t('usage.shared')}</span>
            </span>
          </Th>
        </Tr>
      </Thead>
      <Tbody>
        {sorted.map(({ c, u }) => (
          <Tr key={keyOf(c)} isClickable isRowSelected={keyOf(c) === picked} onRowClick={() => onPick(keyOf(c))} data-testid={`usage-bar-${c.name}`}>
            <Td dataLabel={t('containers.col.name')} className="name-cell" title={c.name}>{c.name}</Td>
            <Td dataLabel={t('containers.col.backend')}>{c.backend ?? '?'}</Td>
            <Td dataLabel={t('usage.exclusive')} className="num">{formatBytes(u.exclusiveBytes, lang)}</Td>
            <Td dataLabel={t('usage.shared')} className="num">{formatBytes(u.sharedBytes, lang)}</Td>
            <Td dataLabel={t('usage.freed')} className="num">{formatBytes(u.freedIfDeletedBytes, lang)}</Td>
            <Td className="bar-cell" aria-hidden="true" title={u.sourceNote && saidText(u.sourceNoteSaid, u.sourceNote)}>
              <div className="ubar-track">
                <div className="ubar-ex" style={{ width: pct(u.exclusiveBytes) }} />
                <div className="ubar-sh" style={{ width: pct(u.sharedBytes) }} />
              </div>
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  )
}

function TreesTable({ list, lang }: { list: ContainerInfo[]; lang: string }): React.JSX.Element {
  const { t } = useTranslation()
  const byKey = useUsage((s) => s.byKey)
  const trees = useMemo(() => treeUsage(list, byKey), [list, byKey])
  const { sorted, sortProps } = useSortable(trees, [(x) => x.root, (x) => x.members.length, (x) => x.onDiskBytes, (x) => x.savedBytes], { index: 2, direction: 'desc' })
  if (!trees.length) return <p className="muted" data-testid="usage-trees-none">{t('usage.noTrees')}</p>
  const name = (key: string): string => key.slice(key.lastIndexOf('/') + 1)
  return (
    <Table aria-label={t('usage.perTree')} variant="compact" data-testid="usage-trees" className="usage-table">
      <Thead>
        <Tr>
          <Th sort={sortProps(0)}>{t('usage.treeRoot')}</Th>
          <Th sort={sortProps(1)} className="num">{t('usage.treeMembers')}</Th>
          <Th sort={sortProps(2)} className="num" modifier="nowrap">{t('usage.onDisk')}</Th>
          <Th sort={sortProps(3)} className="num" modifier="nowrap">{t('usage.saved')}</Th>
        </Tr>
      </Thead>
      <Tbody>
        {sorted.map((x) => (
          <Tr key={x.root} data-testid={`usage-tree-${name(x.root)}`}>
            <Td dataLabel={t('usage.treeRoot')} title={x.members.map(name).join(', ')}>{t('usage.tree', { name: name(x.root) })}</Td>
            <Td dataLabel={t('usage.treeMembers')} className="num">{x.members.length}</Td>
            <Td dataLabel={t('usage.onDisk')} className="num">{formatBytes(x.onDiskBytes, lang)}</Td>
            <Td dataLabel={t('usage.saved')} className="num">{formatBytes(x.savedBytes, lang)}</Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  )
}

/** The picked container's upper layer: fetched again whenever usage is measured again. */
function useLayerDiff(c: ContainerInfo | undefined, measuredAt: unknown): { diff: LayerDiff | null; error: string | null; loading: boolean } {
  const [state, setState] = useState<{ key: string | null; diff: LayerDiff | null; error: string | null }>({ key: null, diff: null, error: null })
  const key = c?.layered ? keyOf(c) : null
  useEffect(() => {
    if (!c?.layered) return
    let live = true
    api.layerDiff({ lxcpath: c.lxcpath, name: c.name }).then(
      (d) => live && setState({ key: keyOf(c), diff: d, error: null }),
      (e: unknown) => live && setState({ key: keyOf(c), diff: null, error: errorText(e) })
    )
    return () => void (live = false)
  }, [key, measuredAt])
  // the last diff stays on screen while the same container's is fetched again
  return state.key === key ? { ...state, loading: false } : { diff: null, error: null, loading: key !== null }
}

/** The least time "Measuring again…" stays on screen once shown. */
const MEASURING_SHOWN_MS = 600

export function UsageView(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const list = useContainers((s) => s.list)
  const status = useUsage((s) => s.status)
  const byKey = useUsage((s) => s.byKey)
  const error = useUsage((s) => s.error)
  const focus = useSelection((s) => s.focus)
  // the selected container to start with, else the first with an upper layer to show
  const [pickedKey, setPickedKey] = useState<string | null>(() => focus ?? ((c) => (c ? keyOf(c) : null))(list.find((c) => c.layered) ?? list[0]))
  const picked = list.find((x) => keyOf(x) === pickedKey)
  const [dir, setDir] = useState('/')
  const diff = useLayerDiff(picked, byKey)
  const lang = i18n.language
  const u = picked ? byKey.get(keyOf(picked)) : undefined
  // a change's measurement takes milliseconds: held on screen long enough to be seen
  const measuring = useHeldTrue(useUsage((s) => s.measuring) || status === 'measuring', MEASURING_SHOWN_MS)
  const quotaNote = useUsage((s) => s.quotaNote)

  // While the page is open, the figures follow the engine's usage watch (an upper written to is
  // measured again by itself); `measuring` says when a measurement is under way, a whole one or a change's.
  const lxcpaths = useLxcpaths((s) => s.list)
  useEffect(() => (lxcpaths.length ? useUsage.getState().watch(api, usePrefs.getState().showHidden, lxcpaths) : undefined), [lxcpaths])
  const pick = (key: string): void => {
    setPickedKey(key)
    setDir('/')
  }
  const inDir = useMemo(() => (diff.diff ? (dir === '/' ? diff.diff.entries : diff.diff.entries.filter((e) => e.path.startsWith(dir + '/'))) : []), [diff.diff, dir])

  return (
    <section className="pane usage" data-testid="usage-view" aria-labelledby="usage-title">
      <Toolbar inset={{ default: 'insetSm' }} className="usage-toolbar">
        <ToolbarContent>
          <ToolbarItem>
            <Title headingLevel="h2" size="lg" id="usage-title">{t('usage.title')}</Title>
          </ToolbarItem>
          <ToolbarItem>
            <Picker list={list} picked={picked} onPick={pick} />
          </ToolbarItem>
          <ToolbarItem>
            <Button variant="secondary" icon={<SyncAltIcon />} isDisabled={measuring} onClick={() => void useUsage.getState().fetch(api, usePrefs.getState().showHidden)}>{t('usage.retry')}</Button>
          </ToolbarItem>
          <ToolbarItem>
            <HelpPopover />
          </ToolbarItem>
          {measuring && (
            <ToolbarItem alignSelf="center">
              <span className="muted" data-testid="usage-status" role="status">
                <Spinner size="md" aria-hidden="true" /> {byKey.size ? t('usage.measuringAgain') : t('usage.measuring')}
              </span>
            </ToolbarItem>
          )}
        </ToolbarContent>
      </Toolbar>
      <div className="usage-body">
        {quotaNote && <p className="muted small" data-testid="usage-quota-note">{typeof quotaNote === 'string' ? quotaNote : saidText(quotaNote)}</p>}
        {status === 'unavailable' && <Alert variant="warning" isInline title={t('usage.unavailable', { message: error })} data-testid="usage-status" />}
        {picked && (
          <>
            {u ? (
              <DescriptionList isCompact columnModifier={{ default: '3Col' }} data-testid="usage-summary" className="usage-summary" aria-label={picked.name}>
                <DescriptionListGroup>
                  <DescriptionListTerm>{t('usage.exclusive')}</DescriptionListTerm>
                  <DescriptionListDescription className="num" data-testid="usage-exclusive">{formatBytes(u.exclusiveBytes, lang)}</DescriptionListDescription>
                </DescriptionListGroup>
                <DescriptionListGroup>
                  <DescriptionListTerm>{t('usage.shared')}</DescriptionListTerm>
                  <DescriptionListDescription className="num" data-testid="usage-shared">{formatBytes(u.sharedBytes, lang)}</DescriptionListDescription>
                </DescriptionListGroup>
                <DescriptionListGroup>
                  <DescriptionListTerm>{t('usage.freed')}</DescriptionListTerm>
                  <DescriptionListDescription className="num" data-testid="usage-freed">{formatBytes(u.freedIfDeletedBytes, lang)}</DescriptionListDescription>
                </DescriptionListGroup>
              </DescriptionList>
            ) : null}
            {u?.sourceNote && <p className="muted small" data-testid={`usage-note-${picked.name}`}>{saidText(u.sourceNoteSaid, u.sourceNote)}</p>}
            {!u && status !== 'unavailable' && <p className="muted">{t('usage.measuring')}</p>}
            <Title headingLevel="h3" size="md">{t('usage.treemap', { name: picked.name })}</Title>
            {!picked.layered ? (
              <p className="muted" data-testid="diff-status">{t('usage.notLayered', { name: picked.name, backend: picked.backend ?? '?' })}</p>
            ) : diff.loading ? (
              <p className="muted" data-testid="diff-status"><Spinner size="md" aria-hidden="true" /> {t('usage.measuring')}</p>
            ) : diff.error ? (
              <p className="muted" data-testid="diff-status">{t('usage.diffUnavailable', { message: diff.error })}</p>
            ) : diff.diff && diff.diff.entries.length === 0 ? (
              <p className="muted" data-testid="diff-status">{t('usage.noChanges')}</p>
            ) : diff.diff ? (
              <>
                <LayerTreemap entries={diff.diff.entries} label={t('usage.treemap', { name: picked.name })} dir={dir} onDir={setDir} />
                <Title headingLevel="h3" size="md">
                  {t('usage.diff')} <span className="muted small">({t('usage.entries', { count: inDir.length })})</span>
                </Title>
                <DiffTable entries={inDir} lang={lang} />
              </>
            ) : null}
          </>
        )}
        {byKey.size > 0 && (
          <>
            <Title headingLevel="h3" size="md">{t('usage.perContainer')}</Title>
            <ContainersTable list={list} lang={lang} picked={picked ? keyOf(picked) : null} onPick={pick} />
            <Title headingLevel="h3" size="md">{t('usage.perTree')}</Title>
            <TreesTable list={list} lang={lang} />
          </>
        )}
      </div>
    </section>
  )
}
