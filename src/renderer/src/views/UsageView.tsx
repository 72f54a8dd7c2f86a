// Disk usage: exclusive / shared / freed-if-deleted bars per container and per lineage tree,
// then the selected container's upper layer, when the engine says it has one (`layered`), as a
// treemap and a diff list. Figures come only from main's measurement; when there is none, the
// view says why instead of guessing.
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { LayerDiff } from '@shared/model'
import { api, errorText } from '../api'
import { keyOf, useContainers } from '../stores/containers'
import { useSelection } from '../stores/selection'
import { usePrefs } from '../stores/prefs'
import { formatBytes, treeUsage, useUsage } from '../stores/usage'
import { LayerTreemap } from '../components/LayerTreemap'

function Bars({ label, exclusive, shared, freed, max, lang, note }: { label: string; exclusive: number; shared: number; freed: number; max: number; lang: string; note?: string }): React.JSX.Element {
  const { t } = useTranslation()
  const pct = (n: number): string => `${max > 0 ? (100 * n) / max : 0}%`
  return (
    <div className="ubar" data-testid={`usage-bar-${label}`}>
      <span className="ubar-name">{label}</span>
      <div className="ubar-track" aria-hidden="true">
        <div className="ubar-ex" style={{ width: pct(exclusive) }} />
        <div className="ubar-sh" style={{ width: pct(shared) }} />
      </div>
      <div className="ubar-track" aria-hidden="true"><div className="ubar-fr" style={{ width: pct(freed) }} /></div>
      <span className="small">
        {t('usage.exclusive')} {formatBytes(exclusive, lang)} · {t('usage.shared')} {formatBytes(shared, lang)} · {t('usage.freed')} {formatBytes(freed, lang)}
      </span>
      {/* how the figure was obtained when it is not what the filesystem accounts (e.g. btrfs without quotas) */}
      {note && <span className="small muted" data-testid={`usage-note-${label}`}>{note}</span>}
    </div>
  )
}

export function UsageView(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const list = useContainers((s) => s.list)
  const { status, byKey, error, fetch } = useUsage()
  const focus = useSelection((s) => s.focus)
  const c = list.find((x) => keyOf(x) === focus)
  const [diff, setDiff] = useState<{ diff: LayerDiff | null; error: string | null; loading: boolean }>({ diff: null, error: null, loading: false })

  useEffect(() => {
    if (status === 'idle') void fetch(api, usePrefs.getState().showHidden)
  }, [status, fetch])
  useEffect(() => {
    if (!c?.layered) return setDiff({ diff: null, error: null, loading: false })
    setDiff({ diff: null, error: null, loading: true })
    let live = true
    api.layerDiff({ lxcpath: c.lxcpath, name: c.name }).then(
      (d) => live && setDiff({ diff: d, error: null, loading: false }),
      (e: unknown) => live && setDiff({ diff: null, error: errorText(e), loading: false })
    )
    return () => void (live = false)
  }, [c?.lxcpath, c?.name, c?.layered])

  const trees = useMemo(() => treeUsage(list, byKey), [list, byKey])
  const max = Math.max(1, ...[...byKey.values()].map((u) => u.exclusiveBytes + u.sharedBytes), ...trees.map((x) => x.exclusiveBytes + x.sharedBytes))
  const lang = i18n.language

  return (
    <section className="pane pad usage" data-testid="usage-view" aria-labelledby="usage-title">
      <div className="toolbar">
        <h2 id="usage-title">{t('usage.title')}</h2>
        <button disabled={status === 'measuring'} onClick={() => void fetch(api, usePrefs.getState().showHidden)}>{t('usage.retry')}</button>
        <span className="legend"><span className="sw ubar-ex" /> {t('usage.exclusive')} <span className="sw ubar-sh" /> {t('usage.shared')} <span className="sw ubar-fr" /> {t('usage.freed')}</span>
      </div>
      {status === 'measuring' && <p className="muted" data-testid="usage-status">{t('usage.measuring')}</p>}
      {status === 'unavailable' && <p className="muted" data-testid="usage-status">{t('usage.unavailable', { message: error })}</p>}
      {status === 'ready' && (
        <>
          <h3>{t('usage.perContainer')}</h3>
          {list.map((x) => {
            const u = byKey.get(keyOf(x))
            return u ? <Bars key={keyOf(x)} label={x.name} exclusive={u.exclusiveBytes} shared={u.sharedBytes} freed={u.freedIfDeletedBytes} max={max} lang={lang} note={u.sourceNote} /> : null
          })}
          <h3>{t('usage.perTree')}</h3>
          {trees.map((tr) => (
            <Bars key={tr.root} label={t('usage.tree', { name: tr.root.split('/').pop() })} exclusive={tr.exclusiveBytes} shared={tr.sharedBytes} freed={tr.freedIfDeletedBytes} max={max} lang={lang} />
          ))}
        </>
      )}
      <h3>{c ? t('usage.treemap', { name: c.name }) : t('usage.diff')}</h3>
      {!c?.layered ? (
        <p className="muted" data-testid="diff-status">{t('usage.pick')}</p>
      ) : diff.loading ? (
        <p className="muted" data-testid="diff-status">{t('usage.measuring')}</p>
      ) : diff.error ? (
        <p className="muted" data-testid="diff-status">{t('usage.diffUnavailable', { message: diff.error })}</p>
      ) : diff.diff && diff.diff.entries.length === 0 ? (
        <p className="muted" data-testid="diff-status">{t('usage.noChanges')}</p>
      ) : diff.diff ? (
        <>
          <LayerTreemap entries={diff.diff.entries} width={720} height={280} label={t('usage.treemap', { name: c.name })} />
          <h3>{t('usage.diff')}</h3>
          <table className="table" data-testid="diff-list">
            <thead><tr><th>{t('usage.path')}</th><th>{t('usage.legend')}</th><th>{t('usage.size')}</th></tr></thead>
            <tbody>
              {diff.diff.entries.map((e) => (
                <tr key={e.path} className={`diff-${e.kind}`}>
                  <td className="mono">{JSON.stringify(e.path).slice(1, -1)}</td>
                  <td>{t(`usage.kind.${e.kind}`)}</td>
                  <td className="num">{formatBytes(e.kind === 'deleted' ? e.shadowedBytes : e.bytes, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  )
}
