// Disk usage from main's measurement: per container, or why it is not available. Nothing is
// estimated here: until a figure arrives the UI says "measuring…", and "unknown" if none can.
import { create } from 'zustand'
import type { StrataApi } from '@shared/api'
import type { ContainerInfo, ContainerUsage } from '@shared/model'
import { notAConsole } from './consoles'
import type { Said } from '@shared/engine-text'
import { errorDataText, errorText } from '../i18n/said'

export type UsageStatus = 'idle' | 'measuring' | 'ready' | 'unavailable'

/** A lineage tree: a root (no origin among the listed) and every container under it. */
export interface TreeUsage {
  root: string
  members: string[]
  /** on disk: each member's exclusive once (a base's rootfs, which its clones share, is the base's) */
  onDiskBytes: number
  /** what full copies of the members would take on top: their shared bytes */
  savedBytes: number
}

const key = (r: { lxcpath: string; name: string }): string => `${r.lxcpath}/${r.name}`

/** Usage per lineage tree of more than one container (grouped under their top-most origin). */
export function treeUsage(list: ContainerInfo[], usage: Map<string, ContainerUsage>): TreeUsage[] {
  const byKey = new Map(list.map((c) => [key(c), c]))
  const rootOf = (c: ContainerInfo): string => {
    let cur = c
    for (let i = 0; i < 64 && cur.origin && byKey.has(key(cur.origin)); i++) cur = byKey.get(key(cur.origin))!
    return key(cur)
  }
  const trees = new Map<string, TreeUsage>()
  for (const c of list) {
    const r = rootOf(c)
    const t = trees.get(r) ?? { root: r, members: [], onDiskBytes: 0, savedBytes: 0 }
    t.members.push(key(c))
    const u = usage.get(key(c))
    if (u) {
      t.onDiskBytes += u.exclusiveBytes
      t.savedBytes += u.sharedBytes
    }
    trees.set(r, t)
  }
  return [...trees.values()].filter((t) => t.members.length > 1).sort((a, b) => b.onDiskBytes - a.onDiskBytes)
}

/** The one size formatter (shared with the table, the dialogs and the CLI). */
export { formatBytes } from '@shared/format-bytes'

/** What the engine's usage watch sends (engine/usage-watch.ts UsageUpdate). */
interface UsageUpdate {
  measuring: boolean
  containers?: ContainerUsage[]
  projectQuota?: { available: boolean; reason: string; said?: Said }
}

/** The engine's note on project quotas: its sentence as data, or its English from an older engine. */
export type QuotaNote = Said | string

type WatchApi = Pick<StrataApi, 'watchUsage' | 'closeStream' | 'on'>

interface UsageState {
  status: UsageStatus
  byKey: Map<string, ContainerUsage>
  error: string | null
  /** a whole measurement is under way (the first, or after the change feed overflowed); figures may be older */
  measuring: boolean
  /** why the filesystem's own accounting (project quotas) is not used, when it is not */
  quotaNote: QuotaNote | null
  /**
   * `all`: hidden containers get figures too. `after`: asked only once it settles (the first
   * view's rows painted), measuring from now: the rows show "measuring" from their first
   * render instead of changing, all of them, right after it.
   */
  fetch(api: Pick<StrataApi, 'usage'>, all?: boolean, after?: Promise<unknown>): Promise<void>
  /**
   * Keeps the figures current from the engine's usage watch until the answer is called: one
   * watch per lxcpath (each may be served by another engine: in process, the root helper, the
   * user's namespace), or one over the engine's own when none are given.
   */
  watch(api: WatchApi, all?: boolean, lxcpaths?: readonly string[]): () => void
}

let measureAgain = false

export const useUsage = create<UsageState>()((set, get) => ({
  status: 'idle',
  byKey: new Map(),
  error: null,
  measuring: false,
  quotaNote: null,
  watch(api, all = false, lxcpaths) {
    const scopes: (string | undefined)[] = lxcpaths?.length ? [...lxcpaths] : [undefined]
    /** each watch's latest figures and whether it is measuring, by stream */
    const parts = new Map<string, { containers: ContainerUsage[] | null; measuring: boolean }>()
    const streams = new Set<string>()
    let stopped = false
    const publish = (quotaNote: QuotaNote | null | undefined): void => {
      const measuring = [...parts.values()].some((p) => p.measuring) || parts.size < scopes.length
      const ready = [...parts.values()].some((p) => p.containers)
      const byKey = new Map([...parts.values()].flatMap((p) => p.containers ?? []).map((c) => [key(c.ref), c]))
      set((s) => ({
        measuring,
        ...(quotaNote !== undefined ? { quotaNote } : {}),
        ...(ready ? { status: 'ready' as const, byKey, error: null } : { status: s.status === 'ready' ? 'ready' : 'measuring' })
      }))
    }
    const offData = api.on('streamData', (e) => {
      if (!streams.has(e.streamId)) return
      const u = JSON.parse(e.data) as UsageUpdate
      const before = parts.get(e.streamId)
      parts.set(e.streamId, { containers: u.containers ?? before?.containers ?? null, measuring: u.measuring })
      publish(u.projectQuota ? (u.projectQuota.available ? null : (u.projectQuota.said ?? u.projectQuota.reason)) : undefined)
    })
    const offEnd = api.on('streamEnd', (e) => {
      if (!streams.has(e.streamId)) return
      streams.delete(e.streamId)
      if (e.error) set({ status: 'unavailable', error: errorDataText(e.error), measuring: false })
    })
    set((s) => ({ measuring: true, status: s.status === 'ready' ? 'ready' : 'measuring' }))
    for (const lxcpath of scopes) {
      api.watchUsage({ all, ...(lxcpath ? { lxcpaths: [lxcpath] } : {}) }).then(
        (r) => {
          notAConsole(r.streamId) // its messages are ours, not a terminal's to wait for
          streams.add(r.streamId)
          if (stopped) void api.closeStream({ streamId: r.streamId }).catch(() => undefined)
        },
        (e: unknown) => set({ status: 'unavailable', measuring: false, error: errorText(e) })
      )
    }
    return () => {
      stopped = true
      offData()
      offEnd()
      for (const streamId of streams) void api.closeStream({ streamId }).catch(() => undefined)
      streams.clear()
    }
  },
  async fetch(api, all = false, after) {
    // One measurement at a time; a change meanwhile is measured once more after it, not dropped.
    if (get().status === 'measuring') {
      measureAgain = true
      return
    }
    set({ status: 'measuring' })
    try {
      await after
      const list = await api.usage({ all })
      set({ status: 'ready', byKey: new Map(list.map((u) => [key(u.ref), u])), error: null })
    } catch (e) {
      set({ status: 'unavailable', byKey: new Map(), error: errorText(e) })
    }
    if (measureAgain) {
      measureAgain = false
      await get().fetch(api, all)
    }
  }
}))
