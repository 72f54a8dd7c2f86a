// The lxcpaths this session may touch (from main), for targets and pickers; `scope` is the one
// the containers table shows (null: all of them), chosen in the masthead.
import { create } from 'zustand'
import type { StrataApi } from '@shared/api'

interface LxcpathsState {
  list: string[]
  scope: string | null
  setScope(p: string | null): void
  fetch(api: Pick<StrataApi, 'lxcpaths'>): Promise<void>
}

export const useLxcpaths = create<LxcpathsState>()((set) => ({
  list: [],
  scope: null,
  setScope: (scope) => set({ scope }),
  async fetch(api) {
    try {
      set({ list: await api.lxcpaths({}) })
    } catch {
      /* the banner shows connection errors from the list fetch */
    }
  }
}))
