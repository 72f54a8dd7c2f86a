// Graph nodes to highlight while a dialog is about them (the subtree a destroy would hit).
import { create } from 'zustand'

interface HighlightState {
  ids: ReadonlySet<string>
  set(ids: string[]): void
  clear(): void
}

export const useHighlight = create<HighlightState>()((set) => ({
  ids: new Set(),
  set: (ids) => set({ ids: new Set(ids) }),
  clear: () => set({ ids: new Set() })
}))
