// Flatten: a clone that reads its origin (overlay) becomes a standalone dir container holding
// the tree it shows, so that its origin can be destroyed. LXC has no such operation. The rebuilt container is
// swapped in atomically; it leaves its origins' lxc_snapshots; its own dependents keep it.
import { join } from 'node:path'
import { writeFileSync } from 'node:fs'
import type { ContainerRef } from '@shared/model'
import { cloneConfig } from '../config/rewrite'
import { RDEPENDS_FILE } from '../lineage/bookkeeping'
import { driverFor, sourceStorage } from '../drivers/index'
import { copyDirectoryTree } from '../fs/copy'
import { assertStopped, loadExisting } from './preconditions'
import { carryOver } from './carry-over'
import { note, type OpContext } from '../context'
import { refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import { show } from '../errors'
import { admitLowers, admitRecordedRefs } from './recorded'
import { swapInRebuilt } from './swap'

export async function flattenContainer(ref: ContainerRef, ctx: OpContext = {}): Promise<void> {
  const record = loadExisting(ref)
  const spec = record.spec
  const capabilities = spec ? driverFor(spec.backend).capabilities : null
  if (!spec || !capabilities?.snapshotDependsOnOrigin)
    throw refused('flatten-standalone', record.backend ? say('flatten-standalone', { name: ref.name, backend: record.backend }) : say('flatten-no-rootfs', { name: ref.name }), show(ref))
  if (capabilities.cloneFrom !== null) throw refused('flatten-unreadable', say('flatten-unreadable', { name: ref.name, why: capabilities.cloneFrom }), show(ref))
  admitLowers(spec, record.configFile, ctx)
  admitRecordedRefs(record.rdepends ?? [], join(record.dir, RDEPENDS_FILE), ctx)
  await assertStopped(ref, 'flatten')
  const dir = record.dir
  await swapInRebuilt(
    { what: 'flatten', ref, dir, addOrigins: [], removeOrigins: record.rdepends ?? [], oldSpec: spec },
    async (staging) => {
      note(ctx, 'copy', say('progress-flatten-copy', { name: ref.name }))
      await sourceStorage(spec, dir).withVisibleTree((root) => copyDirectoryTree(root, join(staging, 'rootfs'), ctx))
      await carryOver(dir, staging, ctx)
      const config = cloneConfig(record.configFile, { oldDir: dir, newDir: dir, newName: ref.name, rootfs: `dir:${dir}/rootfs`, keepName: true, keepMacs: true })
      writeFileSync(join(staging, 'config'), config.text, { mode: 0o640 })
    },
    ctx
  )
}
