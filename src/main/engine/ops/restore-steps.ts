// The steps of an in-place restore (and of flatten/convert, which replace a container's storage
// the same way) that must be finishable by recovery after a crash. Both sides of the exchange
// carry the operation's marker (journal.ts): the new build from the start, the live container
// from just before the exchange; the flag file `rec.marker` travels with the new build.
import { existsSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { addDependent, removeDependent } from '../lineage/update'
import { removeMarkedTree } from '../fs/remove'
import { discardClaims, dropClaims } from '../drivers/claims'
import { faultPoint } from './fault'
import { markerName, type JournalRecord } from '../journal/journal'

type SwapRecord = Extract<JournalRecord, { op: 'restore' }>

/** Whether the exchange happened: the new build's flag is in the container's own directory. */
export function exchanged(rec: SwapRecord): boolean {
  return existsSync(join(rec.dir, rec.marker))
}

/** After the exchange: `dir` holds the new container, `staging` the old one; both marked. */
export async function finishRestore(rec: SwapRecord, id: string): Promise<void> {
  const oldSnaps = join(rec.staging, 'snaps')
  const newSnaps = join(rec.dir, 'snaps')
  if (existsSync(oldSnaps) && !existsSync(newSnaps)) renameSync(oldSnaps, newSnaps)
  faultPoint(`${rec.what ?? 'restore'}:snaps-moved`)
  for (const o of rec.addOrigins) await addDependent(o, rec.ref)
  for (const o of rec.removeOrigins) await removeDependent(o, rec.ref)
  faultPoint(`${rec.what ?? 'restore'}:bookkeeping`)
  if (existsSync(rec.staging)) await discardClaims(rec.staging) // the old container's storage outside it
  dropClaims(rec.dir)
  await removeMarkedTree(rec.staging, markerName(id))
  rmSync(join(rec.dir, rec.marker), { force: true })
  rmSync(join(rec.dir, markerName(id)), { force: true })
}

/** Before the exchange: the old container is as it was (but perhaps marked); drop the new build. */
export async function rollBackRestore(rec: SwapRecord, id: string): Promise<void> {
  if (existsSync(rec.staging)) await discardClaims(rec.staging)
  dropClaims(rec.dir)
  await removeMarkedTree(rec.staging, markerName(id))
  rmSync(join(rec.dir, markerName(id)), { force: true })
}
