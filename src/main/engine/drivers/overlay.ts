// overlay: `overlay:<lower>[:<lower2>...]:<P>/<n>/overlay/delta`, workdir overlay/work (LXC 4+).
// Containers of the LXC 1.x-3.x layout (`overlayfs:` prefix, `<n>/delta0`, `<n>/olwork`) are
// read as they are; LXC 5 starts them with workdir `<n>/work`; a clone of one gets the modern layout.
import { chmodSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { RootfsSpec } from '@shared/model'
import { copyDirectoryTree } from '../fs/copy'
import type { OpContext } from '../context'
import { run } from '../tools'
import { DriverError, type BuildTarget, type SourceStorage, type StorageDriver } from './driver'
import { kernelFilesystems } from './probe'

function mkdir755(path: string): void {
  mkdirSync(path, { recursive: true })
  chmodSync(path, 0o755)
}

/** The new clone's lowers: a dir origin's rootfs, or the same lowers as an overlay origin (never stacked). */
export function snapshotLowers(source: SourceStorage): string[] {
  const spec = source.spec
  if (spec.backend === 'overlay') return [...spec.lowers]
  if (spec.backend === 'dir') return [spec.path]
  throw new DriverError('overlay', 'overlay-lower', `An overlay clone can only read a dir or overlay origin (LXC: "overlay clone of ${spec.backend} container is not yet supported").`)
}

export const overlayDriver: StorageDriver = {
  backend: 'overlay',
  capabilities: { create: true, copy: false, snapshot: true, snapshotDependsOnOrigin: true, whiteouts: 'overlay', needs: 'the overlay filesystem in the kernel' },
  probe(): string | null {
    const fs = kernelFilesystems()
    return fs.has('overlay') || fs.has('overlayfs') ? null : 'This kernel has no overlay filesystem loaded (try `modprobe overlay`).'
  },
  detect: (spec) => spec.backend === 'overlay',
  async create(target: BuildTarget): Promise<RootfsSpec> {
    mkdir755(join(target.buildDir, 'rootfs'))
    mkdir755(join(target.buildDir, 'overlay/delta'))
    mkdir755(join(target.buildDir, 'overlay/work'))
    return { backend: 'overlay', prefix: 'overlay', lowers: [join(target.finalDir, 'rootfs')], upper: join(target.finalDir, 'overlay/delta') }
  },
  async copy(): Promise<RootfsSpec> {
    throw new DriverError('overlay', 'overlay-copy', 'overlay can only be used for snapshot clones (LXC\'s rule): use -s, or copy to dir.')
  },
  async snapshot(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
    const lowers = snapshotLowers(source)
    const bad = lowers.find((l) => l.includes(':'))
    if (bad) throw new DriverError('overlay', 'colon-in-lower', `The lower ${bad} contains ":", which overlay reads as a layer separator.`)
    mkdir755(join(target.buildDir, 'rootfs'))
    mkdir755(join(target.buildDir, 'overlay'))
    const upper = join(target.buildDir, 'overlay/delta')
    if (source.spec.backend === 'overlay') await copyDirectoryTree(source.spec.upper, upper, ctx, 'copy-upper')
    else mkdir755(upper)
    mkdir755(join(target.buildDir, 'overlay/work'))
    return { backend: 'overlay', prefix: 'overlay', lowers, upper: join(target.finalDir, 'overlay/delta') }
  },
  async mount(spec: RootfsSpec, at: string): Promise<void> {
    if (spec.backend !== 'overlay') throw new DriverError('overlay', 'not-overlay', `${at}: not an overlay rootfs`)
    const work = join(dirname(spec.upper), 'work')
    mkdirSync(work, { recursive: true })
    await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${spec.lowers.join(':')},upperdir=${spec.upper},workdir=${work}`, at])
  },
  async umount(at: string): Promise<void> {
    await run('umount', [at])
  },
  async destroyOutside(): Promise<void> {
    // the upper and work dirs live in the container dir; the lowers belong to the origin
  }
}
