// The zoomed-out overview of a big lineage graph, as plain geometry: one canvas draws every
// node and edge, where a thousand DOM boxes made each frame of a pan cost 30-50 ms. Pure, so it
// is unit-tested; OverviewCanvas draws it.
import type { LineageEdgeKind, LineageNode } from '@shared/model'
import { NODE_H, NODE_W, type Positions } from './layout'

export interface Bounds {
  x: number
  y: number
  width: number
  height: number
}

/** The box around every laid-out node, or null when there is none. */
export function overviewBounds(positions: Positions): Bounds | null {
  let minX = Infinity
  let minY = Infinity
  let maxX = -Infinity
  let maxY = -Infinity
  for (const p of Object.values(positions)) {
    minX = Math.min(minX, p.x)
    minY = Math.min(minY, p.y)
    maxX = Math.max(maxX, p.x + NODE_W)
    maxY = Math.max(maxY, p.y + NODE_H)
  }
  return minX === Infinity ? null : { x: minX, y: minY, width: maxX - minX, height: maxY - minY }
}

/** The node whose box holds the point (flow coordinates), or null. */
export function nodeAtPoint(ids: readonly string[], positions: Positions, point: { x: number; y: number }): string | null {
  for (const id of ids) {
    const p = positions[id]
    if (p && point.x >= p.x && point.x <= p.x + NODE_W && point.y >= p.y && point.y <= p.y + NODE_H) return id
  }
  return null
}

export interface NodeMarks {
  selected: boolean
  match: boolean
  /** a finding about it, or its origin is gone */
  bad: boolean
  /** highlighted by an open dialog (a destroy's subtree) */
  doomed: boolean
}

/** The theme colour a zoomed-out node is filled with: the same rules as `.gnode.far` in styles.css. */
export function overviewFill(node: LineageNode, marks: NodeMarks): '--accent' | '--bad' | '--bg' | '--sel' {
  if (marks.match || marks.selected) return '--accent'
  if (marks.bad || marks.doomed) return '--bad'
  if (node.kind === 'missing' || node.kind === 'snapshot') return '--bg'
  return '--sel'
}

/** The theme colour of an edge of this kind (styles.css `.edge-<kind>`). */
export function edgeStroke(kind: LineageEdgeKind): '--e-lower' | '--e-clone' | '--e-snap' | '--e-copy' {
  const stroke = { 'depends-on-lower': '--e-lower', 'cloned-from': '--e-clone', 'snapshot-of': '--e-snap', 'copied-from': '--e-copy' } as const
  return stroke[kind]
}

/** Canvas pixels per flow unit: sharp at this zoom, but never a canvas over `maxPixels`. */
export function overviewScale(bounds: Bounds, zoom: number, pixelRatio: number, maxPixels = 16_000_000): number {
  const sharp = zoom * pixelRatio
  const area = bounds.width * bounds.height * sharp * sharp
  return area <= maxPixels ? sharp : Math.sqrt(maxPixels / (bounds.width * bounds.height))
}
