// A big graph zoomed out, drawn on one canvas inside React Flow's viewport (so it pans and
// zooms with it): panning then moves one bitmap instead of a thousand boxes. Redrawn when the
// graph, the marks or the zoom change, never on a pan. A click selects the node under it.
import { useEffect, useMemo, useRef } from 'react'
import { useReactFlow, useStore, ViewportPortal } from '@xyflow/react'
import { useTranslation } from 'react-i18next'
import type { Finding, LineageGraph } from '@shared/model'
import { NODE_H, NODE_W, type Positions } from './layout'
import { edgeStroke, nodeAtPoint, overviewBounds, overviewFill, overviewScale } from './overview'

interface Props {
  graph: LineageGraph
  positions: Positions
  selected: readonly string[]
  matches: readonly string[]
  findings: ReadonlyMap<string, Finding[]>
  doomed: ReadonlySet<string>
  /** changes with the theme, so the colours are read again */
  theme: string
  onSelect(id: string): void
}

export function OverviewCanvas({ graph, positions, selected, matches, findings, doomed, theme, onSelect }: Props): React.JSX.Element | null {
  const { t } = useTranslation()
  const canvas = useRef<HTMLCanvasElement>(null)
  const zoom = useStore((s) => s.transform[2])
  const flow = useReactFlow()
  const bounds = useMemo(() => overviewBounds(positions), [positions])
  const ids = useMemo(() => graph.nodes.map((n) => n.id), [graph])

  useEffect(() => {
    const el = canvas.current
    const ctx = el?.getContext('2d')
    if (!el || !ctx || !bounds) return
    const scale = overviewScale(bounds, zoom, window.devicePixelRatio || 1)
    el.width = Math.max(1, Math.ceil(bounds.width * scale))
    el.height = Math.max(1, Math.ceil(bounds.height * scale))
    const style = getComputedStyle(el)
    const color = (name: string): string => style.getPropertyValue(name).trim()
    ctx.setTransform(scale, 0, 0, scale, -bounds.x * scale, -bounds.y * scale)
    ctx.lineWidth = Math.max(2, 1 / scale)
    for (const e of graph.edges) {
      const from = positions[e.from]
      const to = positions[e.to]
      if (!from || !to) continue
      // from the dependent's left side to its origin's right side, as the DOM edges run
      ctx.strokeStyle = color(edgeStroke(e.kind))
      ctx.beginPath()
      ctx.moveTo(from.x, from.y + NODE_H / 2)
      ctx.lineTo(to.x + NODE_W, to.y + NODE_H / 2)
      ctx.stroke()
    }
    const chosen = new Set(selected)
    const found = new Set(matches)
    ctx.strokeStyle = color('--border')
    for (const n of graph.nodes) {
      const p = positions[n.id]
      if (!p) continue
      const marks = { selected: chosen.has(n.id), match: found.has(n.id), bad: (findings.get(n.id)?.length ?? 0) > 0 || n.kind === 'missing', doomed: doomed.has(n.id) }
      ctx.fillStyle = color(overviewFill(n, marks))
      ctx.fillRect(p.x, p.y, NODE_W, NODE_H)
      ctx.strokeRect(p.x, p.y, NODE_W, NODE_H)
    }
  }, [graph, positions, bounds, zoom, selected, matches, findings, doomed, theme])

  if (!bounds) return null
  const nodeAt = (e: React.MouseEvent): string | null => nodeAtPoint(ids, positions, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }))
  return (
    <ViewportPortal>
      <canvas
        ref={canvas}
        className="overview"
        data-testid="graph-overview"
        role="img"
        aria-label={t('lineage.overview', { count: graph.nodes.length })}
        // React Flow's viewport lets pointer events through to the pane; this canvas takes them
        // (a press still pans: it bubbles to the pane)
        style={{ position: 'absolute', left: bounds.x, top: bounds.y, width: bounds.width, height: bounds.height, pointerEvents: 'all' }}
        onClick={(e) => {
          const id = nodeAt(e)
          if (id) onSelect(id)
        }}
        onMouseMove={(e) => {
          // written only when it changes: an attribute write on each move of a pan invalidates style
          const title = nodeAt(e) ?? ''
          if (e.currentTarget.title !== title) e.currentTarget.title = title
        }}
      />
    </ViewportPortal>
  )
}
