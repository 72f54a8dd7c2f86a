// Disk usage from main's measurement: per container, or why it is not available. Nothing is
// estimated here: until a figure arrives the UI says "measuring…", and "unknown" if none can.
import { create } from 'zustand'
import type { StrataApi } from '@shared/api'
import type { ContainerInfo, ContainerUsage } from '@shared/model'

export type UsageStatus = 'idle' | 'measuring' | 'ready' | 'unavailable'

/** A lineage tree: a root (no origin among the listed) and every container under it. */
export interface TreeUsage {
  root: string
  members: string[]
  exclusiveBytes: number
  sharedBytes: number
  freedIfDeletedBytes: number
}

const key = (r: { lxcpath: string; name: string }): string => `${r.lxcpath}/${r.name}`

/** Sum usage per lineage tree (containers grouped under their top-most origin). */
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
    const t = trees.get(r) ?? { root: r, members: [], exclusiveBytes: 0, sharedBytes: 0, freedIfDeletedBytes: 0 }
    t.members.push(key(c))
    const u = usage.get(key(c))
    if (u) {
      t.exclusiveBytes += u.exclusiveBytes
      t.sharedBytes += u.sharedBytes
    }
    trees.set(r, t)
  }
  // Deleting a whole tree frees what its root would free with its dependents.
  for (const t of trees.values()) t.freedIfDeletedBytes = usage.get(t.root)?.freedIfDeletedBytes ?? t.exclusiveBytes
  return [...trees.values()].sort((a, b) => b.exclusiveBytes - a.exclusiveBytes)
}

/** 1536 -> "1.5 KiB" */
export function formatBytes(n: number, locale = 'en'): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: i === 0 ? 0 : 1 }).format(v)} ${units[i]}`
}

interface UsageState {
  status: UsageStatus
  byKey: Map<string, ContainerUsage>
  error: string | null
  /** `all`: hidden containers get figures too */
  fetch(api: Pick<StrataApi, 'usage'>, all?: boolean): Promise<void>
}

export const useUsage = create<UsageState>()((set, get) => ({
  status: 'idle',
  byKey: new Map(),
  error: null,
  async fetch(api, all = false) {
    if (get().status === 'measuring') return
    set({ status: 'measuring' })
    try {
      const list = await api.usage({ all })
      set({ status: 'ready', byKey: new Map(list.map((u) => [key(u.ref), u])), error: null })
    } catch (e) {
      set({ status: 'unavailable', byKey: new Map(), error: e instanceof Error ? e.message : String(e) })
    }
  }
}))
