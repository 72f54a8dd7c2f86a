// Flatten: an overlay clone becomes a standalone dir container holding its merged tree, so
// that its origin can be destroyed. LXC has no such operation. The rebuilt container is
// swapped in atomically; it leaves its origins' lxc_snapshots; its own dependents keep it.
import { join } from 'node:path'
import { writeFileSync } from 'node:fs'
import type { ContainerRef } from '@shared/model'
import { cloneConfig } from '../config/rewrite'
import { RDEPENDS_FILE } from '../lineage/bookkeeping'
import { copyDirectoryTree } from '../fs/copy'
import { withMergedView } from '../fs/overlay-mount'
import { assertStopped, loadExisting } from './preconditions'
import { carryOver } from './carry-over'
import { report, type OpContext } from '../context'
import { OpError } from './errors'
import { admitLowers, admitRecordedRefs } from './recorded'
import { swapInRebuilt } from './swap'

export async function flattenContainer(ref: ContainerRef, ctx: OpContext = {}): Promise<void> {
  const record = loadExisting(ref)
  const spec = record.spec
  if (!spec || spec.backend !== 'overlay')
    throw new OpError('flatten-not-overlay', `${ref.name} is ${record.backend ?? 'without rootfs'}: only overlay clones can be flattened (it is standalone already).`)
  admitLowers(spec, record.configFile, ctx)
  admitRecordedRefs(record.rdepends ?? [], join(record.dir, RDEPENDS_FILE), ctx)
  await assertStopped(ref, 'flatten it')
  const dir = record.dir
  await swapInRebuilt(
    { what: 'flatten', ref, dir, addOrigins: [], removeOrigins: record.rdepends ?? [] },
    async (staging) => {
      report(ctx, { phase: 'copy', message: `copying the merged tree of ${ref.name}` })
      await withMergedView(spec.lowers, spec.upper, (root) => copyDirectoryTree(root, join(staging, 'rootfs'), ctx))
      await carryOver(dir, staging, ctx)
      const config = cloneConfig(record.configFile, { oldDir: dir, newDir: dir, newName: ref.name, rootfs: `dir:${dir}/rootfs`, keepName: true, keepMacs: true })
      writeFileSync(join(staging, 'config'), config.text, { mode: 0o640 })
    },
    ctx
  )
}
