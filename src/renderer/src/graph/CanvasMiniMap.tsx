// The minimap: every node drawn once on a small canvas, and the part in view as a frame that
// follows the pan. React Flow's own minimap renders a component per node that re-reads the
// store on every pan frame, which a 1,000-node graph cannot afford. A click or a drag on it
// moves the view there.
import { useEffect, useMemo, useRef } from 'react'
import { Panel, useReactFlow, useStore } from '@xyflow/react'
import { useTranslation } from 'react-i18next'
import type { LineageGraph } from '@shared/model'
import { NODE_H, NODE_W, type Positions } from './layout'
import { overviewBounds } from './overview'

const WIDTH = 168
const HEIGHT = 112
const PAD = 6

const FILL = { container: '--accent', snapshot: '--e-snap', missing: '--bad' } as const

export function CanvasMiniMap({ graph, positions, theme }: { graph: LineageGraph; positions: Positions; theme: string }): React.JSX.Element | null {
  const { t } = useTranslation()
  const canvas = useRef<HTMLCanvasElement>(null)
  const flow = useReactFlow()
  const bounds = useMemo(() => overviewBounds(positions), [positions])
  const scale = bounds ? Math.min((WIDTH - 2 * PAD) / bounds.width, (HEIGHT - 2 * PAD) / bounds.height) : 1
  // the view's rectangle in flow coordinates; this component alone re-renders on a pan
  const [tx, ty, zoom] = useStore((s) => s.transform)
  const viewW = useStore((s) => s.width)
  const viewH = useStore((s) => s.height)

  useEffect(() => {
    const el = canvas.current
    const ctx = el?.getContext('2d')
    if (!el || !ctx || !bounds) return
    const ratio = window.devicePixelRatio || 1
    el.width = WIDTH * ratio
    el.height = HEIGHT * ratio
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0)
    ctx.clearRect(0, 0, WIDTH, HEIGHT)
    const style = getComputedStyle(el)
    for (const n of graph.nodes) {
      const p = positions[n.id]
      if (!p) continue
      ctx.fillStyle = style.getPropertyValue(FILL[n.kind]).trim() || '#888'
      ctx.fillRect(PAD + (p.x - bounds.x) * scale, PAD + (p.y - bounds.y) * scale, Math.max(1, NODE_W * scale), Math.max(1, NODE_H * scale))
    }
  }, [graph, positions, bounds, scale, theme])

  if (!bounds) return null
  const frame = {
    left: PAD + (-tx / zoom - bounds.x) * scale,
    top: PAD + (-ty / zoom - bounds.y) * scale,
    width: (viewW / zoom) * scale,
    height: (viewH / zoom) * scale
  }
  const moveTo = (e: React.PointerEvent<HTMLDivElement>): void => {
    const r = e.currentTarget.getBoundingClientRect()
    const x = bounds.x + (e.clientX - r.left - PAD) / scale
    const y = bounds.y + (e.clientY - r.top - PAD) / scale
    void flow.setCenter(x, y, { zoom, duration: 0 })
  }
  return (
    <Panel position="bottom-right">
      <div
        className="lineage-minimap nopan nodrag nowheel"
        data-testid="graph-minimap"
        role="img"
        aria-label={t('lineage.minimap')}
        style={{ width: WIDTH, height: HEIGHT }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId)
          moveTo(e)
        }}
        onPointerMove={(e) => e.buttons === 1 && moveTo(e)}
      >
        <canvas ref={canvas} style={{ width: WIDTH, height: HEIGHT }} />
        <div className="lineage-minimap-frame" style={frame} />
      </div>
    </Panel>
  )
}
