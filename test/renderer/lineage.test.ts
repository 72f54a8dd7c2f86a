import { describe, expect, it } from 'vitest'
import type { LineageGraph } from '../../src/shared/model'
import { findingsByNode, searchNodes, shapeKey, useLineage } from '../../src/renderer/src/stores/lineage'
import { fromElk, toElk } from '../../src/renderer/src/graph/layout'

const g: LineageGraph = {
  nodes: [
    { id: '/p/base', kind: 'container', ref: { lxcpath: '/p', name: 'base' }, backend: 'dir', state: 'stopped' },
    { id: '/p/snap1', kind: 'container', ref: { lxcpath: '/p', name: 'snap1' }, backend: 'overlay', state: 'running' },
    { id: '/p/gone', kind: 'missing', ref: { lxcpath: '/p', name: 'gone' }, backend: null, state: 'unknown' }
  ],
  edges: [{ from: '/p/snap1', to: '/p/base', kind: 'depends-on-lower' }],
  findings: [
    { severity: 'error', code: 'origin-missing', subject: { lxcpath: '/p', name: 'snap1' }, file: null, message: 'x' }
  ]
}

describe('lineage helpers', () => {
  it('indexes findings by node id', () => {
    expect(findingsByNode(g).get('/p/snap1')?.[0]?.code).toBe('origin-missing')
    expect(findingsByNode(g).get('/p/base')).toBeUndefined()
  })
  it('searches node names', () => {
    expect(searchNodes(g, 'SNAP')).toEqual(['/p/snap1'])
    expect(searchNodes(g, '')).toEqual([])
  })
  it('keys the layout on shape only, not on state', () => {
    const running = { ...g, nodes: g.nodes.map((n) => ({ ...n, state: 'running' as const })) }
    expect(shapeKey(running)).toBe(shapeKey(g))
    expect(shapeKey({ ...g, edges: [] })).not.toBe(shapeKey(g))
  })
  it('lays origins out before their dependents (edges reversed for ELK)', () => {
    const elk = toElk(g)
    expect(elk.children).toHaveLength(3)
    expect(elk.edges[0]).toMatchObject({ sources: ['/p/base'], targets: ['/p/snap1'] })
    expect(fromElk({ children: [{ id: 'a', x: 1, y: 2 }, { id: 'b' }] })).toEqual({ a: { x: 1, y: 2 }, b: { x: 0, y: 0 } })
  })
  it('fetch fills the graph and keeps the last good one on error', async () => {
    await useLineage.getState().fetch({ lineage: async () => g })
    expect(useLineage.getState().graph.nodes).toHaveLength(3)
    await useLineage.getState().fetch({ lineage: async () => Promise.reject(new Error('boom')) })
    expect(useLineage.getState().error).toBe('boom')
    expect(useLineage.getState().graph.nodes).toHaveLength(3)
  })
})
