// Layout positions for a graph (its drawn, direct edges), cached by the graph's shape, so state
// changes (running/stopped) do not re-layout: a forest (the usual lineage) is laid out at once
// on this thread, anything else by ELK in the worker. A change of shape keeps the nodes that
// stay where they were (stableLayout.ts) until the user asks for a tidy layout.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { LineageGraph } from '@shared/model'
import { shapeKey } from '../stores/lineage'
import { fromElk, toElk, type LayoutResponse, type Positions } from './layout'
import { forestLayout } from './forestLayout'
import { extendLayout } from './stableLayout'
import LayoutWorker from './layout.worker?worker'

let worker: Worker | null = null
let workerBroken = false
let seq = 0
const cache = new Map<string, Positions>()
const waiting = new Map<number, { g: LineageGraph; resolve: (r: LayoutResponse) => void }>()

/**
 * Fallback when a worker cannot start (e.g. a module worker refused under file:// in some
 * Electron setups): the same ELK layout on the UI thread, loaded lazily.
 */
async function layoutInThread(s: number, g: LineageGraph): Promise<LayoutResponse> {
  try {
    const { default: ELK } = await import('elkjs/lib/elk.bundled.js')
    return { seq: s, positions: fromElk(await new ELK().layout(toElk(g))) }
  } catch (e) {
    return { seq: s, error: e instanceof Error ? e.message : String(e) }
  }
}

function startWorker(): Worker | null {
  if (worker || workerBroken) return worker
  try {
    const w = new LayoutWorker()
    w.onmessage = (ev: MessageEvent<LayoutResponse>) => {
      waiting.get(ev.data.seq)?.resolve(ev.data)
      waiting.delete(ev.data.seq)
    }
    w.onerror = () => {
      workerBroken = true
      worker = null
      for (const [s, { g, resolve }] of waiting) void layoutInThread(s, g).then(resolve)
      waiting.clear()
    }
    worker = w
  } catch {
    workerBroken = true
  }
  return worker
}

function layout(g: LineageGraph): Promise<LayoutResponse> {
  const s = ++seq
  const w = startWorker()
  if (!w) return layoutInThread(s, g)
  return new Promise((resolve) => {
    waiting.set(s, { g, resolve })
    w.postMessage({ seq: s, graph: toElk(g) })
  })
}

/** The positions last shown: a new shape extends them instead of moving everything. */
let shown: Positions | null = null

/** The forest layout when the graph is one (kept stable against what was shown), cached; null when it needs ELK. */
function forestPositions(key: string, g: LineageGraph): Positions | null {
  const hit = cache.get(key)
  if (hit) return hit
  const full = forestLayout(g)
  if (!full) return null
  const p = (shown && extendLayout(shown, g)) ?? full
  cache.set(key, p)
  return p
}

/** Positions for the graph (null while ELK works), the shape key they belong to, and a tidy re-layout. */
export function useLayout(g: LineageGraph): { positions: Positions | null; error: string | null; key: string; tidy(): void } {
  const key = shapeKey(g)
  const [, redraw] = useState(0)
  const forest = forestPositions(key, g)
  const elk = useElkLayout(forest ? null : key, g)
  const result = forest ? { positions: forest, error: null } : elk
  if (result.positions) shown = result.positions
  const tidy = useCallback(() => {
    shown = null
    cache.clear()
    redraw((n) => n + 1)
  }, [])
  return { ...result, key, tidy }
}

/** ELK in the worker for `key`'s graph; idle when `key` is null (the forest layout applies). */
function useElkLayout(key: string | null, g: LineageGraph): { positions: Positions | null; error: string | null } {
  const [state, setState] = useState<{ key: string | null; positions: Positions | null; error: string | null }>(() => ({
    key,
    positions: key === null ? null : (cache.get(key) ?? null),
    error: null
  }))
  const latest = useRef(key)
  latest.current = key
  useEffect(() => {
    if (key === null) return
    const hit = cache.get(key)
    if (hit) return setState({ key, positions: hit, error: null })
    void layout(g).then((r) => {
      if ('positions' in r) cache.set(key, r.positions)
      if (latest.current !== key) return
      setState('positions' in r ? { key, positions: r.positions, error: null } : { key, positions: null, error: r.error })
    })
    // `key` captures the graph's shape; `g` itself changes on every refetch.
  }, [key])
  if (key === null) return { positions: null, error: null }
  return state.key === key ? state : { positions: cache.get(key) ?? null, error: null }
}
