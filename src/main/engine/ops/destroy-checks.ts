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
import { show } from '../errors'
import { configHooks } from './lxc-hooks'

/** A list of paths for a message: the first few, and how many more. */
function listed(paths: string[]): string {
  const shown = paths.slice(0, 5).join(', ')
  return paths.length > 5 ? `${shown} and ${paths.length - 5} more` : shown
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
      `${name} has lxc.rootfs.managed = 0: its storage is not LXC's, and lxc-destroy removes nothing of it (it runs the destroy hooks and reports success). Strata will not delete it either; remove it by hand.`,
      show(ref)
    )
  if (lstatSync(record.dir).isSymbolicLink())
    throw refused('dir-symlink', `${name}'s directory ${record.dir} is a symlink; Strata destroys a container only at its real directory, never through a link.`, show(ref))
  const own = strataMountOf(ref)
  if (own)
    throw refused(
      'mounted',
      `${name} is mounted by Strata at ${own.mountpoint} (strata mount${own.readOnly ? '' : ' --rw'}): unmount it first with strata umount -P ${ref.lxcpath} -n ${name}.`,
      show(ref)
    )
  // storage the rootfs holds outside the directory that something outside this destroy still reads (a zfs dataset's clones)
  const driver = record.spec ? driverFor(record.spec.backend) : null
  const claims = record.spec ? ((await driver?.claimsOf?.(record.spec)) ?? []) : []
  const inUse = claims.length > 0 ? await driver?.undiscardable?.(claims, going.filter((s) => s !== record.spec)) : null
  if (inUse) throw refused('storage-in-use', `${name} cannot be destroyed: ${inUse}. Destroy the container whose rootfs that is first.`, show(ref))
  const outside = storageOutside(record.spec, record.dir)
  for (const [what, path] of [['directory', record.dir], ['rootfs', outside]] as const) {
    const mounted = path ? mountpointsAtOrUnder(path, mounts) : []
    if (mounted.length > 0)
      throw refused(
        'mounted',
        `${name} cannot be destroyed while ${mounted.length === 1 ? 'a filesystem is' : `${mounted.length} filesystems are`} mounted in its ${what} ${path}: ${listed(mounted)}. The removal would stop there with the container half-deleted; unmount ${mounted.length === 1 ? 'it' : 'them'} first (umount ${mounted[mounted.length - 1]}).`,
        show(ref)
      )
  }
  if (outside && !confirmedOutside.has(outside)) {
    const owner = dirname(outside)
    const whose = existsSync(join(owner, 'config')) && resolve(owner) !== resolve(record.dir) ? ` (it is the rootfs of the container in ${owner})` : ''
    throw refused(
      'rootfs-outside',
      `${name}'s rootfs ${outside} lies outside its directory ${record.dir}${whose}: destroying ${name} deletes it too, as lxc-destroy does without asking. Confirm that it is to be deleted: --delete-outside ${outside}.`,
      show(ref)
    )
  }
}
