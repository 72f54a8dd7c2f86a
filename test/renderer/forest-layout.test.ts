import { describe, expect, it } from 'vitest'
import type { LineageEdge, LineageGraph, LineageNode } from '../../src/shared/model'
import { edge, node, overlap } from './graph-fixtures'
import { forestLayout, primaryParents } from '../../src/renderer/src/graph/forestLayout'
import { NODE_H, NODE_W, type Positions } from '../../src/renderer/src/graph/layout'


/**
 * Lineages the way the engine reports them: bases with overlay clones (depends-on-lower), a
 * clone of a clone (its base's lower plus cloned-from its direct origin, LXC's order), a
 * snapshot of a clone (lower plus snapshot-of), a clone whose origin is missing, a lone copy.
 */
function lineage(bases: number, clones: number): LineageGraph {
  const nodes: LineageNode[] = []
  const edges: LineageEdge[] = []
  for (let b = 0; b < bases; b++) {
    nodes.push(node(`base${b}`))
    for (let c = 0; c < clones; c++) {
      nodes.push(node(`c${b}-${c}`))
      edges.push(edge(`c${b}-${c}`, `base${b}`, 'depends-on-lower'))
    }
    nodes.push(node(`cc${b}`))
    edges.push(edge(`cc${b}`, `base${b}`, 'depends-on-lower'), edge(`cc${b}`, `c${b}-0`, 'cloned-from'))
    nodes.push(node(`snap${b}`, 'snapshot'))
    edges.push(edge(`snap${b}`, `base${b}`, 'depends-on-lower'), edge(`snap${b}`, `cc${b}`, 'snapshot-of'))
  }
  nodes.push(node('orphan'), node('gone', 'missing'), node('copy'))
  edges.push(edge('orphan', 'gone', 'depends-on-lower'))
  return { nodes, edges, findings: [] }
}

function allPairs(p: Positions, test: (a: string, b: string) => void): void {
  const ids = Object.keys(p)
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) test(ids[i]!, ids[j]!)
}

describe('forestLayout', () => {
  const g = lineage(12, 5)
  const p = forestLayout(g)!

  it('places every node, and no two nodes overlap', () => {
    expect(p).not.toBeNull()
    expect(Object.keys(p).sort()).toEqual(g.nodes.map((n) => n.id).sort())
    allPairs(p, (a, b) => expect(overlap(p[a]!, p[b]!), `${a} overlaps ${b}`).toBe(false))
  })

  it('puts every origin left of what depends on it, for every edge', () => {
    for (const e of g.edges) expect(p[e.to]!.x + NODE_W, `${e.from} -> ${e.to}`).toBeLessThan(p[e.from]!.x)
  })

  it('places a clone of a clone under its direct origin, a snapshot under its owner', () => {
    const parents = primaryParents(g)
    expect(parents.get('/p/cc0')).toBe('/p/c0-0')
    expect(parents.get('/p/snap0')).toBe('/p/cc0')
    expect(parents.get('/p/c0-1')).toBe('/p/base0')
    expect(parents.has('/p/base0')).toBe(false)
    // base0 -> c0-0 -> cc0 -> snap0: four columns.
    const xs = ['base0', 'c0-0', 'cc0', 'snap0'].map((n) => p[`/p/${n}`]!.x)
    expect(xs).toEqual([...xs].sort((a, b) => a - b))
    expect(new Set(xs).size).toBe(4)
  })

  it('keeps connected components in separate boxes', () => {
    const component = new Map<string, string>()
    for (const n of g.nodes) {
      let r = n.id
      for (let up = primaryParents(g).get(r); up; up = primaryParents(g).get(r)) r = up
      component.set(n.id, r)
    }
    const boxes = new Map<string, { x0: number; y0: number; x1: number; y1: number }>()
    for (const [id, root] of component) {
      const q = p[id]!
      const b = boxes.get(root) ?? { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity }
      boxes.set(root, { x0: Math.min(b.x0, q.x), y0: Math.min(b.y0, q.y), x1: Math.max(b.x1, q.x + NODE_W), y1: Math.max(b.y1, q.y + NODE_H) })
    }
    expect(boxes.size).toBe(12 + 2)
    const list = [...boxes]
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const [ra, a] = list[i]!
        const [rb, b] = list[j]!
        const apart = a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0
        expect(apart, `${ra} and ${rb} share space`).toBe(true)
      }
  })

  it('packs many lineages into several columns rather than one tall strip', () => {
    const big = forestLayout(lineage(100, 9))!
    const xs = Object.values(big).map((q) => q.x)
    const ys = Object.values(big).map((q) => q.y)
    const width = Math.max(...xs) + NODE_W
    const height = Math.max(...ys) + NODE_H
    expect(height / width).toBeLessThan(2)
  })

  it('gives the same positions for the same graph', () => {
    expect(forestLayout(lineage(12, 5))).toEqual(p)
  })

  it('lays out a chain thousands deep without overflowing the stack', () => {
    const n = 5000
    const chain: LineageGraph = {
      nodes: Array.from({ length: n }, (_, i) => node(`n${i}`)),
      edges: Array.from({ length: n - 1 }, (_, i) => edge(`n${i + 1}`, `n${i}`, 'cloned-from')),
      findings: []
    }
    const q = forestLayout(chain)!
    expect(q['/p/n4999']!.x).toBeGreaterThan(q['/p/n0']!.x)
  })

  it('leaves a cycle of origins to ELK', () => {
    const cyc: LineageGraph = {
      nodes: [node('a'), node('b'), node('c')],
      edges: [edge('a', 'b', 'cloned-from'), edge('b', 'a', 'cloned-from')],
      findings: []
    }
    expect(forestLayout(cyc)).toBeNull()
  })

  it('leaves an extra edge across lineages to ELK', () => {
    const cross: LineageGraph = {
      nodes: [node('a'), node('b'), node('x')],
      edges: [edge('x', 'a', 'depends-on-lower'), edge('x', 'b', 'cloned-from')],
      findings: []
    }
    expect(forestLayout(cross)).toBeNull()
  })
})
