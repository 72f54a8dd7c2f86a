// The lineage graph's drawn edges (each node's direct relation, once), its stable layout and
// its keyboard moves, on lineages shaped as the engine reports them.
import { describe, expect, it } from 'vitest'
import type { LineageGraph } from '../../src/shared/model'
import { edge, node, overlap } from './graph-fixtures'
import { directEdges, directGraph } from '../../src/renderer/src/graph/directEdges'
import { forestLayout } from '../../src/renderer/src/graph/forestLayout'
import { extendLayout } from '../../src/renderer/src/graph/stableLayout'
import { neighbour } from '../../src/renderer/src/graph/keyboardNav'
import { NODE_W, type Positions } from '../../src/renderer/src/graph/layout'


// base <- c1 <- c2 (a clone of a clone: reads base's rootfs and c1's upper; base's
// lxc_snapshots lists c2 too), c1 both reads base as its lower and is recorded as cloned from it;
// s is a snapshot of c2 that reads base; copy is a copy of base.
const g: LineageGraph = {
  nodes: [node('base'), node('c1'), node('c2'), node('s', 'snapshot'), node('copy')],
  edges: [
    edge('c1', 'base', 'depends-on-lower'),
    edge('c1', 'base', 'cloned-from'),
    edge('c2', 'base', 'depends-on-lower'),
    edge('c2', 'base', 'cloned-from'),
    edge('c2', 'c1', 'depends-on-lower'),
    edge('c2', 'c1', 'cloned-from'),
    edge('s', 'base', 'depends-on-lower'),
    edge('s', 'c2', 'snapshot-of'),
    edge('copy', 'base', 'copied-from')
  ],
  findings: []
}

describe('directEdges', () => {
  const d = directEdges(g)
  it('draws each node\'s direct relation once, of the kind that says the most', () => {
    expect(d.drawn.map((e) => `${e.from.slice(3)}>${e.to.slice(3)}:${e.kind}`).sort()).toEqual([
      'c1>base:depends-on-lower',
      'c2>c1:depends-on-lower',
      'copy>base:copied-from',
      's>c2:snapshot-of'
    ])
  })
  it('keeps the transitive records for the details', () => {
    expect(d.transitive.get('/p/c2')!.map((e) => `${e.to.slice(3)}:${e.kind}`).sort()).toEqual(['base:cloned-from', 'base:depends-on-lower', 'c1:cloned-from'])
    expect(d.transitive.get('/p/s')!.map((e) => e.to)).toEqual(['/p/base'])
    expect(d.transitive.has('/p/copy')).toBe(false)
  })
  it('draws every relation of a cycle, as recorded', () => {
    const cyc: LineageGraph = { nodes: [node('a'), node('b')], edges: [edge('a', 'b', 'cloned-from'), edge('b', 'a', 'cloned-from')], findings: [] }
    expect(directEdges(cyc).drawn).toHaveLength(2)
  })
})

describe('extendLayout', () => {
  const before = forestLayout(directGraph(g))!
  it('keeps every node in place when one is added, and puts the new one right of its origin without overlap', () => {
    const more: LineageGraph = { ...g, nodes: [...g.nodes, node('c3')], edges: [...g.edges, edge('c3', 'base', 'depends-on-lower')] }
    const after = extendLayout(before, directGraph(more))!
    for (const id of Object.keys(before)) expect(after[id], id).toEqual(before[id])
    expect(after['/p/c3']!.x).toBeGreaterThan(before['/p/base']!.x + NODE_W)
    for (const id of Object.keys(before)) expect(overlap(after['/p/c3']!, after[id]!), id).toBe(false)
  })
  it('keeps the others in place when one is removed', () => {
    const fewer: LineageGraph = { ...g, nodes: g.nodes.filter((n) => n.id !== '/p/copy'), edges: g.edges.filter((e) => e.from !== '/p/copy') }
    const after = extendLayout(before, directGraph(fewer))!
    expect(Object.keys(after).sort()).toEqual(fewer.nodes.map((n) => n.id).sort())
    for (const id of Object.keys(after)) expect(after[id]).toEqual(before[id])
  })
  it('lays out afresh when most nodes are new', () => {
    const other: LineageGraph = { nodes: ['x', 'y', 'z'].map((n) => node(n)), edges: [], findings: [] }
    expect(extendLayout(before, other)).toBeNull()
  })
})

describe('neighbour', () => {
  const p: Positions = { '/a': { x: 0, y: 100 }, '/b': { x: 300, y: 0 }, '/c': { x: 300, y: 200 }, '/d': { x: 600, y: 200 } }
  it('moves right to the nearest dependent, left back to the origin, down along the column', () => {
    expect(neighbour(p, '/a', 'ArrowRight')).toBe('/b')
    expect(neighbour(p, '/c', 'ArrowLeft')).toBe('/a')
    expect(neighbour(p, '/b', 'ArrowDown')).toBe('/c')
    expect(neighbour(p, '/c', 'ArrowRight')).toBe('/d')
  })
  it('stays when nothing lies that way', () => {
    expect(neighbour(p, '/a', 'ArrowLeft')).toBeNull()
    expect(neighbour(p, '/b', 'ArrowUp')).toBeNull()
  })
})
