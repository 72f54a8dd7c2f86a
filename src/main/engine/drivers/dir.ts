// dir (and `none`, its alias): the rootfs is a plain directory, `<P>/<n>/rootfs`.
import { say } from '@shared/engine-text'
import { chmodSync, mkdirSync, type Stats } from 'node:fs'
import { join } from 'node:path'
import type { RootfsSpec } from '@shared/model'
import type { OpContext } from '../context'
import { copyDirectoryTree } from '../fs/copy'
import { rewriteHostname } from '../fs/hostname'
import { removeDirectoryTree } from '../fs/remove'
import { refused } from '@shared/errors'
import { directoryOf, type BuildTarget, type SourceStorage, type StorageDriver } from './driver'
import { pathOutside } from './outside-storage'

export const dirDriver: StorageDriver = {
  backend: 'dir',
  capabilities: {
    create: null,
    copyInto: null,
    cloneFrom: null,
    snapshotOf: [],
    snapshotRule: say('dir-no-snapshots'),
    snapshotAs: 'overlay',
    snapshotDependsOnOrigin: false,
    mountableWhileRunning: true,
    needs: { tools: {} }
  },
  async create(target: BuildTarget) {
    const rootfs = join(target.buildDir, 'rootfs')
    mkdirSync(rootfs, { recursive: true })
    chmodSync(rootfs, 0o755)
    return { spec: { backend: 'dir', prefix: 'dir', path: join(target.finalDir, 'rootfs') }, fill: { dir: rootfs } }
  },
  async copy(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
    await source.withVisibleTree((root) => copyDirectoryTree(root, join(target.buildDir, 'rootfs'), ctx))
    return { backend: 'dir', prefix: 'dir', path: join(target.finalDir, 'rootfs') }
  },
  async snapshot(): Promise<RootfsSpec> {
    throw refused('dir-cannot-snapshot', say('dir-cannot-snapshot'))
  },
  access: async (spec) => ({ dir: directoryOf(spec) }),
  visibleTree: (spec, _dir, fn) => fn(directoryOf(spec)),
  usage: (spec, probe) => probe.scanned(directoryOf(spec), false),
  writeHostname: (spec, _at, name) => rewriteHostname({ kind: 'dir', root: directoryOf(spec) }, name),
  detect: (_path: string, st: Stats | undefined) => st?.isDirectory() === true,
  storageOutside: (spec, containerDir) => pathOutside(directoryOf(spec), containerDir),
  async destroy(spec: RootfsSpec, containerDir: string, ctx: OpContext): Promise<void> {
    // LXC removes a dir rootfs wherever it is (lxc-create --dir D): so does Strata, once the user confirmed it, never crossing a mount.
    const outside = pathOutside(directoryOf(spec), containerDir)
    if (outside) await removeDirectoryTree(outside, { signal: ctx.signal })
  }
}
