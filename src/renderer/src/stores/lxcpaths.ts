// The lxcpaths this session may touch (from main), for targets and pickers.
import { create } from 'zustand'
import type { StrataApi } from '@shared/api'

interface LxcpathsState {
  list: string[]
  fetch(api: Pick<StrataApi, 'lxcpaths'>): Promise<void>
}

export const useLxcpaths = create<LxcpathsState>()((set) => ({
  list: [],
  async fetch(api) {
    try {
      set({ list: await api.lxcpaths({}) })
    } catch {
      /* the banner shows connection errors from the list fetch */
    }
  }
}))
