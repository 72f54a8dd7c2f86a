// The lineage graph <-> ELK's input/output. Pure, so it is unit-tested and also used by the
// worker. Origins are laid out left of what depends on them (edges reversed for ELK).
import type { LineageGraph } from '@shared/model'

export const NODE_W = 180
export const NODE_H = 56

export interface ElkInput {
  id: string
  layoutOptions: Record<string, string>
  children: { id: string; width: number; height: number }[]
  edges: { id: string; sources: string[]; targets: string[] }[]
}

export type Positions = Record<string, { x: number; y: number }>

export function toElk(g: LineageGraph): ElkInput {
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '24',
      'elk.layered.spacing.nodeNodeBetweenLayers': '64',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      // edges as horizontal and vertical runs between the layers, never through a node
      'elk.edgeRouting': 'ORTHOGONAL'
    },
    children: g.nodes.map((n) => ({ id: n.id, width: NODE_W, height: NODE_H })),
    edges: g.edges.map((e, i) => ({ id: `e${i}`, sources: [e.to], targets: [e.from] }))
  }
}

export function fromElk(out: { children?: { id: string; x?: number; y?: number }[] }): Positions {
  const p: Positions = {}
  for (const c of out.children ?? []) p[c.id] = { x: c.x ?? 0, y: c.y ?? 0 }
  return p
}

/** Worker protocol: one request per layout, answered with the same seq. */
export type LayoutRequest = { seq: number; graph: ElkInput }
export type LayoutResponse = { seq: number; positions: Positions } | { seq: number; error: string }
