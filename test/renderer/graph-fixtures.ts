// Lineage nodes and edges as the engine reports them, for the graph's layout and edge tests:
// every node in one lxcpath `/p`, ids `/p/<name>`.
import type { LineageEdge, LineageNode } from '../../src/shared/model'
import { NODE_H, NODE_W } from '../../src/renderer/src/graph/layout'

export const node = (name: string, kind: LineageNode['kind'] = 'container'): LineageNode => ({
  id: `/p/${name}`,
  kind,
  ref: { lxcpath: '/p', name },
  backend: kind === 'missing' ? null : 'overlay',
  state: 'stopped'
})

export const edge = (from: string, to: string, kind: LineageEdge['kind']): LineageEdge => ({ from: `/p/${from}`, to: `/p/${to}`, kind })

/** Two laid-out nodes' boxes intersect. */
export const overlap = (a: { x: number; y: number }, b: { x: number; y: number }): boolean =>
  a.x < b.x + NODE_W && b.x < a.x + NODE_W && a.y < b.y + NODE_H && b.y < a.y + NODE_H
