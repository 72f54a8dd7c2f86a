// The lineage graph: every container and snapshot as a node, typed edges, ELK layout in a
// worker, zoom/pan/fit/search; selection shared with the table and the details panel.
import { useCallback, useMemo, useState } from 'react'
import { Background, MarkerType, ReactFlow, ReactFlowProvider, useReactFlow, useStore, type Edge, type NodeChange } from '@xyflow/react'
import { useTranslation } from 'react-i18next'
import { searchNodes, useLineage } from '../stores/lineage'
import { useSelection } from '../stores/selection'
import { resolveTheme, usePrefs } from '../stores/prefs'
import { useLayout } from '../graph/useLayout'
import { NODE_H, NODE_W } from '../graph/layout'
import { nodeTypes, zoomedOut, type GraphFlowNode } from '../graph/GraphNode'
import { Legend } from '../graph/Legend'
import { OverviewCanvas } from '../graph/OverviewCanvas'
import { useHighlight } from '../stores/highlight'
import { DetailsPanel } from '../components/DetailsPanel'
import { FindingsList } from '../components/FindingsList'
import { CloneTargets } from '../components/CloneTargets'
import { dropProps } from '../dnd'
import { openClone } from '../hooks/openClone'
import { useLxcpaths } from '../stores/lxcpaths'

/** Above this many nodes, only what is in view is rendered (React Flow's own guidance). */
const VIRTUALIZE_ABOVE = 800
/** A big graph's first view: readable text, starting at its top-left node. */
const BIG_ZOOM = 0.75
const CORNER_MARGIN = 24

function Graph(): React.JSX.Element {
  const { t } = useTranslation()
  const graph = useLineage((s) => s.graph)
  const findings = useLineage((s) => s.findings)
  const keys = useSelection((s) => s.keys)
  const setAll = useSelection((s) => s.setAll)
  const theme = usePrefs((s) => s.theme)
  const { positions, error, key: shape } = useLayout(graph)
  const [query, setQuery] = useState('')
  const matches = useMemo(() => searchNodes(graph, query), [graph, query])
  const flow = useReactFlow()
  const lxcpaths = useLxcpaths((s) => s.list)
  const [over, setOver] = useState(false)
  // Zoomed out, arrowheads are specks that still cost a paint each: drawn only closer in.
  const far = useStore(zoomedOut)
  // A big graph zoomed out is drawn on one canvas (OverviewCanvas); its nodes stay known to
  // React Flow (fit, search) but hidden, as are their edges.
  const overview = far && graph.nodes.length > VIRTUALIZE_ABOVE
  const doomed = useHighlight((s) => s.ids)

  const nodes = useMemo<GraphFlowNode[]>(() => {
    if (!positions) return []
    const m = new Set(matches)
    return graph.nodes.map((n) => ({
      hidden: overview,
      id: n.id,
      type: 'lineage',
      position: positions[n.id] ?? { x: 0, y: 0 },
      width: NODE_W,
      height: NODE_H,
      selected: keys.includes(n.id),
      data: { node: n, findings: findings.get(n.id) ?? [], match: m.has(n.id) },
      ariaLabel: `${n.ref.name} (${n.kind}, ${n.backend ?? '?'})`
    }))
  }, [graph, positions, findings, keys, matches, overview])

  // The id is `from->to`; a second edge of another kind between the same pair gets `#kind`.
  const edges = useMemo<Edge[]>(() => {
    const seen = new Set<string>()
    return graph.edges.map((e) => {
      const base = `${e.from}->${e.to}`
      const id = seen.has(base) ? `${base}#${e.kind}` : base
      seen.add(base)
      return {
        id,
        source: e.from,
        target: e.to,
        className: `edge-${e.kind}`,
        markerEnd: { type: MarkerType.ArrowClosed },
        data: { kind: e.kind },
        ariaLabel: t(`lineage.edge.${e.kind}`)
      }
    })
  }, [graph, t])

  // Mouse and keyboard (Enter/Space on a focused node) both arrive as `select` changes.
  const onNodesChange = useCallback(
    (changes: NodeChange<GraphFlowNode>[]) => {
      let next = [...useSelection.getState().keys]
      let touched = false
      for (const c of changes) {
        if (c.type !== 'select') continue
        touched = true
        next = next.filter((k) => k !== c.id)
        if (c.selected) next.push(c.id)
      }
      if (touched) setAll(next)
    },
    [setAll]
  )

  const findMatch = (): void => {
    if (!matches.length) return
    setAll([matches[0]!])
    void flow.fitView({ nodes: matches.map((id) => ({ id })), duration: 200, maxZoom: 1.5, includeHiddenNodes: true })
  }

  // A big graph opens at a readable zoom on its top-left corner (where the layout starts)
  // rather than as a thousand tiny boxes: only what is in view is drawn, so it paints and pans
  // quickly. Fit shows all.
  const big = nodes.length > VIRTUALIZE_ABOVE
  const corner = useMemo(() => {
    let x = 0
    let y = 0
    for (const p of Object.values(positions ?? {})) {
      x = Math.min(x, p.x)
      y = Math.min(y, p.y)
    }
    return { x: CORNER_MARGIN - x * BIG_ZOOM, y: CORNER_MARGIN - y * BIG_ZOOM, zoom: BIG_ZOOM }
  }, [positions])
  const dark = resolveTheme(theme, matchMedia('(prefers-color-scheme: dark)').matches) === 'dark'
  return (
    <div className="graph-wrap">
      <div className="toolbar">
        <h2>{t('lineage.title')}</h2>
        <input
          type="search"
          aria-label={t('lineage.search')}
          placeholder={t('lineage.searchPlaceholder')}
          data-testid="graph-search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && findMatch()}
        />
        {query && <span className="muted">{t('lineage.matches', { count: matches.length })}</span>}
        <span className="spacer" />
        <button onClick={() => void flow.zoomIn()} aria-label={t('lineage.zoomIn')}>+</button>
        <button onClick={() => void flow.zoomOut()} aria-label={t('lineage.zoomOut')}>−</button>
        <button data-testid="graph-fit" onClick={() => void flow.fitView({ duration: 200, includeHiddenNodes: true })}>{t('lineage.fit')}</button>
        <CloneTargets lxcpaths={lxcpaths} />
      </div>
      <Legend />
      {/* Dropping a container anywhere on the canvas clones it into its own lxcpath. */}
      <div className={['graph', over ? 'over' : '', far ? 'far' : ''].join(' ')} data-testid="graph" {...dropProps((ref) => openClone(ref, ref.lxcpath), setOver)}>
        {error ? (
          <p className="error">{error}</p>
        ) : !positions ? (
          <p className="muted pad">{t('lineage.layouting')}</p>
        ) : (
          // A new shape starts a fresh view (fitted, or a big graph's corner), as a new layout should.
          <ReactFlow
            key={shape}
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            nodesDraggable={false}
            nodesConnectable={false}
            onlyRenderVisibleElements={nodes.length > VIRTUALIZE_ABOVE}
            colorMode={dark ? 'dark' : 'light'}
            fitView={!big}
            fitViewOptions={{ maxZoom: 1 }}
            defaultViewport={big ? corner : undefined}
            minZoom={0.05}
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            {overview && (
              <OverviewCanvas
                graph={graph}
                positions={positions}
                selected={keys}
                matches={matches}
                findings={findings}
                doomed={doomed}
                theme={dark ? 'dark' : 'light'}
                onSelect={(id) => setAll([id])}
              />
            )}
          </ReactFlow>
        )}
      </div>
      <FindingsList />
    </div>
  )
}

export function LineageView(): React.JSX.Element {
  return (
    <div className="split">
      <section className="pane">
        <ReactFlowProvider>
          <Graph />
        </ReactFlowProvider>
      </section>
      <DetailsPanel />
    </div>
  )
}
