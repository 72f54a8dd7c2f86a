// The lineage graph: every container and snapshot as a node, each one's direct relation drawn
// once (graph/directEdges.ts), a layered layout that keeps still when nodes come and go,
// zoom/pan/fit/search, a minimap, a context menu and keyboard moves on the nodes; selection
// shared with the table and the details panel.
import '../graph/graph.css'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Background, MarkerType, Position, ReactFlow, ReactFlowProvider, useReactFlow, useStore, type Edge, type NodeChange, type NodeHandle } from '@xyflow/react'
import { Alert, AlertActionCloseButton, Button, SearchInput, Toolbar, ToolbarContent, ToolbarGroup, ToolbarItem, Title } from '@patternfly/react-core'
import SearchPlusIcon from '@patternfly/react-icons/dist/esm/icons/search-plus-icon'
import SearchMinusIcon from '@patternfly/react-icons/dist/esm/icons/search-minus-icon'
import ExpandIcon from '@patternfly/react-icons/dist/esm/icons/expand-icon'
import SitemapIcon from '@patternfly/react-icons/dist/esm/icons/sitemap-icon'
import { useTranslation } from 'react-i18next'
import type { LineageEdgeKind, LineageNode } from '@shared/model'
import { searchNodes, useLineage } from '../stores/lineage'
import { useSelection } from '../stores/selection'
import { resolveTheme, usePrefs } from '../stores/prefs'
import { keyOf, useContainers } from '../stores/containers'
import { useActionError } from '../stores/actions'
import { useUsage } from '../stores/usage'
import { useLayout } from '../graph/useLayout'
import { NODE_H, NODE_W } from '../graph/layout'
import { READABLE_ZOOM, nodeTypes, zoomedOut, type GraphFlowNode } from '../graph/GraphNode'
import { EDGE_KINDS, Legend, edgeColor } from '../graph/Legend'
import { OverviewCanvas } from '../graph/OverviewCanvas'
import { overviewBounds } from '../graph/overview'
import { CanvasMiniMap } from '../graph/CanvasMiniMap'
import { directEdges, directGraph } from '../graph/directEdges'
import { NODE_ATTRS, useGraphKeys } from '../graph/useGraphKeys'
import { NodeMenu, type NodeAction } from '../graph/NodeMenu'
import { LineagePanel } from '../graph/LineagePanel'
import { SnapshotDialog } from '../graph/SnapshotDialog'
import { useHighlight } from '../stores/highlight'
import { DetailsPanel } from '../components/DetailsPanel'
import { useDestroyDialog } from '../stores/destroyDialog'
import { CloneTargets } from '../components/CloneTargets'
import { dropProps } from '../dnd'
import { openClone } from '../hooks/openClone'
import { useCopyHostDialog } from '../stores/copyHostDialog'
import { useHosts } from '../stores/hosts'
import { useLxcpaths } from '../stores/lxcpaths'
import { api, errorText } from '../api'

/** Above this many nodes, only what is in view is rendered (React Flow's own guidance). */
const VIRTUALIZE_ABOVE = 800
/** Where a graph too big to read whole starts on screen: its top-left node this far in. */
const CORNER_MARGIN = 24

/** A node's two handles: its dependents' edges leave its left side, its origin's edge ends on its right. */
const HANDLES: NodeHandle[] = [
  { type: 'source', position: Position.Left, x: 0, y: NODE_H / 2 - 0.5, width: 1, height: 1 },
  { type: 'target', position: Position.Right, x: NODE_W - 1, y: NODE_H / 2 - 0.5, width: 1, height: 1 }
]

type Menu = { node: LineageNode; at: { x: number; y: number } }
/** the destroy dialog is the app's one (stores/destroyDialog.ts, drawn by DestroyHost) */
type Dialog = { kind: 'snapshot'; node: LineageNode; mode: 'clone' | 'restore' }

/** The view that puts a graph's top-left node CORNER_MARGIN in from the pane's corner, at the readable zoom. */
function cornerOf(b: { x: number; y: number }): { x: number; y: number; zoom: number } {
  return { x: CORNER_MARGIN - b.x * READABLE_ZOOM, y: CORNER_MARGIN - b.y * READABLE_ZOOM, zoom: READABLE_ZOOM }
}

function Graph(): React.JSX.Element {
  const { t } = useTranslation()
  const graph = useLineage((s) => s.graph)
  const findings = useLineage((s) => s.findings)
  const keys = useSelection((s) => s.keys)
  const focusKey = useSelection((s) => s.focus)
  const setAll = useSelection((s) => s.setAll)
  const list = useContainers((s) => s.list)
  const theme = usePrefs((s) => s.theme)
  const direct = useMemo(() => directEdges(graph), [graph])
  const drawnGraph = useMemo(() => directGraph(graph, direct), [graph, direct])
  const { positions, error, tidy } = useLayout(drawnGraph)
  const [query, setQuery] = useState('')
  const matches = useMemo(() => searchNodes(graph, query), [graph, query])
  const flow = useReactFlow()
  const lxcpaths = useLxcpaths((s) => s.list)
  const [over, setOver] = useState(false)
  const [menu, setMenu] = useState<Menu | null>(null)
  const [dialog, setDialog] = useState<Dialog | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  // Zoomed out, arrowheads are specks that still cost a paint each: drawn only closer in.
  const far = useStore(zoomedOut)
  // A big graph zoomed out is drawn on one canvas (OverviewCanvas); its nodes stay known to
  // React Flow (fit, search) but hidden, as are their edges.
  const overview = far && graph.nodes.length > VIRTUALIZE_ABOVE
  const doomed = useHighlight((s) => s.ids)
  const byKey = useMemo(() => new Map(list.map((c) => [keyOf(c), c])), [list])
  const usageStatus = useUsage((s) => s.status)

  // Each node shows its exclusive size: measure once when nothing has been yet.
  useEffect(() => {
    if (usageStatus === 'idle') void useUsage.getState().fetch(api, usePrefs.getState().showHidden)
  }, [usageStatus])

  const nodes = useMemo<GraphFlowNode[]>(() => {
    if (!positions) return []
    const m = new Set(matches)
    // each word translated once, not once per node: a thousand t() calls cost a frame or more
    const words = new Map<string, string>()
    const word = (key: string): string => words.get(key) ?? (words.set(key, t(key as 'lineage.title')), words.get(key)!)
    return graph.nodes.map((n) => ({
      hidden: overview,
      id: n.id,
      type: 'lineage',
      position: positions[n.id] ?? { x: 0, y: 0 },
      width: NODE_W,
      height: NODE_H,
      // where the edges attach, given rather than measured: React Flow otherwise renders every
      // node once to measure it, out of view or not
      handles: HANDLES,
      selected: keys.includes(n.id),
      domAttributes: NODE_ATTRS,
      data: { node: n, findings: findings.get(n.id) ?? [], match: m.has(n.id) },
      ariaLabel: `${n.ref.name} (${word(`lineage.kind.${n.kind}`)}, ${n.backend ?? '?'}${n.kind === 'container' ? `, ${word(`state.${n.state}`)}` : ''})`
    }))
  }, [graph, positions, findings, keys, matches, overview, t])

  // The id is `from->to`: one drawn edge per pair. Orthogonal, in the gaps between the layers.
  const edges = useMemo<Edge[]>(() => {
    const label = Object.fromEntries(EDGE_KINDS.map((k) => [k, t(`lineage.edge.${k}`)]))
    return direct.drawn.map((e) => ({
        id: `${e.from}->${e.to}`,
        source: e.from,
        target: e.to,
        type: 'smoothstep',
        className: `edge-${e.kind}`,
        markerEnd: { type: MarkerType.ArrowClosed, color: edgeColor(e.kind), width: 14, height: 14 },
        data: { kind: e.kind },
        focusable: false,
        ariaLabel: label[e.kind]
      }))
  }, [direct, t])
  const kinds = useMemo(() => new Set<LineageEdgeKind>(direct.drawn.map((e) => e.kind)), [direct])

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

  const viewW = useStore((s) => s.width)
  const viewH = useStore((s) => s.height)
  // Fit by the layout's own positions: React Flow's fitView waits for nodes it has measured,
  // and the nodes of a big graph out of view never are. Fit never shrinks the names below
  // READABLE_ZOOM: what does not fit at that scale is reached by panning, the minimap showing
  // where the view is. Then the view starts at `anchor` (centred) or else at the graph's
  // top-left corner, where its roots are. Zooming out further is the user's own choice.
  const fitTo = (ids: readonly string[] | null, maxZoom = 1, anchor: string | null = useSelection.getState().focus, duration = 200): void => {
    if (!positions) return
    const b = overviewBounds(ids ? Object.fromEntries(ids.flatMap((id) => (positions[id] ? [[id, positions[id]]] : []))) : positions)
    if (!b) return
    const zoom = Math.min(maxZoom, (0.9 * viewW) / b.width, (0.9 * viewH) / b.height)
    if (zoom >= READABLE_ZOOM) return void flow.setCenter(b.x + b.width / 2, b.y + b.height / 2, { zoom, duration })
    // per axis: centred where the graph fits at the readable zoom, else on the anchor or the corner
    const at = anchor ? positions[anchor] : undefined
    const axis = (lo: number, size: number, view: number, node: number, anchorAt: number | undefined): number =>
      size * READABLE_ZOOM <= view - 2 * CORNER_MARGIN ? lo + size / 2 : anchorAt !== undefined ? anchorAt + node / 2 : lo + (view / 2 - CORNER_MARGIN) / READABLE_ZOOM
    void flow.setCenter(axis(b.x, b.width, viewW, NODE_W, at?.x), axis(b.y, b.height, viewH, NODE_H, at?.y), { zoom: READABLE_ZOOM, duration })
  }

  const findMatch = (): void => {
    if (!matches.length) return
    setAll([matches[0]!])
    fitTo(matches, 1.5, matches[0]!)
  }

  const run = (what: Promise<unknown>): void => void what.catch((e: unknown) => setFailure(errorText(e)))
  const onAction = (a: NodeAction): void => {
    if ('node' in a) return setDialog({ kind: 'snapshot', node: a.node, mode: a.kind === 'clone-snapshot' ? 'clone' : 'restore' })
    const c = a.container
    const ref = { lxcpath: c.lxcpath, name: c.name }
    switch (a.kind) {
      case 'clone':
        return openClone(ref, c.lxcpath)
      case 'copyToHost':
        return useCopyHostDialog.getState().show(ref, useHosts.getState().current)
      case 'snapshot':
        return run(api.createSnapshot(ref))
      case 'start':
      case 'stop':
        return run(useActionError.getState().run(api, a.kind, [c]))
      case 'destroy':
        return useDestroyDialog.getState().open(c)
      case 'config':
      case 'usage':
        useSelection.getState().select(keyOf(c))
        return usePrefs.getState().setView(a.kind)
    }
  }

  // The keyboard: the graph one Tab stop, the arrows between nodes, the menu's Escape back to its node.
  const graphKeys = useGraphKeys({
    graph,
    positions,
    selected: focusKey,
    virtualised: nodes.length > VIRTUALIZE_ABOVE,
    overview,
    onDelete: (id) => byKey.has(id) && useDestroyDialog.getState().open(byKey.get(id)!),
    openMenu: (node, at) => setMenu({ node, at })
  })
  const { withStop, menuClosing } = graphKeys
  const flowNodes = useMemo(() => withStop(nodes), [withStop, nodes])
  const menuOn = menu?.node.id
  const closeMenu = useCallback(() => {
    if (menuOn) menuClosing(menuOn)
    setMenu(null)
  }, [menuOn, menuClosing])
  const ariaLabelConfig = useMemo(() => ({ 'node.a11yDescription.default': t('lineage.nodeKeys'), 'node.a11yDescription.keyboardDisabled': t('lineage.nodeKeys'), 'edge.a11yDescription.default': '' }), [t])

  // A big graph opens at the readable zoom on its top-left corner (where the layout starts)
  // rather than as a thousand tiny boxes: only what is in view is drawn, so it paints and pans
  // quickly. A small one opens as Fit shows it, once the pane's size is known, on the selected
  // container where it cannot be shown whole.
  const big = nodes.length > VIRTUALIZE_ABOVE
  // Until React Flow knows its size it counts every node as in view: a big graph's nodes are
  // handed over once it does, so only the visible ones are ever rendered.
  const sized = viewW > 0 && viewH > 0
  const handOver = !big || sized
  const corner = useMemo(() => cornerOf(overviewBounds(positions ?? {}) ?? { x: 0, y: 0, width: 0, height: 0 }), [positions])
  const placed = useRef(false)
  useEffect(() => {
    if (placed.current || big || !sized || !positions || !nodes.length) return
    placed.current = true
    // from the container the details show (selected in the table), else from the roots
    fitTo(null, 1, useSelection.getState().focus, 0)
  })
  const dark = resolveTheme(theme, matchMedia('(prefers-color-scheme: dark)').matches) === 'dark'
  return (
    <div className="graph-wrap">
      <Toolbar className="lineage-toolbar" inset={{ default: 'insetSm' }}>
        <ToolbarContent>
          <ToolbarItem>
            <Title headingLevel="h2" size="lg">{t('lineage.title')}</Title>
          </ToolbarItem>
          <ToolbarItem>
            <SearchInput
              aria-label={t('lineage.search')}
              placeholder={t('lineage.searchPlaceholder')}
              data-testid="graph-search"
              value={query}
              onChange={(_e, v) => setQuery(v)}
              onClear={() => setQuery('')}
              onSearch={findMatch}
              resultsCount={query ? t('lineage.matches', { count: matches.length }) : undefined}
            />
          </ToolbarItem>
          <ToolbarGroup variant="action-group-plain" align={{ default: 'alignEnd' }}>
            <ToolbarItem>
              <Button variant="plain" onClick={() => void flow.zoomIn()} aria-label={t('lineage.zoomIn')} icon={<SearchPlusIcon />} />
            </ToolbarItem>
            <ToolbarItem>
              <Button variant="plain" onClick={() => void flow.zoomOut()} aria-label={t('lineage.zoomOut')} icon={<SearchMinusIcon />} />
            </ToolbarItem>
            <ToolbarItem>
              <Button variant="secondary" data-testid="graph-fit" icon={<ExpandIcon />} onClick={() => fitTo(null)}>{t('lineage.fit')}</Button>
            </ToolbarItem>
            <ToolbarItem>
              {/* a native tooltip: PatternFly's re-reads the layout on every render of the graph */}
              <Button variant="secondary" data-testid="graph-tidy" icon={<SitemapIcon />} onClick={tidy} title={t('lineage.tidyHelp')}>{t('lineage.tidy')}</Button>
            </ToolbarItem>
          </ToolbarGroup>
        </ToolbarContent>
      </Toolbar>
      <div className="lineage-subbar">
        <Legend kinds={kinds} />
        <CloneTargets lxcpaths={lxcpaths} />
      </div>
      {failure && (
        <Alert variant="danger" isInline title={failure} actionClose={<AlertActionCloseButton onClose={() => setFailure(null)} />} data-testid="graph-action-error" />
      )}
      {/* Dropping a container anywhere on the canvas clones it into its own lxcpath. */}
      <div className={['graph', over ? 'over' : '', far ? 'far' : ''].join(' ')} data-testid="graph" onKeyDownCapture={graphKeys.onKeyDown} onFocus={graphKeys.onFocus} {...dropProps((ref) => openClone(ref, ref.lxcpath), setOver)}>
        {error ? (
          <p className="error">{error}</p>
        ) : !graph.nodes.length ? (
          <p className="muted pad">{t('lineage.empty')}</p>
        ) : !positions ? (
          <p className="muted pad">{t('lineage.layouting')}</p>
        ) : (
          // Mounted once there are nodes, so the first view (fitted, or a big graph's corner)
          // is chosen for them; later changes keep the view where the user left it.
          <ReactFlow
            nodes={handOver ? flowNodes : []}
            // none while the overview canvas draws them: React Flow would still add and remove
            // an (empty) element per edge as edges enter and leave the view on every pan frame
            edges={handOver && !overview ? edges : []}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onNodeContextMenu={(e, n) => {
              e.preventDefault()
              setMenu({ node: n.data.node, at: { x: e.clientX, y: e.clientY } })
            }}
            onNodeDoubleClick={(_e, n) => setAll([n.id])}
            onPaneClick={() => setMenu(null)}
            nodesDraggable={false}
            nodesConnectable={false}
            edgesFocusable={false}
            deleteKeyCode={null}
            disableKeyboardA11y={false}
            onlyRenderVisibleElements={nodes.length > VIRTUALIZE_ABOVE}
            colorMode={dark ? 'dark' : 'light'}
            defaultViewport={big ? corner : undefined}
            minZoom={0.05}
            proOptions={{ hideAttribution: true }}
            tabIndex={graphKeys.paneTabIndex}
            aria-label={t('lineage.title')}
            ariaLabelConfig={ariaLabelConfig}
          >
            {/* the dot grid only closer in: zoomed out, its dots are a pixel or two apart and the
                pattern repainted across the whole pane on every pan frame cost more than the graph */}
            {!far && <Background />}
            <CanvasMiniMap graph={drawnGraph} positions={positions} theme={dark ? 'dark' : 'light'} />
            {overview && (
              <OverviewCanvas
                graph={drawnGraph}
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
      <LineagePanel focus={focusKey} drawn={direct.drawn} transitive={focusKey ? (direct.transitive.get(focusKey) ?? []) : []} />
      {menu && <NodeMenu node={menu.node} container={byKey.get(menu.node.id)} at={menu.at} onAction={onAction} onClose={closeMenu} />}
      {dialog?.kind === 'snapshot' && <SnapshotDialog node={dialog.node} mode={dialog.mode} onClose={() => setDialog(null)} />}
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
