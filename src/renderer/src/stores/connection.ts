// Whether the page's link to main is there: browser mode's socket can be lost (its server
// stopped); Electron's IPC never is. Set from the `connection` event (hooks/useLiveData.ts).
import { create } from 'zustand'

interface ConnectionState {
  lost: boolean
  setLost(lost: boolean): void
}

export const useConnection = create<ConnectionState>()((set) => ({
  lost: false,
  setLost: (lost) => set({ lost })
}))
