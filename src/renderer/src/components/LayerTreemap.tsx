// A treemap of an upper layer, grouped by directory: the current directory's entries as blocks
// sized by the bytes they hold in the upper, a directory's block holding its own entries one
// level down; a click (or Enter) on a directory zooms into it, the breadcrumb goes back.
// Coloured by added / modified / deleted / opaque. A deletion is a whiteout of 0 bytes: it gets
// a sliver, never a block as big as what it hides. It fills the width it is given.
import { useEffect, useMemo, useRef, useState } from 'react'
import { hierarchy, treemap, treemapSquarify, type HierarchyNode } from 'd3-hierarchy'
import { Breadcrumb, BreadcrumbItem, Button } from '@patternfly/react-core'
import { useTranslation } from 'react-i18next'
import type { DiffEntry, DiffKind } from '@shared/model'
import { formatBytes } from '../stores/usage'

export interface TNode {
  name: string
  path: string
  /** the change recorded for this path itself (a directory may have none: it only holds changes) */
  kind?: DiffKind
  /** bytes in the upper: its own (a file) */
  bytes: number
  children?: TNode[]
}

/** Nest flat diff entries by path segment. */
export function diffTree(entries: readonly DiffEntry[]): TNode {
  const root: TNode = { name: '/', path: '/', bytes: 0 }
  const index = new Map<string, TNode>([['/', root]])
  for (const e of entries) {
    const parts = e.path.split('/').filter(Boolean)
    let cur = root
    for (let i = 0; i < parts.length; i++) {
      const path = '/' + parts.slice(0, i + 1).join('/')
      let next = index.get(path)
      if (!next) {
        next = { name: parts[i]!, path, bytes: 0 }
        ;(cur.children ??= []).push(next)
        index.set(path, next)
      }
      cur = next
    }
    cur.kind = e.kind
    cur.bytes = e.kind === 'deleted' ? 0 : e.bytes
  }
  return root
}

/** The node at `path` in the tree, or the root when it is gone. */
export function findDir(root: TNode, path: string): TNode {
  if (path === '/') return root
  let cur = root
  for (const part of path.split('/').filter(Boolean)) {
    const next = cur.children?.find((c) => c.name === part)
    if (!next) return root
    cur = next
  }
  return cur
}

/** Total bytes under a node (itself and everything in it), computed once per node. */
const totals = new WeakMap<TNode, number>()
export function totalBytes(n: TNode): number {
  let sum = totals.get(n)
  if (sum === undefined) {
    // a directory's entry counts what it holds, which its children already do
    sum = n.children?.length ? 0 : n.bytes
    for (const c of n.children ?? []) sum += totalBytes(c)
    totals.set(n, sum)
  }
  return sum
}

function depthUnder(root: TNode, d: TNode): number {
  const rel = root.path === '/' ? d.path : d.path.slice(root.path.length)
  return rel.split('/').filter(Boolean).length
}

/**
 * The blocks under `root`, `depth` levels deep, each weighing its bytes (a directory cut off at
 * the depth limit: all it holds), but at least a sliver (a few thousandths of the whole), so a
 * whiteout or an empty file shows without outgrowing anything that holds bytes.
 */
export function weighted(root: TNode, depth = 2): HierarchyNode<TNode> {
  const floor = Math.max(1, totalBytes(root) * 0.003)
  const open = (d: TNode): boolean => !!d.children?.length && depthUnder(root, d) < depth
  return hierarchy(root, (d) => (open(d) ? d.children : undefined))
    .sum((d) => (open(d) ? 0 : Math.max(floor, d.children?.length ? totalBytes(d) : d.bytes)))
    .sort((a, b) => (b.value ?? 0) - (a.value ?? 0))
}

export const KINDS: DiffKind[] = ['added', 'modified', 'deleted', 'opaque']

export function LayerTreemap({ entries, label, dir, onDir }: { entries: readonly DiffEntry[]; label: string; dir: string; onDir(path: string): void }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const box = useRef<HTMLDivElement>(null)
  const [width, setWidth] = useState(0)
  useEffect(() => {
    const el = box.current
    if (!el) return
    const ro = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)))
    ro.observe(el)
    return () => ro.disconnect()
  }, [])
  // wide and low enough that the change table starts in view at 1024x700
  const height = Math.round(Math.min(380, Math.max(180, width * 0.26)))
  const tree = useMemo(() => diffTree(entries), [entries])
  const current = findDir(tree, dir)
  const nodes = useMemo(() => {
    if (!width) return []
    const laid = treemap<TNode>().size([width, height]).paddingInner(2).paddingTop((n) => (n.depth === 1 && n.children ? 18 : 0)).tile(treemapSquarify)(weighted(current))
    // at most two levels under the current directory, and nothing under a few pixels
    return laid.descendants().filter((n) => n.depth > 0 && (n.x1 - n.x0) * (n.y1 - n.y0) >= 6)
  }, [current, width, height])
  const crumbs = dir.split('/').filter(Boolean)
  const size = (n: TNode): string => formatBytes(totalBytes(n), i18n.language)

  return (
    <div className="treemap-wrap">
      <Breadcrumb aria-label={t('usage.breadcrumb')} data-testid="treemap-breadcrumb">
        <BreadcrumbItem isActive={!crumbs.length}>
          {crumbs.length ? <Button variant="link" isInline onClick={() => onDir('/')}>/</Button> : '/'}
        </BreadcrumbItem>
        {crumbs.map((c, i) => {
          const path = '/' + crumbs.slice(0, i + 1).join('/')
          const last = i === crumbs.length - 1
          return (
            <BreadcrumbItem key={path} isActive={last}>
              {last ? JSON.stringify(c).slice(1, -1) : <Button variant="link" isInline onClick={() => onDir(path)}>{JSON.stringify(c).slice(1, -1)}</Button>}
            </BreadcrumbItem>
          )
        })}
      </Breadcrumb>
      <div ref={box} className="treemap-box">
        {width > 0 && (
          <svg width={width} height={height} role="group" aria-label={label} data-testid="treemap">
            {nodes.map((n) => {
              const w = n.x1 - n.x0
              const h = n.y1 - n.y0
              const d = n.data
              const isDir = !!d.children?.length
              const name = JSON.stringify(d.name).slice(1, -1)
              // a click anywhere in a directory's block (on what it holds too) zooms into it
              const top = n.depth === 1 ? n : n.ancestors().find((a) => a.depth === 1)!
              const zoomable = !!top.data.children?.length
              const zoom = (): void => onDir(top.data.path)
              const text = `${name} ${d.kind === 'deleted' ? '0 B' : size(d)}`
              return (
                <g
                  key={d.path}
                  transform={`translate(${n.x0},${n.y0})`}
                  className={`tm-node depth-${n.depth}${zoomable ? ' tm-dirnode' : ''}`}
                  data-testid={`tm-${d.path}`}
                  onClick={zoomable ? zoom : undefined}
                  {...(isDir && n.depth === 1
                    ? { role: 'button', tabIndex: 0, 'aria-label': t('usage.zoomInto', { path: d.path, size: size(d) }), onKeyDown: (e: React.KeyboardEvent) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), zoom()) }
                    : {})}
                >
                  <rect width={Math.max(0, w)} height={Math.max(0, h)} className={`tm tm-${d.kind ?? 'dir'}${isDir ? ' tm-group' : ''}`}>
                    <title>{`${d.path}\n${d.kind ? t(`usage.kind.${d.kind}`) : t('usage.directory')} · ${d.kind === 'deleted' ? t('usage.whiteout') : size(d)}`}</title>
                  </rect>
                  {w > 56 && h > 15 && (n.depth === 1 || h > 30) && (
                    <text x={4} y={13} className={`tm-label${isDir ? ' tm-label-dir' : ''}${n.depth > 1 ? ' tm-label-inner' : ''}`}>
                      {text.length * 6.2 > w - 8 ? name.slice(0, Math.max(1, Math.floor((w - 8) / 6.2) - 1)) + '…' : text}
                    </text>
                  )}
                </g>
              )
            })}
          </svg>
        )}
      </div>
      <div className="tm-legend" aria-label={t('usage.colorLegend')} data-testid="treemap-legend">
        {KINDS.map((k) => (
          <span key={k} className="tm-legend-item">
            <svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" className={`tm tm-${k}`} /></svg>
            {k === 'deleted' ? t('usage.whiteout') : t(`usage.kind.${k}`)}
          </span>
        ))}
        <span className="tm-legend-item">
          <svg width="14" height="14" aria-hidden="true"><rect width="14" height="14" className="tm tm-dir tm-group" /></svg>
          {t('usage.directory')}
        </span>
        <span className="muted small">{t('usage.zoomHint')}</span>
      </div>
    </div>
  )
}
