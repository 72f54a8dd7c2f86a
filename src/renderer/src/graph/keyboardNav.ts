// Arrow keys between lineage nodes: the nearest node in the arrow's direction, by position, so
// Left goes to the origin's column, Right to the dependents', Up and Down along a column.
// Pure, so it is unit-tested.
import { NODE_H, NODE_W, type Positions } from './layout'

export type Direction = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown'

/** The node to move to from `from`, or null when none lies that way. */
export function neighbour(positions: Positions, from: string, dir: Direction): string | null {
  const a = positions[from]
  if (!a) return null
  const horizontal = dir === 'ArrowLeft' || dir === 'ArrowRight'
  const sign = dir === 'ArrowLeft' || dir === 'ArrowUp' ? -1 : 1
  let best: string | null = null
  let bestScore = Infinity
  for (const [id, b] of Object.entries(positions)) {
    if (id === from) continue
    const dx = (b.x - a.x) / NODE_W
    const dy = (b.y - a.y) / NODE_H
    const main = sign * (horizontal ? dx : dy)
    const cross = Math.abs(horizontal ? dy : dx)
    // ahead in that direction; a node straight ahead beats a nearer one far to the side
    if (main <= 0.01) continue
    const score = main + 3 * cross
    if (score < bestScore) {
      bestScore = score
      best = id
    }
  }
  return best
}
