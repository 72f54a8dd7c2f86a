// The lineage graph's keyboard, by the rule the containers table follows (ContainerTableKeys):
// the graph is ONE Tab stop, the node last focused (else the container selected, else the
// top-left root); the arrows move between nodes (keyboardNav), bringing the next one into view;
// Enter or Space selects (React Flow's own), Delete asks to destroy, Shift+F10 or the context-menu
// key opens the node's menu, and Escape in that menu brings the focus back to its node. Edges
// take no focus. Every node has tabIndex -1 and the Tab stop's node 0 (React Flow's
// `domAttributes`, set on that one node object only, so React Flow draws no other node again).
// When that node is not rendered (out of view in a big graph, whose nodes are rendered only in
// view, or drawn by the overview canvas) the graph's pane is the Tab stop, and Tab onto it brings
// the node into view and focuses it. The focused node gone (destroyed, by Delete or from a
// terminal) hands the Tab stop to the node nearest to where it was, which takes the focus fallen
// to the page with it, or coming back from the dialog opened from it (useFocusFallback).
import { useCallback, useEffect, useMemo, useState } from 'react'
import { useReactFlow, useStore, type ReactFlowState } from '@xyflow/react'
import type { LineageGraph, LineageNode } from '@shared/model'
import { NODE_H, NODE_W, type Positions } from './layout'
import { neighbour, type Direction } from './keyboardNav'
import { READABLE_ZOOM, type GraphFlowNode } from './GraphNode'
import { useFocusFallback } from '../hooks/useFocusFallback'

/** every node's: only the Tab stop's is 0 */
export const NODE_ATTRS = { tabIndex: -1 }
const STOP = { tabIndex: 0 }

/** The DOM element of a node, by its id (React Flow renders `data-id`). */
export const nodeElement = (id: string): HTMLElement | null => document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`)

/** The node at the top left: the first root of the layered layout. */
function topLeft(positions: Positions): string | null {
  let best: string | null = null
  for (const [id, p] of Object.entries(positions)) {
    const b = best === null ? undefined : positions[best]!
    if (!b || p.x < b.x || (p.x === b.x && p.y < b.y)) best = id
  }
  return best
}

/** The node drawn nearest to `at` (a node gone was there). */
function nearest(positions: Positions, at: { x: number; y: number }): string | null {
  let best: string | null = null
  let bestDistance = Infinity
  for (const [id, p] of Object.entries(positions)) {
    const d = Math.hypot(p.x - at.x, p.y - at.y)
    if (d < bestDistance) {
      bestDistance = d
      best = id
    }
  }
  return best
}

/** Whether any of the node's box is in the pane's view: React Flow renders it then, even when it renders only the nodes in view. */
const inView = (p: { x: number; y: number } | undefined) => (s: ReactFlowState): boolean => {
  if (!p) return false
  const [tx, ty, zoom] = s.transform
  const left = p.x * zoom + tx
  const top = p.y * zoom + ty
  return left < s.width && left + NODE_W * zoom > 0 && top < s.height && top + NODE_H * zoom > 0
}

export interface GraphKeysInput {
  graph: LineageGraph
  positions: Positions | null
  /** the container selected (the details panel's): the Tab stop before any node was focused */
  selected: string | null
  /** nodes are rendered only in view (a big graph) */
  virtualised: boolean
  /** no node is rendered: the overview canvas draws them */
  overview: boolean
  onDelete(id: string): void
  openMenu(node: LineageNode, at: { x: number; y: number }): void
}

export interface GraphKeys {
  /** the nodes (made with NODE_ATTRS) with the Tab stop's tabIndex given */
  withStop(nodes: GraphFlowNode[]): GraphFlowNode[]
  /** for the React Flow pane: a Tab stop only while the stop's node is not rendered */
  paneTabIndex: 0 | undefined
  onKeyDown(e: React.KeyboardEvent): void
  onFocus(e: React.FocusEvent): void
  /** the menu of this node closes: the focus goes back to the node when it was in the menu */
  menuClosing(id: string): void
}

export function useGraphKeys({ graph, positions, selected, virtualised, overview, onDelete, openMenu }: GraphKeysInput): GraphKeys {
  const flow = useReactFlow()
  // the node last focused, and where it was last drawn
  const [focused, setFocused] = useState<{ id: string; at: { x: number; y: number } | undefined } | null>(null)
  // the layout may move it after it took the focus (a node just added, laid out again): the place
  // it had when it went is where its neighbours are, not the place it had when focused
  useEffect(() => {
    const p = focused && positions?.[focused.id]
    if (p && (p.x !== focused.at?.x || p.y !== focused.at?.y)) setFocused({ id: focused.id, at: p })
  }, [focused, positions])
  const ids = useMemo(() => new Set(graph.nodes.map((n) => n.id)), [graph])
  const first = useMemo(() => (positions ? topLeft(positions) : null), [positions])
  // gone: the node nearest to where it was
  const inItsPlace = useMemo(() => (focused && !ids.has(focused.id) && focused.at && positions ? nearest(positions, focused.at) : null), [focused, ids, positions])
  const stop = focused !== null && ids.has(focused.id) ? focused.id : (inItsPlace ?? (selected !== null && ids.has(selected) ? selected : first))
  const stopInView = useStore(inView(stop !== null ? positions?.[stop] : undefined))
  const stopRendered = stop !== null && !overview && (!virtualised || stopInView)

  const withStop = useCallback((nodes: GraphFlowNode[]) => nodes.map((n) => (n.id === stop ? { ...n, domAttributes: STOP } : n)), [stop])

  /** Centre the node (at a zoom where it is drawn as a node) and focus it once it is rendered. */
  const bringTo = useCallback(
    (id: string) => {
      const p = positions?.[id]
      if (!p) return
      void flow.setCenter(p.x + NODE_W / 2, p.y + NODE_H / 2, { zoom: Math.max(flow.getZoom(), READABLE_ZOOM), duration: 0 })
      // a node out of view is rendered once it is centred: focus it on the next frame
      requestAnimationFrame(() => requestAnimationFrame(() => nodeElement(id)?.focus()))
    },
    [positions, flow]
  )

  const onFocus = useCallback(
    (e: React.FocusEvent) => {
      const t = e.target as HTMLElement
      const id = t.classList.contains('react-flow__node') ? t.dataset.id : undefined
      if (id) return setFocused({ id, at: positions?.[id] })
      // Tab onto the pane, standing for a node not rendered: bring the node
      if (t.classList.contains('react-flow') && stop !== null && t.matches(':focus-visible')) bringTo(stop)
    },
    [stop, bringTo, positions]
  )

  useFocusFallback(
    () => document.querySelector<HTMLElement>('.react-flow'),
    () => (stop === null ? null : (nodeElement(stop) ?? document.querySelector<HTMLElement>('.react-flow')))
  )

  const onKeyDown = useCallback(
    (e: React.KeyboardEvent) => {
      const el = (e.target as HTMLElement).closest<HTMLElement>('.react-flow__node')
      const id = el?.dataset.id
      if (!el || !id || !positions) return
      if (e.key.startsWith('Arrow')) {
        e.preventDefault()
        e.stopPropagation()
        const next = neighbour(positions, id, e.key as Direction)
        if (next) bringTo(next)
      } else if (e.key === 'Delete') {
        e.preventDefault()
        onDelete(id)
      } else if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
        const node = graph.nodes.find((n) => n.id === id)
        if (!node) return
        e.preventDefault()
        const r = el.getBoundingClientRect()
        openMenu(node, { x: r.left + r.width / 2, y: r.bottom })
      }
    },
    [positions, graph, bringTo, onDelete, openMenu]
  )

  const menuClosing = useCallback((id: string) => {
    if (document.activeElement?.closest('[data-testid="node-menu"]')) nodeElement(id)?.focus()
  }, [])

  return { withStop, paneTabIndex: stop !== null && !stopRendered ? 0 : undefined, onKeyDown, onFocus, menuClosing }
}
