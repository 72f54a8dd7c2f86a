// Which containers are selected (keys `<lxcpath>/<name>`), shared by the table, the graph
// and the details panel. `focus` is the one the details panel shows.
import { create } from 'zustand'

interface SelectionState {
  keys: string[]
  focus: string | null
  /** a plain click: select only this one */
  select(key: string): void
  /** ctrl/cmd-click or the row checkbox: add or remove this one */
  toggle(key: string): void
  setAll(keys: string[]): void
  clear(): void
  /** drop keys that no longer exist (after a refetch) */
  prune(existing: Set<string>): void
}

export const useSelection = create<SelectionState>()((set, get) => ({
  keys: [],
  focus: null,
  select: (key) => set({ keys: [key], focus: key }),
  toggle: (key) => {
    const has = get().keys.includes(key)
    const keys = has ? get().keys.filter((k) => k !== key) : [...get().keys, key]
    set({ keys, focus: has ? (keys[keys.length - 1] ?? null) : key })
  },
  setAll: (keys) => set({ keys, focus: keys[keys.length - 1] ?? null }),
  clear: () => set({ keys: [], focus: null }),
  prune: (existing) => {
    const keys = get().keys.filter((k) => existing.has(k))
    const focus = get().focus
    set({ keys, focus: focus && existing.has(focus) ? focus : (keys[keys.length - 1] ?? null) })
  }
}))
