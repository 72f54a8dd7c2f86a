// The drivers, one per backend: the one place that lists them. A new backend is its driver
// file and one line here.
import { statSync } from 'node:fs'
import type { Backend, RootfsSpec } from '@shared/model'
import { aufsDriver } from './aufs'
import { nbdDriver, lvmDriver, rbdDriver } from './block'
import { btrfsDriver } from './btrfs'
import { dirDriver } from './dir'
import type { SourceStorage, StorageDriver } from './driver'
import { loopDriver } from './loop'
import { overlayDriver } from './overlay'
import { zfsDriver } from './zfs'

/** In LXC's order (storage.c bdevs[]), which is also the order its auto-detection tries them in. */
const DRIVERS: Record<Backend, StorageDriver> = {
  dir: dirDriver,
  zfs: zfsDriver,
  lvm: lvmDriver,
  rbd: rbdDriver,
  btrfs: btrfsDriver,
  overlay: overlayDriver,
  loop: loopDriver,
  nbd: nbdDriver,
  aufs: aufsDriver
}

export function driverFor(backend: Backend): StorageDriver {
  return DRIVERS[backend]
}

/** Every driver, in LXC's order. */
export function allDrivers(): StorageDriver[] {
  return Object.values(DRIVERS)
}

/** `none` is dir (lxc-create rewrites it), `overlayfs` is overlay. */
export function backendFromName(name: string): Backend | null {
  if (name === 'none') return 'dir'
  if (name === 'overlayfs') return 'overlay'
  return Object.hasOwn(DRIVERS, name) ? (name as Backend) : null
}

/** What LXC's auto-detection makes of a bare rootfs path (the first driver that claims it), or null when nothing is there. */
export function detectBackend(path: string): Backend | null {
  const st = statSync(path, { throwIfNoEntry: false })
  return allDrivers().find((d) => d.detect?.(path, st))?.backend ?? null
}

/** An existing container's storage as a clone reads it: through its own driver. */
export function sourceStorage(spec: RootfsSpec, dir: string): SourceStorage {
  return { spec, dir, withVisibleTree: (fn) => driverFor(spec.backend).visibleTree(spec, dir, fn) }
}

/** The storage a destroy would delete outside `containerDir` (its driver says where), or null. */
export function storageOutside(spec: RootfsSpec | null, containerDir: string): string | null {
  return spec ? (driverFor(spec.backend).storageOutside?.(spec, containerDir) ?? null) : null
}
