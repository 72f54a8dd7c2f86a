// Replace a container by a rebuilt one in a single step: the new container dir is built under
// a hidden name, then exchanged with the live one by renameat2(RENAME_EXCHANGE); its
// snapshots move over and the bookkeeping follows (restore-steps.ts, also run by recovery).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ContainerRef, RootfsSpec } from '@shared/model'
import { claimer, dropClaims } from '../drivers/claims'
import { driverFor } from '../drivers/index'
import { withLxcLock } from '../lock'
import { exchangePaths } from '../native/beneath'
import { checkAborted, note, type OpContext } from '../context'
import { undoneError } from './build'
import { refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import { show } from '../errors'
import { faultPoint } from './fault'
import { settleForUser } from '../identity'
import { Journal, swapFlagName } from '../journal/journal'
import { finishRestore, rollBackRestore } from './restore-steps'

export interface SwapPlan {
  what: 'restore' | 'flatten' | 'convert'
  ref: ContainerRef
  dir: string
  addOrigins: ContainerRef[]
  removeOrigins: ContainerRef[]
  /** the rootfs being replaced: its storage outside `dir` (a zfs dataset) goes with the old container */
  oldSpec: RootfsSpec | null
}

export async function swapInRebuilt(plan: SwapPlan, build: (staging: string) => Promise<RootfsSpec | null | void>, ctx: OpContext = {}): Promise<void> {
  // The old rootfs's storage outside the directory goes with it; refused here when it cannot go, before anything is built.
  const oldDriver = plan.oldSpec ? driverFor(plan.oldSpec.backend) : null
  const oldClaims = plan.oldSpec ? ((await oldDriver?.claimsOf?.(plan.oldSpec)) ?? []) : []
  const kept = oldClaims.length > 0 ? await oldDriver?.undiscardable?.(oldClaims) : null
  if (kept) {
    const values = { name: plan.ref.name, why: kept }
    throw refused(`${plan.what}-storage-in-use`, plan.what === 'restore' ? say('restore-storage-in-use', values) : say('swap-storage-in-use', { ...values, what: plan.what }), show(plan.ref))
  }
  const id = Journal.newId()
  const staging = Journal.buildDir(plan.ref.lxcpath, id)
  const marker = swapFlagName(plan.what, id)
  const rec = { op: 'restore' as const, what: plan.what, ref: plan.ref, dir: plan.dir, staging, marker, addOrigins: plan.addOrigins, removeOrigins: plan.removeOrigins }
  const journal = await Journal.begin(plan.ref.lxcpath, id, rec)
  let newSpec: RootfsSpec | null
  try {
    mkdirSync(staging, { mode: 0o770 })
    chmodSync(staging, 0o770)
    journal.mark(staging) // before anything is built: recovery removes only a marked staging dir
    writeFileSync(join(staging, marker), '', { flag: 'wx' })
    const spec = await build(staging)
    settleForUser(staging)
    checkAborted(ctx, `${plan.what} of ${plan.ref.name}`)
    faultPoint(`${plan.what}:built`)
    note(ctx, 'register', say('progress-swapping', { name: plan.ref.name }))
    await withLxcLock(plan.ref, () => {
      journal.mark(plan.dir) // the old container, in staging after the exchange, is then marked too
      // its storage outside the directory is claimed there, so that it goes when the old container does
      for (const item of oldClaims) claimer(plan.dir, plan.oldSpec!.backend)(item)
      exchangePaths(staging, plan.dir)
      dropClaims(plan.dir)
    })
    newSpec = spec ?? null
  } catch (err) {
    try {
      await rollBackRestore(rec, id)
      journal.finish()
    } catch {
      journal.abandon() // recovery finishes the undo
    }
    throw undoneError({ what: plan.what, target: plan.ref }, err, { dir: staging, standsFor: plan.dir })
  }
  faultPoint(`${plan.what}:exchanged`)
  await finishRestore(rec, id)
  journal.finish()
  if (newSpec) await driverFor(newSpec.backend).registered?.(newSpec, plan.dir)
}
