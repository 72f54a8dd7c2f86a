// The lineage graph as the engine reports it, plus findings indexed by node for the view.
import { create } from 'zustand'
import type { Finding, LineageGraph } from '@shared/model'
import type { StrataApi } from '@shared/api'
import { newestAnswer } from './newestAnswer'
import { errorText } from '../i18n/said'

/** Findings per node id (`<lxcpath>/<name>`), so a node can be marked red with its reasons. */
export function findingsByNode(g: LineageGraph): Map<string, Finding[]> {
  const m = new Map<string, Finding[]>()
  for (const f of g.findings) {
    const id = `${f.subject.lxcpath}/${f.subject.name}`
    m.set(id, [...(m.get(id) ?? []), f])
  }
  return m
}

/** Node ids whose name contains the query (case-insensitive); empty query matches none. */
export function searchNodes(g: LineageGraph, q: string): string[] {
  const s = q.trim().toLowerCase()
  return s ? g.nodes.filter((n) => n.ref.name.toLowerCase().includes(s)).map((n) => n.id) : []
}

/** A cheap identity for the graph's shape: the layout is recomputed only when it changes. */
export function shapeKey(g: LineageGraph): string {
  return g.nodes.map((n) => n.id).sort().join('|') + '#' + g.edges.map((e) => `${e.from}>${e.to}`).sort().join('|')
}

interface LineageState {
  graph: LineageGraph
  findings: Map<string, Finding[]>
  error: string | null
  /** `all`: hidden containers too, as the engine draws them */
  fetch(api: Pick<StrataApi, 'lineage'>, all?: boolean): Promise<void>
}

const empty: LineageGraph = { nodes: [], edges: [], findings: [] }

const drawing = newestAnswer()

export const useLineage = create<LineageState>()((set) => ({
  graph: empty,
  findings: new Map(),
  error: null,
  async fetch(api, all = false) {
    try {
      await drawing(api.lineage({ all }), (graph) => {
        // when the data arrived: the benchmark times the graph's layout + first paint from here
        performance.mark('strata:lineage-data')
        set({ graph, findings: findingsByNode(graph), error: null })
      })
    } catch (e) {
      set({ error: errorText(e) })
    }
  }
}))
