// Keeps a graph still while it changes: when nodes are added or removed, every node that was
// there keeps its place, a new one goes in its origin's next column at the first free row at or
// below its origin (a new root below everything), and a removed one leaves a gap. The next
// full layout ("Tidy") closes the gaps. Pure, so it is unit-tested.
import type { LineageGraph } from '@shared/model'
import { NODE_H, NODE_W, type Positions } from './layout'
import { LAYER_GAP, NODE_GAP, TREE_GAP, primaryParents } from './forestLayout'

/** Below this share of known nodes, the graph is a different one: lay it out afresh. */
const MOSTLY_KNOWN = 0.5

/** Positions that keep `prev` for the nodes still there, or null when too little is known. */
export function extendLayout(prev: Positions, g: LineageGraph): Positions | null {
  const known = g.nodes.filter((n) => prev[n.id])
  if (!g.nodes.length || known.length < g.nodes.length * MOSTLY_KNOWN) return null
  const out: Positions = {}
  for (const n of known) out[n.id] = prev[n.id]!
  if (known.length === g.nodes.length) return out

  const parents = primaryParents(g)
  const placed = Object.values(out)
  const free = (x: number, y: number): boolean =>
    !placed.some((p) => x < p.x + NODE_W + NODE_GAP && p.x < x + NODE_W + NODE_GAP && y < p.y + NODE_H + NODE_GAP && p.y < y + NODE_H + NODE_GAP)
  const place = (id: string, x: number, y: number): void => {
    while (!free(x, y)) y += NODE_H + NODE_GAP
    out[id] = { x, y }
    placed.push(out[id])
  }
  // Origins before what depends on them, so a new clone of a new base goes next to it.
  let pending = g.nodes.filter((n) => !out[n.id]).map((n) => n.id)
  while (pending.length) {
    const next = pending.filter((id) => {
      const p = parents.get(id)
      return p !== undefined && !out[p] && pending.includes(p)
    })
    for (const id of pending) {
      if (next.includes(id)) continue
      const p = parents.get(id)
      const origin = p !== undefined ? out[p] : undefined
      if (origin) place(id, origin.x + NODE_W + LAYER_GAP, origin.y)
      else place(id, Math.min(...placed.map((q) => q.x)), Math.max(...placed.map((q) => q.y + NODE_H)) + TREE_GAP)
    }
    // a cycle of new nodes: place the rest as roots
    pending = next.length === pending.length ? [] : next
    if (next.length && !pending.length) for (const id of next) place(id, 0, Math.max(...placed.map((q) => q.y + NODE_H)) + TREE_GAP)
  }
  return out
}
