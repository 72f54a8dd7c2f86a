// What must hold before a destroy changes anything, checked for every container it would
// remove (with dependents, the whole subtree) before the first one is touched. A removal stops
// at a mount point, so a destroy that met one would stop half-way with the container already
// gone from LXC: mounts are found first, from /proc/self/mountinfo, and named.
import { dirname, join, resolve } from 'node:path'
import { existsSync, lstatSync } from 'node:fs'
import type { ContainerRecord } from '../container'
import type { RootfsSpec } from '@shared/model'
import { driverFor, storageOutside } from '../drivers/index'
import { mountpointsAtOrUnder, strataMountOf, type MountinfoEntry } from '../mount'
import { assertStateAllows } from './preconditions'
import { refused } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'
import { show } from '../errors'
import { configHooks } from './lxc-hooks'

/** A list of paths for a message: the first few, and how many more. */
function listed(paths: string[]): string | Said {
  const shown = paths.slice(0, 5).join(', ')
  return paths.length > 5 ? say('list-more', { shown, more: paths.length - 5 }) : shown
}

/**
 * Refuses, naming the rule, unless `record` can be destroyed now: stopped, its rootfs LXC's
 * to delete, its directory a real directory, nothing mounted in it or its rootfs, no Strata
 * mount of it, and storage outside its directory confirmed (`confirmedOutside`, resolved paths).
 */
export async function assertDestroyable(record: ContainerRecord, confirmedOutside: ReadonlySet<string>, mounts: readonly MountinfoEntry[], going: readonly RootfsSpec[] = []): Promise<void> {
  const ref = record.ref
  const name = ref.name
  if (!/\/snaps$/.test(ref.lxcpath)) await assertStateAllows(ref, 'destroy')
  if (!configHooks(record.configFile, 'destroy').rootfsManaged)
    throw refused(
      'rootfs-unmanaged',
      say('destroy-unmanaged', { name }),
      show(ref)
    )
  if (lstatSync(record.dir).isSymbolicLink())
    throw refused('dir-symlink', say('destroy-dir-symlink', { name, dir: record.dir }), show(ref))
  const own = strataMountOf(ref)
  if (own)
    throw refused(
      'mounted',
      say('destroy-strata-mounted', { name, mountpoint: own.mountpoint, command: own.readOnly ? 'strata mount' : 'strata mount --rw', lxcpath: ref.lxcpath }),
      show(ref)
    )
  // storage the rootfs holds outside the directory that something outside this destroy still reads (a zfs dataset's clones)
  const driver = record.spec ? driverFor(record.spec.backend) : null
  const claims = record.spec ? ((await driver?.claimsOf?.(record.spec)) ?? []) : []
  const inUse = claims.length > 0 ? await driver?.undiscardable?.(claims, going.filter((s) => s !== record.spec)) : null
  if (inUse) throw refused('storage-in-use', say('destroy-storage-in-use', { name, why: inUse }), show(ref))
  const outside = storageOutside(record.spec, record.dir)
  for (const [what, path] of [[say('word-directory'), record.dir], [say('word-rootfs'), outside]] as const) {
    const mounted = path ? mountpointsAtOrUnder(path, mounts) : []
    if (path && mounted.length > 0) {
      const values = { name, what, path, mounted: listed(mounted), last: mounted[mounted.length - 1]! }
      throw refused('mounted', mounted.length === 1 ? say('destroy-mounted-one', values) : say('destroy-mounted-many', { ...values, count: mounted.length }), show(ref))
    }
  }
  if (outside && !confirmedOutside.has(outside)) {
    const owner = dirname(outside)
    const whose = existsSync(join(owner, 'config')) && resolve(owner) !== resolve(record.dir)
    const values = { name, outside, dir: record.dir }
    throw refused('rootfs-outside', whose ? say('destroy-rootfs-outside-of', { ...values, owner }) : say('destroy-rootfs-outside', values), show(ref))

  }
}
