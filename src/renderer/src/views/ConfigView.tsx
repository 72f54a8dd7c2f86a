// A container's config: the raw file, and the expanded view (includes followed) with each
// entry's source file:line; legacy keys flagged with their modern names.
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ConfigView as ConfigData } from '@shared/api'
import { api, errorText } from '../api'
import { keyOf, useContainers } from '../stores/containers'
import { useSelection } from '../stores/selection'
import { Button } from '@patternfly/react-core'
import { ModernizeDialog } from '../components/ModernizeDialog'

export function ConfigView(): React.JSX.Element {
  const { t } = useTranslation()
  const list = useContainers((s) => s.list)
  const focus = useSelection((s) => s.focus)
  const select = useSelection((s) => s.select)
  const c = list.find((x) => keyOf(x) === focus)
  const [tab, setTab] = useState<'raw' | 'expanded'>('expanded')
  const [modernizing, setModernizing] = useState(false)
  const [data, setData] = useState<{ key: string; view: ConfigData | null; error: string | null } | null>(null)

  useEffect(() => {
    if (!c) return
    const key = keyOf(c)
    let live = true
    api.configView({ lxcpath: c.lxcpath, name: c.name }).then(
      (view) => live && setData({ key, view, error: null }),
      (e: unknown) => live && setData({ key, view: null, error: errorText(e) })
    )
    return () => {
      live = false
    }
  }, [c])

  const view = c && data?.key === keyOf(c) ? data : null
  return (
    <section className="pane pad config" data-testid="config-view">
      <div className="toolbar">
        <h2>{t('config.title')}</h2>
        <label className="inline">
          {t('config.pick')}
          <select data-testid="config-pick" value={c ? keyOf(c) : ''} onChange={(e) => select(e.target.value)}>
            <option value="" disabled>
              —
            </option>
            {list.map((x) => (
              <option key={keyOf(x)} value={keyOf(x)}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
        {c?.legacy && (
          <Button variant="secondary" size="sm" data-testid="modernize" onClick={() => setModernizing(true)}>
            {t('config.modernize')}
          </Button>
        )}
        <span className="spacer" />
        <div role="tablist" className="tabs">
          {(['expanded', 'raw'] as const).map((k) => (
            <button key={k} role="tab" aria-selected={tab === k} className={tab === k ? 'tab active' : 'tab'} onClick={() => setTab(k)}>
              {t(`config.${k}`)}
            </button>
          ))}
        </div>
      </div>
      {!c && <p className="muted">{t('config.pickNone')}</p>}
      {c && modernizing && <ModernizeDialog c={c} onClose={() => setModernizing(false)} />}
      {view?.error && <p className="error" role="alert">{t('app.error', { message: view.error })}</p>}
      {view?.view && tab === 'raw' && (
        <>
          <p className="mono muted">{view.view.file}</p>
          <pre className="raw" data-testid="config-raw">{view.view.raw}</pre>
        </>
      )}
      {view?.view && tab === 'expanded' && (
        <>
          <table className="table" data-testid="config-expanded">
            <thead>
              <tr>
                <th>{t('config.key')}</th>
                <th>{t('config.value')}</th>
                <th>{t('config.source')}</th>
              </tr>
            </thead>
            <tbody>
              {view.view.entries.map((e, i) => (
                <tr key={i} className={e.legacy ? 'legacy' : undefined}>
                  <td className="mono">
                    {e.key}
                    {e.legacy && <span className="badge warn-badge">{t('config.legacy', { modern: e.legacy })}</span>}
                  </td>
                  <td className="mono">{e.value}</td>
                  <td className="mono muted">
                    {e.file}:{e.line}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('config.problems')}</h3>
          {view.view.problems.length === 0 ? (
            <p className="muted">{t('config.noProblems')}</p>
          ) : (
            <ul>
              {view.view.problems.map((p, i) => (
                <li key={i} className={p.severity === 'error' ? 'bad' : 'warn'}>
                  <span className="mono">{p.file}:{p.line}</span> {p.message}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  )
}
