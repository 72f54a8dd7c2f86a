// The edges the graph draws: each node's direct relation, once. LXC records more than that: an
// overlay clone of a clone reads its base's rootfs too and is listed in the base's
// lxc_snapshots, and one pair can be related twice (a snapshot clone both reads its origin as
// a lower and was cloned from it). Those extra edges are kept for the details (`transitive`),
// not drawn. Pure, so it is unit-tested; the layout places nodes by the drawn edges.
import type { LineageEdge, LineageEdgeKind, LineageGraph } from '@shared/model'

/** For one pair, the kind that says the most: a snapshot, then reading it as a lower, then a copy, then a clone record. */
const KIND_ORDER: readonly LineageEdgeKind[] = ['snapshot-of', 'depends-on-lower', 'copied-from', 'cloned-from']

export interface DirectEdges {
  /** one edge per (dependent, direct origin) pair */
  drawn: LineageEdge[]
  /** per dependent: the relations LXC records that are implied by the drawn ones */
  transitive: Map<string, LineageEdge[]>
}

/**
 * An edge n -> t is transitive when another target u of n reaches t (u -> ... -> t): n's
 * direct origin is u, and t comes with it. A snapshot's owner is always its direct relation.
 */
export function directEdges(g: LineageGraph): DirectEdges {
  const ids = new Set(g.nodes.map((n) => n.id))
  const out = new Map<string, LineageEdge[]>()
  for (const e of g.edges) {
    if (e.from === e.to || !ids.has(e.from) || !ids.has(e.to)) continue
    const list = out.get(e.from)
    if (list) list.push(e)
    else out.set(e.from, [e])
  }
  // Whether `from` reaches `to` along recorded edges; lineages are shallow, the walk is short.
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set([from])
    const stack = [from]
    while (stack.length) {
      for (const e of out.get(stack.pop()!) ?? []) {
        if (e.to === to) return true
        if (!seen.has(e.to)) {
          seen.add(e.to)
          stack.push(e.to)
        }
      }
    }
    return false
  }
  const drawn: LineageEdge[] = []
  const transitive = new Map<string, LineageEdge[]>()
  for (const n of g.nodes) {
    const edges = out.get(n.id)
    if (!edges) continue
    const owner = edges.find((e) => e.kind === 'snapshot-of')
    const targets = [...new Set(edges.map((e) => e.to))]
    const direct = owner ? [owner.to] : targets.filter((t) => !targets.some((u) => u !== t && reaches(u, t)))
    // a cycle leaves no target unreached: then every target is drawn, as recorded
    const mine = new Set<LineageEdge>()
    for (const t of direct.length ? direct : targets) {
      const pair = edges.filter((e) => e.to === t)
      mine.add(pair.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind))[0]!)
    }
    drawn.push(...mine)
    const rest = edges.filter((e) => !mine.has(e))
    if (rest.length) transitive.set(n.id, rest)
  }
  return { drawn, transitive }
}

/** The graph with only its drawn edges (what the layout places nodes by). */
export function directGraph(g: LineageGraph, d: DirectEdges = directEdges(g)): LineageGraph {
  return { ...g, edges: d.drawn }
}
