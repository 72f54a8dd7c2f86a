// Layout positions for a graph, computed in the worker and cached by the graph's shape, so
// state changes (running/stopped) do not re-layout.
import { useEffect, useRef, useState } from 'react'
import type { LineageGraph } from '@shared/model'
import { shapeKey } from '../stores/lineage'
import { toElk, type LayoutResponse, type Positions } from './layout'
import LayoutWorker from './layout.worker?worker'

let worker: Worker | null = null
let seq = 0
const cache = new Map<string, Positions>()
const waiting = new Map<number, (r: LayoutResponse) => void>()

function layout(g: LineageGraph): Promise<LayoutResponse> {
  if (!worker) {
    worker = new LayoutWorker()
    worker.onmessage = (ev: MessageEvent<LayoutResponse>) => {
      waiting.get(ev.data.seq)?.(ev.data)
      waiting.delete(ev.data.seq)
    }
  }
  const s = ++seq
  return new Promise((resolve) => {
    waiting.set(s, resolve)
    worker!.postMessage({ seq: s, graph: toElk(g) })
  })
}

export function useLayout(g: LineageGraph): { positions: Positions | null; error: string | null } {
  const key = shapeKey(g)
  const [state, setState] = useState<{ key: string; positions: Positions | null; error: string | null }>(() => ({
    key,
    positions: cache.get(key) ?? null,
    error: null
  }))
  const latest = useRef(key)
  latest.current = key
  useEffect(() => {
    const hit = cache.get(key)
    if (hit) return setState({ key, positions: hit, error: null })
    void layout(g).then((r) => {
      if ('positions' in r) cache.set(key, r.positions)
      if (latest.current !== key) return
      setState('positions' in r ? { key, positions: r.positions, error: null } : { key, positions: null, error: r.error })
    })
    // `key` captures the graph's shape; `g` itself changes on every refetch.
  }, [key])
  return state.key === key ? state : { positions: cache.get(key) ?? null, error: null }
}
