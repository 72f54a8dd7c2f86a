// Storage that LXC deletes with a container although it lies outside the container's
// directory: a dir or btrfs rootfs, or a loop image, configured elsewhere (`lxc-create --dir`,
// or a config edited to point at another container's rootfs). lxc-destroy removes it
// silently; Strata names it and deletes it only when the user confirms that path. Plain data,
// no driver code: `strata ls` reads it for every container.
import { lstatSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Backend, RootfsSpec } from '@shared/model'

/** Backends whose storage is the path in the spec, removed by their destroy wherever it is. */
const STORAGE_AT_PATH: ReadonlySet<Backend> = new Set(['dir', 'btrfs', 'loop'])

const DOT_SEGMENT = /\/\.\.?(\/|$)/
const inside = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`)

/** The path a destroy would delete outside `containerDir`, or null when there is none (or nothing is there). */
export function storageOutside(spec: RootfsSpec | null, containerDir: string): string | null {
  if (!spec || !STORAGE_AT_PATH.has(spec.backend) || !('path' in spec)) return null
  // the usual `<dir>/rootfs` without resolve(): `strata ls` asks this of every container
  if (spec.path.startsWith('/') && !DOT_SEGMENT.test(spec.path) && inside(spec.path, containerDir)) return null
  const path = resolve(spec.path)
  if (inside(path, resolve(containerDir))) return null
  return lstatSync(path, { throwIfNoEntry: false }) ? path : null
}
