// The drivers Strata has, by backend.
import type { Backend } from '@shared/model'
import { aufsDriver } from './aufs'
import { btrfsDriver } from './btrfs'
import { dirDriver } from './dir'
import { loopDriver } from './loop'
import type { StorageDriver } from './driver'
import { overlayDriver } from './overlay'

const DRIVERS: Partial<Record<Backend, StorageDriver>> = { dir: dirDriver, overlay: overlayDriver, aufs: aufsDriver, btrfs: btrfsDriver, loop: loopDriver }

export function driverFor(backend: Backend): StorageDriver | null {
  return DRIVERS[backend] ?? null
}

/** `none` is dir (lxc-create rewrites it), `overlayfs` is overlay. */
export function backendFromName(name: string): Backend | null {
  if (name === 'none') return 'dir'
  if (name === 'overlayfs') return 'overlay'
  const known: Backend[] = ['dir', 'overlay', 'aufs', 'btrfs', 'zfs', 'lvm', 'loop', 'rbd', 'nbd']
  return known.includes(name as Backend) ? (name as Backend) : null
}
