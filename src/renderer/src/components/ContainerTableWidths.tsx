// Column widths that hold while the windowed table scrolls, without a table layout. The header
// is a CSS grid (ContainerTable.css) whose tracks are each column's natural width: at least the
// longest text of the column over ALL the rows, carried by one hidden row in the header (no
// height, not drawn, not read out), and up to its header's width when there is room; the user's
// width for a column they sized; the name column taking what is left. The body rows are grids of their
// own, placed by position, so they cannot share the header's tracks: the tracks' sizes are read
// from the header (one computed-style read) into the body rows' `grid-template-columns`, whenever
// a header cell changes size (the box's width, a folded column, the language, a longer text, a
// user's resize). A ResizeObserver's callback runs after the layout and before the paint, so the
// rows are never drawn in other columns than the header's; until the first read the rows are not
// laid out at all. The columns are written into one style rule for the rows, not as a custom
// property on the table: a custom property is inherited, so setting it on the table restyled
// every element of every row (~850 before the first paint, and again when the sizes arrived and
// widened their column), where the rule restyles the rows alone (their cells inherit nothing
// from a grid's columns).
import { useLayoutEffect, useMemo } from 'react'
import { useUsage } from '../stores/usage'
import type { ContainerInfo } from '@shared/model'
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

/** The hidden sizer row (in the header): the cells' classes as ContainerRow's, each holding its column's longest text. */
export function SizerRow({ rows, labels }: { rows: ContainerInfo[]; labels: RowLabels }): React.JSX.Element {
  const text = useMemo(() => {
    const max = (f: (c: ContainerInfo) => number): string => String(rows.reduce((m, c) => Math.max(m, f(c)), 0))
    return {
      name: longest(rows.map((c) => c.name)),
      state: longest(Object.values(labels.state)),
      backend: longest(rows.map((c) => c.backend ?? '?')),
      origin: longest(rows.map(originName)),
      dependents: max((c) => c.dependents.length),
      snapshots: max((c) => c.snapshots.length),
      problems: max((c) => c.problems.length)
    }
  }, [rows, labels])
  return (
    <tr className="pf-v6-c-table__tr ct-sizer" aria-hidden="true" role="presentation">
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
      <SizerSizeCell labels={labels} />
      <td className={`${TD} pf-v6-c-table__action`}>
        <button type="button" tabIndex={-1} className="pf-v6-c-menu-toggle pf-m-plain kebab-toggle" />
      </td>
    </tr>
  )
}

/** The sizer's size cell: the longest of the sizes (and of "measuring…"), drawn again alone when they arrive. */
function SizerSizeCell({ labels }: { labels: RowLabels }): React.JSX.Element {
  const byKey = useUsage((s) => s.byKey)
  const text = useMemo(
    () => longest([labels.sizeMeasuring, labels.sizeUnknown, ...[...byKey.values()].map((u) => formatBytes(u.exclusiveBytes, labels.lang))]),
    [byKey, labels]
  )
  return <td className={`${TD} num pf-m-nowrap`}>{text}</td>
}

/**
 * Keeps the body rows' columns equal to `table`'s header's tracks, in a style rule of its own
 * (`.ct > tbody > tr.row`), which hides the rows until the tracks are first read. Set outside
 * React: a column's size changes only the rows' style, no render.
 */
export function useColumnTracks(table: React.RefObject<HTMLTableElement | null>): void {
  // set before the first paint: the observer's first call comes in that frame, after its layout
  useLayoutEffect(() => {
    const head = table.current?.tHead
    if (!head) return
    const style = document.createElement('style')
    style.textContent = '.ct > tbody > tr.row { display: none; }'
    document.head.append(style)
    const rule = style.sheet!.cssRules[0] as CSSStyleRule
    let columns = ''
    const read = (): void => {
      const next = getComputedStyle(head).gridTemplateColumns
      if (next === columns) return
      columns = next
      rule.style.cssText = `grid-template-columns: ${next}`
    }
    const observer = new ResizeObserver(read)
    for (const th of head.rows[0]?.cells ?? []) observer.observe(th, { box: 'border-box' })
    return () => {
      observer.disconnect()
      style.remove()
    }
  }, [table])
}
