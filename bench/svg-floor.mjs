// The floor the lineage graph is measured against: a plain static SVG of the same boxes and
// edges as a generated lxcpath (generated-lxcpath.mjs: a dir base every `perBase`, overlay
// clones of it), laid out the way the graph lays out a forest (a base, its clones in the next
// column, trees packed in columns), each box with its name and backend, each edge an
// orthogonal path with an arrowhead. No script, no framework: what a browser needs at least.
const W = 180
const H = 56
const LAYER = 64
const GAP = 24
const TREE_GAP = 48
const COLUMN_GAP = 96

export function svgFloorHtml(count, perBase) {
  const trees = count / perBase
  const treeH = (perBase - 1) * (H + GAP) - GAP
  const columnH = Math.max(treeH, Math.sqrt((trees * (2 * W + LAYER + COLUMN_GAP) * (treeH + TREE_GAP)) / 1.6))
  const parts = []
  let x = 0
  let y = 0
  const box = (bx, by, name, backend) =>
    `<g transform="translate(${bx},${by})"><rect width="${W}" height="${H}" rx="6" fill="#fff" stroke="#ccc" stroke-width="2"/>` +
    `<text x="8" y="20" font-weight="600">${name}</text><text x="8" y="44" fill="#666">${backend}</text></g>`
  for (let b = 0; b < trees; b++) {
    if (y > 0 && y + treeH > columnH) {
      x += 2 * W + LAYER + COLUMN_GAP
      y = 0
    }
    const baseY = y + treeH / 2 - H / 2
    parts.push(box(x, baseY, `base${b}`, 'dir'))
    for (let c = 0; c < perBase - 1; c++) {
      const cy = y + c * (H + GAP)
      const mid = x + W + LAYER / 2
      parts.push(`<path d="M${x + W + LAYER},${cy + H / 2} H${mid} V${baseY + H / 2} H${x + W + 6}" fill="none" stroke="#2f6fde" stroke-width="2" marker-end="url(#a)"/>`)
      parts.push(box(x + W + LAYER, cy, `clone${b}-${c}`, 'overlay'))
    }
    y += treeH + TREE_GAP
  }
  return (
    '<!doctype html><html><body style="margin:0;font:12px sans-serif"><div style="width:100vw;height:100vh;overflow:hidden">' +
    '<svg width="100%" height="100%"><defs><marker id="a" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#2f6fde"/></marker></defs>' +
    `<g transform="translate(24,24) scale(0.75)">${parts.join('')}</g></svg></div></body></html>`
  )
}
