// The container list and the table's view of it (sort, filter). Pure helpers are exported
// for tests; the store only holds data and calls the API it is given.
import { create } from 'zustand'
import type { ContainerInfo } from '@shared/model'
import type { StrataApi } from '@shared/api'
import { newestAnswer } from './newestAnswer'
import { errorText } from '../i18n/said'

export type SortKey = 'name' | 'state' | 'backend' | 'origin' | 'dependents' | 'snapshots' | 'problems' | 'size'
export interface Sort {
  key: SortKey
  dir: 'asc' | 'desc'
}

export const keyOf = (c: { lxcpath: string; name: string }): string => `${c.lxcpath}/${c.name}`

/** A container's measured size, or undefined while unknown (sorted last either way). */
export type SizeOf = (c: ContainerInfo) => number | undefined

const sortValue = (c: ContainerInfo, k: SortKey, sizeOf: SizeOf): string | number => {
  switch (k) {
    case 'size': return sizeOf(c) ?? -1
    case 'name': return c.name
    case 'state': return c.state
    case 'backend': return c.backend ?? ''
    case 'origin': return c.origin?.name ?? c.copiedFrom?.ref.name ?? ''
    case 'dependents': return c.dependents.length
    case 'snapshots': return c.snapshots.length
    case 'problems': return c.problems.length
  }
}

/** Filter by a case-insensitive substring of name, state, backend or origin; then sort (stable, name as tie-break). */
export function visibleContainers(list: ContainerInfo[], filter: string, sort: Sort, sizeOf: SizeOf = () => undefined): ContainerInfo[] {
  const f = filter.trim().toLowerCase()
  const rows = f
    ? list.filter((c) => [c.name, c.state, c.backend ?? '', c.origin?.name ?? c.copiedFrom?.ref.name ?? ''].some((s) => s.toLowerCase().includes(f)))
    : [...list]
  const dir = sort.dir === 'asc' ? 1 : -1
  return rows.sort((a, b) => {
    const x = sortValue(a, sort.key, sizeOf)
    const y = sortValue(b, sort.key, sizeOf)
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))
    return c !== 0 ? c * dir : a.name.localeCompare(b.name)
  })
}

/** Clicking a header sorts by it; clicking it again flips the direction. */
export function nextSort(cur: Sort, key: SortKey): Sort {
  return cur.key === key ? { key, dir: cur.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' }
}

interface ContainersState {
  list: ContainerInfo[]
  loaded: boolean
  error: string | null
  filter: string
  sort: Sort
  setFilter(f: string): void
  sortBy(k: SortKey): void
  /** `all`: hidden containers too, as the engine lists them */
  fetch(api: Pick<StrataApi, 'listContainers'>, all?: boolean): Promise<void>
}

const listing = newestAnswer()

export const useContainers = create<ContainersState>()((set, get) => ({
  list: [],
  loaded: false,
  error: null,
  filter: '',
  sort: { key: 'name', dir: 'asc' },
  setFilter: (filter) => set({ filter }),
  sortBy: (k) => set({ sort: nextSort(get().sort, k) }),
  // One state change per answer: every change re-renders the views that read this store (the
  // table's view with its 500 rows), and the first listing's render is the page's longest task.
  async fetch(api, all = false) {
    try {
      await listing(api.listContainers({ all }), (list) => set({ list, loaded: true, error: null }))
    } catch (e) {
      set({ error: errorText(e) })
    }
  }
}))
