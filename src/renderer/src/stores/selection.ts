// Which containers are selected (keys `<lxcpath>/<name>`), shared by the table, the graph
// and the details panel. `focus` is the one the details panel shows; `anchor` is where a
// shift-click range starts (the last plain click or ctrl-click).
import { create } from 'zustand'

interface SelectionState {
  keys: string[]
  focus: string | null
  anchor: string | null
  /** a plain click: select only this one */
  select(key: string): void
  /** ctrl/cmd-click or the row checkbox: add or remove this one */
  toggle(key: string): void
  setAll(keys: string[]): void
  /** shift-click: select the keys from the anchor to `key` in `order` (all the rows shown, in their order) */
  range(key: string, order: readonly string[]): void
  clear(): void
  /** drop keys that no longer exist (after a refetch) */
  prune(existing: Set<string>): void
}

export const useSelection = create<SelectionState>()((set, get) => ({
  keys: [],
  focus: null,
  anchor: null,
  select: (key) => set({ keys: [key], focus: key, anchor: key }),
  toggle: (key) => {
    const has = get().keys.includes(key)
    const keys = has ? get().keys.filter((k) => k !== key) : [...get().keys, key]
    set({ keys, focus: has ? (keys[keys.length - 1] ?? null) : key, anchor: key })
  },
  setAll: (keys) => set({ keys, focus: keys[keys.length - 1] ?? null }),
  range: (key, order) => {
    const to = order.indexOf(key)
    const from = get().anchor === null ? -1 : order.indexOf(get().anchor!)
    if (to < 0) return
    if (from < 0) return set({ keys: [key], focus: key, anchor: key })
    set({ keys: order.slice(Math.min(from, to), Math.max(from, to) + 1), focus: key })
  },
  clear: () => set({ keys: [], focus: null, anchor: null }),
  prune: (existing) => {
    const { keys: was, focus } = get()
    const keys = was.filter((k) => existing.has(k))
    // nothing gone (every refresh): no new state, so nothing that shows the selection renders again
    if (keys.length === was.length && (focus === null || existing.has(focus))) return
    set({ keys, focus: focus && existing.has(focus) ? focus : (keys[keys.length - 1] ?? null) })
  }
}))
