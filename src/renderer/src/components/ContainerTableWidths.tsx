// Column widths that hold while the windowed table scrolls. With only the rows in view rendered,
// the browser's automatic widths would follow the rows on screen and the columns would jump at
// every scroll. So: (1) one collapsed row (`visibility: collapse`: no height, not read out, but
// its cells count in the automatic widths) carries each column's longest text over ALL the rows,
// and (2) after the first paint the header cells' widths are read and the table switches to
// fixed layout with them. They are read again when the box's width, the language or the set of
// columns the user sized changes. The name column keeps no fixed width: it takes what is left
// (its text is cut in the middle), so a column the user widens narrows the names, not the page.
import { useEffect, useMemo, useState } from 'react'
import type { ContainerInfo, ContainerUsage } from '@shared/model'
import { formatBytes } from '@shared/format-bytes'
import { NameText } from './NameText'
import { originName } from './OriginInfo'
import type { RowLabels } from './ContainerRow'

const TD = 'pf-v6-c-table__td'
const longest = (texts: Iterable<string>): string => {
  let best = ''
  for (const t of texts) if (t.length > best.length) best = t
  return best
}

/** The collapsed sizer row: the cells' classes as ContainerRow's, each holding its column's longest text. */
export function SizerRow({ rows, byKey, labels }: { rows: ContainerInfo[]; byKey: Map<string, ContainerUsage>; labels: RowLabels }): React.JSX.Element {
  const text = useMemo(() => {
    const max = (f: (c: ContainerInfo) => number): string => String(rows.reduce((m, c) => Math.max(m, f(c)), 0))
    return {
      name: longest(rows.map((c) => c.name)),
      state: longest(Object.values(labels.state)),
      backend: longest(rows.map((c) => c.backend ?? '?')),
      origin: longest(rows.map(originName)),
      dependents: max((c) => c.dependents.length),
      snapshots: max((c) => c.snapshots.length),
      problems: max((c) => c.problems.length),
      size: longest([labels.sizeMeasuring, labels.sizeUnknown, ...[...byKey.values()].map((u) => formatBytes(u.exclusiveBytes, labels.lang))])
    }
  }, [rows, byKey, labels])
  return (
    <tr className="pf-v6-c-table__tr sizer" aria-hidden="true">
      <td className={`${TD} pf-v6-c-table__check`} />
      <td className={`${TD} name pf-m-nowrap`}>
        <NameText name={text.name} className="name-text" />
      </td>
      <td className={`${TD} pf-m-nowrap`}>
        <span className="state state-dot">{text.state}</span>
      </td>
      <td className={`${TD} pf-m-nowrap`}>
        <span className="badge">{text.backend}</span>
      </td>
      <td className={`${TD} pf-m-nowrap pf-m-hidden pf-m-visible-on-xl`}>{text.origin}</td>
      <td className={`${TD} num pf-m-hidden pf-m-visible-on-2xl`}>{text.dependents}</td>
      <td className={`${TD} num pf-m-hidden pf-m-visible-on-2xl`}>{text.snapshots}</td>
      <td className={`${TD} num`}>{text.problems}</td>
      <td className={`${TD} num pf-m-nowrap`}>{text.size}</td>
      <td className={`${TD} pf-v6-c-table__action`} />
    </tr>
  )
}

/**
 * The header cells' widths (by their `data-column`) once read after a paint, or null while the
 * table lays itself out automatically. `ready`: there are rows to measure; `userSized`: the
 * columns with a width the user gave (their set, joined), `lang` the language.
 */
export function useFixedWidths(table: React.RefObject<HTMLElement | null>, ready: boolean, userSized: string, lang: string): Record<string, number> | null {
  const [widths, setWidths] = useState<Record<string, number> | null>(null)
  const [boxWidth, setBoxWidth] = useState(0)
  // back to automatic widths when what they depend on changes
  useEffect(() => setWidths(null), [ready, userSized, lang, boxWidth])
  useEffect(() => {
    const el = table.current?.parentElement
    if (!el) return
    const observer = new ResizeObserver((entries) => setBoxWidth(Math.round(entries[0]!.contentRect.width)))
    observer.observe(el)
    return () => observer.disconnect()
  }, [table])
  useEffect(() => {
    if (widths || !ready) return
    let timer: ReturnType<typeof setTimeout> | undefined
    // after the frame that paints the automatic layout: reading it then forces nothing
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => {
        const read: Record<string, number> = {}
        for (const th of table.current?.querySelectorAll<HTMLElement>('thead th[data-column]') ?? []) {
          const w = th.getBoundingClientRect().width
          if (w > 0 && th.dataset.column !== 'name') read[th.dataset.column!] = w
        }
        setWidths(read)
      }, 0)
    })
    return () => {
      cancelAnimationFrame(frame)
      clearTimeout(timer)
    }
  }, [widths, ready, table])
  return widths
}
