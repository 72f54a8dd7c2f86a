// dir (and `none`, its alias): the rootfs is a plain directory, `<P>/<n>/rootfs`.
import { chmodSync, mkdirSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { RootfsSpec } from '@shared/model'
import { copyDirectoryTree } from '../fs/copy'
import { withMergedView } from '../fs/overlay-mount'
import { removeDirectoryTree } from '../fs/remove'
import { withMountedRootfs } from '../mount'
import type { OpContext } from '../context'
import { DriverError, type BuildTarget, type SourceStorage, type StorageDriver } from './driver'
import { storageOutside } from './outside-storage'

/** Runs fn with a directory that shows the source's whole tree (mounting an overlay if needed). */
export async function withVisibleTree<T>(source: SourceStorage, fn: (root: string) => Promise<T>): Promise<T> {
  const spec = source.spec
  if (spec.backend === 'overlay') return withMergedView(spec.lowers, spec.upper, fn)
  if (spec.backend === 'aufs')
    throw new DriverError('aufs', 'aufs-unmountable', `${source.dir} is an aufs clone, which this kernel cannot mount: run \`strata convert\` first.`)
  if (spec.backend === 'dir' || spec.backend === 'btrfs') return fn(spec.path)
  // a loop image, read-only at Strata's private mountpoint (found and cleaned if ever left behind)
  if (spec.backend === 'loop') return withMountedRootfs({ lxcpath: dirname(source.dir), name: basename(source.dir) }, fn)
  throw new DriverError(spec.backend, 'no-driver', `Copying from a ${spec.backend} container is not supported by Strata yet.`)
}

export const dirDriver: StorageDriver = {
  backend: 'dir',
  capabilities: { create: true, copy: true, snapshot: false, snapshotDependsOnOrigin: false, needs: 'nothing' },
  probe: () => null,
  detect: (spec) => spec.backend === 'dir',
  async create(target: BuildTarget): Promise<RootfsSpec> {
    const rootfs = join(target.buildDir, 'rootfs')
    mkdirSync(rootfs, { recursive: true })
    chmodSync(rootfs, 0o755)
    return { backend: 'dir', prefix: 'dir', path: join(target.finalDir, 'rootfs') }
  },
  async copy(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
    await withVisibleTree(source, (root) => copyDirectoryTree(root, join(target.buildDir, 'rootfs'), ctx))
    return { backend: 'dir', prefix: 'dir', path: join(target.finalDir, 'rootfs') }
  },
  async snapshot(): Promise<RootfsSpec> {
    throw new DriverError('dir', 'dir-cannot-snapshot', 'A dir container cannot be a snapshot clone (LXC: dir has no snapshots); snapshot clones of dir origins are overlay.')
  },
  async mount(): Promise<void> {
    // a directory needs no mount
  },
  async umount(): Promise<void> {},
  async destroyOutside(spec: RootfsSpec, containerDir: string, ctx: OpContext): Promise<void> {
    // LXC removes a dir rootfs wherever it is (lxc-create --dir D): so does Strata, once the user confirmed it, never crossing a mount.
    const outside = spec.backend === 'dir' ? storageOutside(spec, containerDir) : null
    if (outside) await removeDirectoryTree(outside, { signal: ctx.signal })
  }
}
