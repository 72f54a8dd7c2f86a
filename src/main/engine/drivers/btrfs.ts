// btrfs: the rootfs is a subvolume, `btrfs:<P>/<n>/rootfs`, on the lxcpath's own btrfs
// filesystem (LXC 5.0.2 storage/btrfs.c). A snapshot is a writable subvolume snapshot
// (BTRFS_IOC_SNAP_CREATE_V2, here `btrfs subvolume snapshot`): independent of its origin once
// made, so LXC records no dependency and neither does Strata. A copy of a btrfs origin on the
// same filesystem is such a snapshot too (as LXC makes it); anything else is a new subvolume
// filled by the copier. A subvolume is a directory: it needs no mount, and an empty one is
// removed like one (rmdir, since Linux 4.18), so a destroy needs nothing more than dir's.
import { existsSync, statfsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { RootfsSpec } from '@shared/model'
import { copyDirectoryTree } from '../fs/copy'
import { removeDirectoryTree } from '../fs/remove'
import type { OpContext } from '../context'
import { run, ToolError } from '../tools'
import { withVisibleTree } from './dir'
import { DriverError, type BuildTarget, type SourceStorage, type StorageDriver } from './driver'
import { storageOutside } from './outside-storage'
import { kernelFilesystems, which } from './probe'

const BTRFS_SUPER_MAGIC = 0x9123683e

/** The nearest existing directory at or above path (a new lxcpath may not exist yet). */
function existingAncestor(path: string): string {
  let p = path
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p)
  return p
}

function onBtrfs(path: string): boolean {
  try {
    return statfsSync(existingAncestor(path)).type === BTRFS_SUPER_MAGIC
  } catch {
    return false
  }
}

function rootfsSpec(target: BuildTarget): RootfsSpec {
  return { backend: 'btrfs', prefix: 'btrfs', path: join(target.finalDir, 'rootfs') }
}

/** A writable snapshot of `origin` as the new rootfs; btrfs refuses one across filesystems. */
async function snapshotInto(origin: string, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
  try {
    await run('btrfs', ['subvolume', 'snapshot', origin, join(target.buildDir, 'rootfs')], { signal: ctx.signal })
  } catch (err) {
    if (!(err instanceof ToolError)) throw err
    throw new DriverError('btrfs', 'btrfs-snapshot', `btrfs could not snapshot ${origin} (a snapshot stays on its origin's btrfs filesystem): ${err.stderr || err.message}`)
  }
  return rootfsSpec(target)
}

export const btrfsDriver: StorageDriver = {
  backend: 'btrfs',
  capabilities: {
    create: true,
    copy: true,
    snapshot: true,
    snapshotDependsOnOrigin: false,
    needs: "an lxcpath on a btrfs filesystem, and btrfs-progs (Debian's btrfs-progs package)"
  },
  probe(lxcpath: string): string | null {
    if (!kernelFilesystems().has('btrfs')) return 'This kernel has no btrfs filesystem loaded.'
    if (!onBtrfs(lxcpath)) return `The lxcpath ${lxcpath} is not on a btrfs filesystem (a btrfs rootfs is a subvolume of the lxcpath's filesystem).`
    if (!which('btrfs')) return 'The btrfs command is missing: install btrfs-progs.'
    return null
  },
  detect: (spec) => spec.backend === 'btrfs',
  async create(target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
    await run('btrfs', ['subvolume', 'create', join(target.buildDir, 'rootfs')], { signal: ctx.signal })
    return rootfsSpec(target)
  },
  async copy(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
    const spec = source.spec
    // as LXC copies a btrfs origin: a snapshot where btrfs can make one, else a filled subvolume
    if (spec.backend === 'btrfs') {
      try {
        return await snapshotInto(spec.path, target, ctx)
      } catch (err) {
        if (!(err instanceof DriverError)) throw err
      }
    }
    await run('btrfs', ['subvolume', 'create', join(target.buildDir, 'rootfs')], { signal: ctx.signal })
    await withVisibleTree(source, (root) => copyDirectoryTree(root, join(target.buildDir, 'rootfs'), ctx))
    return rootfsSpec(target)
  },
  async snapshot(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
    const spec = source.spec
    if (spec.backend !== 'btrfs') throw new DriverError('btrfs', 'btrfs-snapshot-origin', 'A btrfs snapshot needs a btrfs origin.')
    return snapshotInto(spec.path, target, ctx)
  },
  async mount(): Promise<void> {
    // a subvolume is a directory
  },
  async umount(): Promise<void> {},
  async destroyOutside(spec: RootfsSpec, containerDir: string, ctx: OpContext): Promise<void> {
    // A rootfs subvolume elsewhere (lxc-create --dir) goes too, as LXC deletes it (once the user confirmed it).
    const outside = spec.backend === 'btrfs' ? storageOutside(spec, containerDir) : null
    if (outside) await removeDirectoryTree(outside, { signal: ctx.signal })
  }
}
