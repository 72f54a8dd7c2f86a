// Which container the destroy dialog is open for (from the table's menu, the Delete key or the
// details panel), one at a time.
import { create } from 'zustand'
import type { ContainerRef } from '@shared/model'

interface DestroyDialogState {
  target: ContainerRef | null
  open(ref: ContainerRef): void
  close(): void
}

export const useDestroyDialog = create<DestroyDialogState>()((set) => ({
  target: null,
  open: (ref) => set({ target: { lxcpath: ref.lxcpath, name: ref.name } }),
  close: () => set({ target: null })
}))
