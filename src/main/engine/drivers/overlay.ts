// overlay: `overlay:<lower>[:<lower2>...]:<P>/<n>/overlay/delta`, workdir overlay/work (LXC 4+).
// Containers of the LXC 1.x-3.x layout (`overlayfs:` prefix, `<n>/delta0`, `<n>/olwork`) are
// read as they are; LXC 5 starts them with workdir `<n>/work`; a clone of one gets the modern layout.
import { say } from '@shared/engine-text'
import { chmodSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { RootfsSpec } from '@shared/model'
import type { OpContext } from '../context'
import { copyDirectoryTree } from '../fs/copy'
import { rewriteHostname } from '../fs/hostname'
import { layersOf, overlayAccess, withMergedView } from '../fs/overlay-mount'
import { refused } from '@shared/errors'
import type { BuildTarget, SourceStorage, StorageDriver } from './driver'

function mkdir755(path: string): void {
  mkdirSync(path, { recursive: true })
  chmodSync(path, 0o755)
}

/** The new clone's lowers: a dir origin's rootfs, or the same lowers as an overlay origin (never stacked). */
function snapshotLowers(source: SourceStorage): string[] {
  const spec = source.spec
  if ('lowers' in spec) return [...spec.lowers]
  return [spec.path]
}

export const overlayDriver: StorageDriver = {
  backend: 'overlay',
  capabilities: {
    create: null,
    copyInto: say('overlay-copy-into'),
    cloneFrom: null,
    snapshotOf: ['dir', 'overlay'],
    snapshotRule: say('overlay-snapshot-rule'),
    snapshotDependsOnOrigin: true,
    mountableWhileRunning: true,
    whiteouts: 'overlay',
    needs: { filesystems: ['overlay', 'overlayfs'], tools: {} }
  },
  async create(target: BuildTarget) {
    mkdir755(join(target.buildDir, 'rootfs'))
    mkdir755(join(target.buildDir, 'overlay/delta'))
    mkdir755(join(target.buildDir, 'overlay/work'))
    const spec: RootfsSpec = { backend: 'overlay', prefix: 'overlay', lowers: [join(target.finalDir, 'rootfs')], upper: join(target.finalDir, 'overlay/delta') }
    // As lxc-create: the template fills the lower (rootfs), not the empty upper.
    return { spec, fill: { dir: join(target.buildDir, 'rootfs') } }
  },
  async copy(): Promise<RootfsSpec> {
    throw refused('overlay-copy', say('overlay-copy'))
  },
  async snapshot(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
    const lowers = snapshotLowers(source)
    const bad = lowers.find((l) => l.includes(':'))
    if (bad) throw refused('colon-in-lower', say('colon-in-lower', { lower: bad }), bad)
    mkdir755(join(target.buildDir, 'rootfs'))
    mkdir755(join(target.buildDir, 'overlay'))
    const upper = join(target.buildDir, 'overlay/delta')
    if ('upper' in source.spec) await copyDirectoryTree(source.spec.upper, upper, ctx, 'copy-upper')
    else mkdir755(upper)
    mkdir755(join(target.buildDir, 'overlay/work'))
    return { backend: 'overlay', prefix: 'overlay', lowers, upper: join(target.finalDir, 'overlay/delta') }
  },
  access: (spec, readOnly) => overlayAccess(layersOf(spec), readOnly),
  visibleTree: (spec, _dir, fn) => withMergedView(layersOf(spec), fn),
  // the upper is its own; the lowers are shared, and measured once by whoever reads them
  usage: (spec, probe) => probe.scanned(layersOf(spec).upper, true),
  writeHostname: (spec, _at, name) => rewriteHostname({ kind: 'overlay', ...layersOf(spec) }, name),
  async destroy(): Promise<void> {
    // the upper and work dirs live in the container dir; the lowers belong to the origin
  }
}
