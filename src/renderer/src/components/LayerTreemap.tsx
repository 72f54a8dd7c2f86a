// A treemap of an upper layer: rectangles sized by bytes, coloured by added / modified /
// deleted / opaque (d3-hierarchy for the layout, plain SVG for drawing).
import { useMemo } from 'react'
import { hierarchy, treemap, treemapSquarify } from 'd3-hierarchy'
import type { DiffEntry, DiffKind } from '@shared/model'

interface TNode {
  name: string
  path: string
  kind?: DiffKind
  size: number
  children?: TNode[]
}

/** Nest flat diff entries by path segment; a deletion counts the bytes it hides, so it shows. */
export function diffTree(entries: DiffEntry[]): TNode {
  const root: TNode = { name: '/', path: '/', children: [], size: 0 }
  for (const e of entries) {
    const parts = e.path.split('/').filter(Boolean)
    let cur = root
    parts.forEach((p, i) => {
      cur.children ??= []
      let next = cur.children.find((c) => c.name === p)
      if (!next) {
        next = { name: p, path: '/' + parts.slice(0, i + 1).join('/'), size: 0 }
        cur.children.push(next)
      }
      cur = next
    })
    cur.kind = e.kind
    if (!e.isDir || !cur.children?.length) cur.size = Math.max(1, e.kind === 'deleted' ? e.shadowedBytes : e.bytes)
  }
  return root
}

export function LayerTreemap({ entries, width, height, label }: { entries: DiffEntry[]; width: number; height: number; label: string }): React.JSX.Element {
  const leaves = useMemo(() => {
    const root = hierarchy(diffTree(entries))
      .sum((d) => (d.children?.length ? 0 : d.size))
      .sort((a, b) => (b.value ?? 0) - (a.value ?? 0))
    return treemap<TNode>().size([width, height]).paddingInner(1).tile(treemapSquarify)(root).leaves()
  }, [entries, width, height])
  return (
    <svg width={width} height={height} role="img" aria-label={label} data-testid="treemap">
      {leaves.map((l) => (
        <g key={l.data.path} transform={`translate(${l.x0},${l.y0})`}>
          <rect width={Math.max(0, l.x1 - l.x0)} height={Math.max(0, l.y1 - l.y0)} className={`tm tm-${l.data.kind ?? 'dir'}`}>
            <title>{`${l.data.path} (${l.data.kind ?? ''})`}</title>
          </rect>
          {l.x1 - l.x0 > 60 && l.y1 - l.y0 > 14 && (
            <text x={3} y={11} className="tm-label">{l.data.name}</text>
          )}
        </g>
      ))}
    </svg>
  )
}
