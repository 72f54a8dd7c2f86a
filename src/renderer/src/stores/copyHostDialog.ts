// "Copy to host…": which stopped container the dialog copies, from which host (null: this
// computer), and where it may go: this computer when the container is elsewhere, and every other
// host that is connected now. The rules (a stopped container, a free name there) are the engine's.
import { create } from 'zustand'
import type { HostStatus } from '@shared/api'
import type { ContainerRef } from '@shared/model'

interface CopyHostDialogState {
  origin: ContainerRef | null
  /** the host the container is on; null: this computer */
  from: string | null
  show(origin: ContainerRef, from: string | null): void
  close(): void
}

export const useCopyHostDialog = create<CopyHostDialogState>()((set) => ({
  origin: null,
  from: null,
  show: (origin, from) => set({ origin: { lxcpath: origin.lxcpath, name: origin.name }, from }),
  close: () => set({ origin: null })
}))

/** The hosts a container on `from` can be copied to: this computer (null) unless it is there, and the other connected hosts (LXC over ssh, or LXD). */
export function copyTargets(from: string | null, hosts: readonly HostStatus[]): (string | null)[] {
  return [...(from === null ? [] : [null]), ...hosts.filter((h) => h.state === 'connected' && h.name !== from).map((h) => h.name)]
}
