// Build a new container under a hidden temporary name, then register it last: first every
// origin's lxc_snapshots gains the new entry (under that origin's LXC lock), then the staging
// directory is renamed to its final name, in one rename(2). A crash before the rename leaves
// nothing visible but entries that recovery removes (the journal names them); after the
// rename the container is complete.
import { chmodSync, existsSync, mkdirSync, renameSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ContainerRef, RootfsSpec } from '@shared/model'
import { discardClaims, dropClaims } from '../drivers/claims'
import { driverFor } from '../drivers/index'
import { addDependent, removeDependent } from '../lineage/update'
import { withLxcLock } from '../lock'
import { removeMarkedTree } from '../fs/remove'
import { checkAborted, note, type OpContext } from '../context'
import { errorSaid, failed, isStrataError, refused } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'
import { show } from '../errors'
import { faultPoint } from './fault'
import { Journal, markerName } from '../journal/journal'

export interface BuildPlan {
  /** `clone`, `snapshot`, `create`, `restore`: also the prefix of the fault-injection steps */
  what: string
  /** where the journal and the staging directory go (the target's lxcpath, or the owner's for a snapshot) */
  workDir: string
  target: ContainerRef
  finalDir: string
  /** containers whose lxc_snapshots must list the target */
  origins: ContainerRef[]
}

export function assertFree(ref: ContainerRef, finalDir: string): void {
  if (existsSync(`${finalDir}/config`) || existsSync(finalDir))
    throw refused('target-exists', say('target-exists', { name: ref.name, lxcpath: ref.lxcpath, dir: show(ref) }), show(ref))
}

/** The operations' names as a sentence says them (the app in its language). */
const OP_NAMES: Readonly<Record<string, Said>> = {
  clone: say('op-name-clone'),
  copy: say('op-name-copy'),
  create: say('op-name-create'),
  snapshot: say('op-name-snapshot'),
  restore: say('op-name-restore'),
  flatten: say('op-name-flatten'),
  convert: say('op-name-convert')
}

/**
 * A failure below the engine (ENOSPC, EACCES, a tool) told in the operation's words; the cause
 * is kept. A refusal, a cancel, or a failure already told so stands as it is. The hidden staging
 * dir is internal: a message names the container's own dir instead.
 */
export function undoneError(plan: { what: string; target: ContainerRef }, err: unknown, staging?: { dir: string; standsFor: string }): unknown {
  const told = (m: string): string => (staging ? m.split(staging.dir).join(staging.standsFor) : m)
  // a sentence as data names the container's own dir too, in every value
  const toldSaid = (said: Said): Said => ({
    key: said.key,
    values: Object.fromEntries(Object.entries(said.values).map(([k, v]) => [k, typeof v === 'string' ? told(v) : typeof v === 'number' ? v : toldSaid(v)])),
    text: told(said.text)
  })
  const said = isStrataError(err) && err.said ? toldSaid(err.said) : undefined
  const stands = isStrataError(err) ? (err.code !== 'failed' && err.code !== 'internal') || err.rule === 'undone' : (err as Error)?.name === 'AbortError'
  if (stands) {
    if (err instanceof Error) err.message = told(err.message)
    if (said) Object.assign(err as object, { said })
    return err
  }
  return failed(say('op-undone', { what: OP_NAMES[plan.what] ?? plan.what, target: show(plan.target), why: said ?? told((err as Error)?.message ?? String(err)) }), {
    subject: show(plan.target),
    rule: 'undone',
    cause: err
  })
}

/**
 * Builds with `build` (which returns the new rootfs, or null without one) and registers the
 * result. Storage the driver made outside the staging dir is claimed there (drivers/claims.ts)
 * and discarded by an undo.
 */
export async function buildAndRegister(plan: BuildPlan, build: (staging: string) => Promise<RootfsSpec | null>, ctx: OpContext = {}): Promise<void> {
  mkdirSync(plan.workDir, { recursive: true })
  const id = Journal.newId()
  const staging = Journal.buildDir(plan.workDir, id)
  const journal = await Journal.begin(plan.workDir, id, {
    op: 'build',
    what: plan.what,
    staging,
    target: plan.target,
    targetDir: plan.finalDir,
    origins: plan.origins
  })
  let added: ContainerRef[] = []
  try {
    mkdirSync(staging, { mode: 0o770 })
    chmodSync(staging, 0o770)
    journal.mark(staging) // before anything is built: recovery removes only a marked staging dir
    const spec = await build(staging)
    checkAborted(ctx, plan.what)
    faultPoint(`${plan.what}:built`)
    note(ctx, 'register', say('progress-registering', { name: show(plan.target) }))
    await withLxcLock(plan.target, async () => {
      assertFree(plan.target, plan.finalDir)
      for (const origin of plan.origins) {
        await addDependent(origin, plan.target)
        added = [...added, origin]
        faultPoint(`${plan.what}:origin-listed`)
      }
      mkdirSync(dirname(plan.finalDir), { recursive: true })
      renameSync(staging, plan.finalDir)
      dropClaims(plan.finalDir)
      journal.unmark(plan.finalDir)
    })
    faultPoint(`${plan.what}:registered`)
    journal.finish()
    if (spec) await recordPlace(spec, plan, ctx)
  } catch (err) {
    try {
      for (const origin of added) await removeDependent(origin, plan.target)
      if (existsSync(staging)) {
        await discardClaims(staging)
        await removeMarkedTree(staging, markerName(id))
      }
      journal.finish()
    } catch {
      journal.abandon() // recovery finishes the undo
    }
    throw undoneError(plan, err, { dir: staging, standsFor: plan.finalDir })
  }
}

/** The storage learns the container's final place; the container is complete whether or not it can. */
async function recordPlace(spec: RootfsSpec, plan: BuildPlan, ctx: OpContext): Promise<void> {
  try {
    await driverFor(spec.backend).registered?.(spec, plan.finalDir)
  } catch (err) {
    note(ctx, 'register', say('progress-place-unrecorded', { name: show(plan.target), backend: spec.backend, why: errorSaid(err) }))
  }
}
