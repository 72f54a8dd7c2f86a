// Storage that LXC deletes with a container although it lies outside the container's
// directory: a dir or btrfs rootfs, or a loop image, configured elsewhere (`lxc-create --dir`,
// or a config edited to point at another container's rootfs). lxc-destroy removes it
// silently; Strata names it and deletes it only when the user confirms that path. The drivers
// whose storage is the path in their spec say so with this (their storageOutside); `strata ls`
// asks it of every container, so it stays cheap.
import { lstatSync } from 'node:fs'
import { resolve } from 'node:path'

const DOT_SEGMENT = /\/\.\.?(\/|$)/
const inside = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir}/`)

/** `storage` (a rootfs path) when it lies outside `containerDir` and something is there, else null. */
export function pathOutside(storage: string, containerDir: string): string | null {
  // the usual `<dir>/rootfs` without resolve(): `strata ls` asks this of every container
  if (storage.startsWith('/') && !DOT_SEGMENT.test(storage) && inside(storage, containerDir)) return null
  const path = resolve(storage)
  if (inside(path, resolve(containerDir))) return null
  return lstatSync(path, { throwIfNoEntry: false }) ? path : null
}
