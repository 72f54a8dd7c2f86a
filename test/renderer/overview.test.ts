// The zoomed-out overview's geometry: what a click hits, how each node is coloured (the same
// precedence as the DOM boxes' CSS), and a canvas that stays bounded however big the graph.
import { describe, expect, it } from 'vitest'
import type { LineageNode } from '../../src/shared/model'
import { NODE_H, NODE_W } from '../../src/renderer/src/graph/layout'
import { nodeAtPoint, overviewBounds, overviewFill, overviewScale } from '../../src/renderer/src/graph/overview'

const node = (kind: LineageNode['kind']): LineageNode => ({ id: `/p/${kind}`, kind, ref: { lxcpath: '/p', name: kind }, backend: 'dir', state: 'stopped' })
const none = { selected: false, match: false, bad: false, doomed: false }

describe('overview geometry', () => {
  const positions = { a: { x: 0, y: 0 }, b: { x: 300, y: -100 }, c: { x: 300, y: 100 } }

  it('bounds every node box', () => {
    expect(overviewBounds(positions)).toEqual({ x: 0, y: -100, width: 300 + NODE_W, height: 200 + NODE_H })
    expect(overviewBounds({})).toBeNull()
  })

  it('finds the node under a point, and none between nodes', () => {
    expect(nodeAtPoint(['a', 'b', 'c'], positions, { x: 310, y: 110 })).toBe('c')
    expect(nodeAtPoint(['a', 'b', 'c'], positions, { x: NODE_W, y: NODE_H })).toBe('a')
    expect(nodeAtPoint(['a', 'b', 'c'], positions, { x: NODE_W + 1, y: 10 })).toBeNull()
  })

  it('colours as the DOM boxes do: selection over alarm over kind', () => {
    expect(overviewFill(node('container'), none)).toBe('--sel')
    expect(overviewFill(node('snapshot'), none)).toBe('--bg')
    expect(overviewFill(node('missing'), { ...none, bad: true })).toBe('--bad')
    expect(overviewFill(node('container'), { ...none, doomed: true })).toBe('--bad')
    expect(overviewFill(node('container'), { ...none, bad: true, selected: true })).toBe('--accent')
    expect(overviewFill(node('snapshot'), { ...none, match: true })).toBe('--accent')
  })

  it('draws sharp at the zoom, but never a canvas of more than the pixel budget', () => {
    const small = { x: 0, y: 0, width: 2000, height: 1000 }
    expect(overviewScale(small, 0.2, 2)).toBeCloseTo(0.4)
    const huge = { x: 0, y: 0, width: 20_000, height: 200_000 }
    const scale = overviewScale(huge, 0.35, 2, 16_000_000)
    expect(huge.width * scale * huge.height * scale).toBeLessThanOrEqual(16_000_000 + 1)
    expect(scale).toBeLessThan(0.7)
  })
})
