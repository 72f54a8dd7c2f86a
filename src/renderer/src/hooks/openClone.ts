// Open the clone dialog for a container, into a target lxcpath.
import type { ContainerRef } from '@shared/model'
import { useCloneDialog } from '../stores/cloneDialog'
import { useContainers } from '../stores/containers'

export function openClone(origin: ContainerRef, lxcpath: string): void {
  const taken = new Set(useContainers.getState().list.filter((c) => c.lxcpath === lxcpath).map((c) => c.name))
  useCloneDialog.getState().show({ lxcpath: origin.lxcpath, name: origin.name }, lxcpath, taken)
}
