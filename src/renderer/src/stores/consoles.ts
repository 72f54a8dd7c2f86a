// Open consoles, one tab each: which container, which kind, open or ended. Output does not go
// through the store (it would re-render on every chunk): each terminal registers a sink for its
// stream, and output that arrives before the sink (or before the open call answered) waits here.
import { create } from 'zustand'
import type { Events, StrataApi } from '@shared/api'
import type { ConsoleKind } from '@shared/engine-api'
import type { ContainerRef } from '@shared/model'
import { useHosts } from './hosts'
import { errorDataText, errorText } from '../i18n/said'

export interface ConsoleTab {
  streamId: string
  ref: ContainerRef
  /** the host the container is on (null: this computer); the console stays when the user switches hosts */
  host: string | null
  kind: ConsoleKind
  /** opening: asked, no id yet is never stored; ended: the program exited or it was closed */
  status: 'open' | 'ended'
  /** why it ended, in the engine's words (an error) or null for a plain exit */
  error: string | null
  exitCode: number | null
}

type Sink = { data(d: string): void; end(e: Events['streamEnd']): void }

const sinks = new Map<string, Sink>()
const waiting = new Map<string, { data: string[]; end: Events['streamEnd'] | null }>()
/** tabs the user closed: their last output and end are dropped, not kept waiting */
const dropped = new Set<string>()
/** streams that are not consoles (the usage watch): never kept waiting here, until their end */
const foreign = new Set<string>()

/** Says a stream is someone else's (not a console's): its output is not kept for a terminal. */
export function notAConsole(streamId: string): void {
  foreign.add(streamId)
  waiting.delete(streamId)
}

function pendingFor(id: string): { data: string[]; end: Events['streamEnd'] | null } {
  let w = waiting.get(id)
  if (!w) waiting.set(id, (w = { data: [], end: null }))
  return w
}

/** A terminal takes its stream's output; what arrived before is handed over at once. */
export function attachSink(streamId: string, sink: Sink): () => void {
  sinks.set(streamId, sink)
  const w = waiting.get(streamId)
  waiting.delete(streamId)
  w?.data.forEach((d) => sink.data(d))
  if (w?.end) sink.end(w.end)
  return () => void (sinks.get(streamId) === sink && sinks.delete(streamId))
}

interface ConsolesState {
  tabs: ConsoleTab[]
  active: string | null
  /** the last open failure (not running, too many consoles), shown above the tabs */
  error: string | null
  open(api: StrataApi, ref: ContainerRef, kind: ConsoleKind): Promise<void>
  /** closes the stream if still open and drops the tab */
  close(api: StrataApi, streamId: string): void
  activate(streamId: string): void
  /** wires the stream events once (the app's lifetime) */
  listen(api: StrataApi): () => void
}

export const useConsoles = create<ConsolesState>((set, get) => ({
  tabs: [],
  active: null,
  error: null,
  async open(api, ref, kind) {
    set({ error: null })
    try {
      // 80x24 until the terminal is laid out: its first fit sends the real size.
      const host = useHosts.getState().current
      const { streamId } = await api.openConsole({ lxcpath: ref.lxcpath, name: ref.name, kind, cols: 80, rows: 24, ...(host === null ? {} : { host }) })
      set((s) => ({ tabs: [...s.tabs, { streamId, ref, host, kind, status: 'open', error: null, exitCode: null }], active: streamId }))
    } catch (e) {
      set({ error: errorText(e) })
    }
  },
  close(api, streamId) {
    const tab = get().tabs.find((t) => t.streamId === streamId)
    if (tab?.status === 'open') void api.closeStream({ streamId }).catch(() => undefined)
    sinks.delete(streamId)
    waiting.delete(streamId)
    if (tab?.status === 'open') dropped.add(streamId)
    set((s) => {
      const tabs = s.tabs.filter((t) => t.streamId !== streamId)
      const active = s.active === streamId ? (tabs.at(-1)?.streamId ?? null) : s.active
      return { tabs, active }
    })
  },
  activate(streamId) {
    set({ active: streamId })
  },
  listen(api) {
    const offData = api.on('streamData', (e) => {
      if (dropped.has(e.streamId) || foreign.has(e.streamId)) return
      const sink = sinks.get(e.streamId)
      if (sink) sink.data(e.data)
      else pendingFor(e.streamId).data.push(e.data)
    })
    const offEnd = api.on('streamEnd', (e) => {
      if (dropped.delete(e.streamId) || foreign.delete(e.streamId)) return
      set((s) => ({
        tabs: s.tabs.map((t) =>
          t.streamId === e.streamId ? { ...t, status: 'ended', error: e.error ? errorDataText(e.error) : null, exitCode: e.result?.exitCode ?? null } : t
        )
      }))
      const sink = sinks.get(e.streamId)
      if (sink) sink.end(e)
      else pendingFor(e.streamId).end = e
    })
    return () => {
      offData()
      offEnd()
    }
  }
}))
