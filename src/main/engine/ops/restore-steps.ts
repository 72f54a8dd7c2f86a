// The steps of an in-place restore (and of flatten/convert, which replace a container's storage
// the same way) that must be finishable by recovery after a crash.
import { existsSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { addDependent, removeDependent } from '../lineage/update'
import { removeDirectoryTree, removeMarkedTree } from '../fs/remove'
import { faultPoint } from './fault'
import type { JournalRecord } from './journal'

type SwapRecord = Extract<JournalRecord, { op: 'restore' }>

/** After the exchange: `dir` holds the new container (and the marker), `staging` the old one. */
export async function finishRestore(rec: SwapRecord): Promise<void> {
  const oldSnaps = join(rec.staging, 'snaps')
  const newSnaps = join(rec.dir, 'snaps')
  if (existsSync(oldSnaps) && !existsSync(newSnaps)) renameSync(oldSnaps, newSnaps)
  faultPoint(`${rec.what ?? 'restore'}:snaps-moved`)
  for (const o of rec.addOrigins) await addDependent(o, rec.ref)
  for (const o of rec.removeOrigins) await removeDependent(o, rec.ref)
  faultPoint(`${rec.what ?? 'restore'}:bookkeeping`)
  if (existsSync(rec.staging)) await removeDirectoryTree(rec.staging)
  rmSync(join(rec.dir, rec.marker), { force: true })
}

/** Before the exchange: the old container is untouched; drop the new build (marked, like every staging dir). */
export async function rollBackRestore(rec: SwapRecord): Promise<void> {
  await removeMarkedTree(rec.staging, rec.marker)
}
