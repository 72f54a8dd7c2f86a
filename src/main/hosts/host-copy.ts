// A copy of a stopped container from one host to another, as `strata copy` (cli/copy.ts) and the
// app's "Copy to host…" (host-sessions.ts) both make it: the target's engine checks the new
// name first, and the target's storage and the source's files what the copy would lose, so
// nothing moves when it is taken there or would lose xattrs unasked; then the relay streams it
// across (transfer-relay.ts), with progress and cancel.
import { asStrataError, refused } from '@shared/errors'
import { isSaid, say, type Said, type SaidValue } from '@shared/engine-text'
import type { ContainerRef, OpProgress } from '@shared/model'
import { lossRefusal, lossSentence } from '../engine/ops/xattr-loss'
import { isLxdHost, type RemoteHost } from './hosts-file'
import { copyAcrossHosts, type CopyAcrossOptions, type TransferSide } from './transfer-relay'

type Target = Parameters<typeof copyAcrossHosts>[1]
type Source = TransferSide & { ref: ContainerRef }

/** Refuses, before any connection, what only an LXD host takes: a pool or a member for this computer or an SSH (LXC) host. */
export function refuseLxdOnlyChoices(target: RemoteHost | null, where: SaidValue, choices: { pool?: string; member?: string }): void {
  if (target !== null && isLxdHost(target)) return
  if (choices.pool !== undefined)
    throw refused('copy-pool', say('copy-pool-lxc', { pool: choices.pool, where }), choices.pool)
  if (choices.member !== undefined)
    throw refused('copy-member', say('copy-member-lxc', { member: choices.member, where }), choices.member)
}

/**
 * What the copy would lose, in the sentence a local clone says it in (ops/xattr-loss.ts), or
 * null: the target's engine says whether its storage keeps xattrs, the source's which file has
 * some first. A source that cannot tell (an LXD pool not on this computer) counts as one that has.
 */
export async function xattrLossAcross(from: Source, to: Target, signal?: AbortSignal): Promise<Said | null> {
  const answer: unknown = await to.engine.call('importXattrLoss', { lxcpath: to.lxcpath, ...(to.backend ? { backend: to.backend } : {}), ...(to.pool ? { pool: to.pool } : {}) }, { signal })
  if (answer === null || answer === undefined) return null
  // an engine of an older Strata says it in English only
  const why = isSaid(answer) ? answer : String(answer)
  const copy = say('xattr-copy-across', { backend: to.backend ?? 'dir', name: from.ref.name, from: from.where, as: to.name, to: to.where, lxcpath: to.lxcpath })
  let first
  try {
    first = await from.engine.call('originXattrs', from.ref, { signal })
  } catch (err) {
    const e = asStrataError(err)
    if (e.code === 'cancelled') throw err
    return say('xattr-loss-unknown', { copy, name: from.ref.name, why, error: e.said ?? e.message })
  }
  return first === null ? null : lossSentence(copy, why, from.ref.name, first)
}

/** Refuses a name the target's engine will not take (taken there, or not a name LXC allows), naming the host. */
export async function checkTargetName(to: TransferSide & { lxcpath: string; name: string }): Promise<void> {
  const { issue } = await to.engine.call('checkName', { lxcpath: to.lxcpath, name: to.name })
  if (issue) throw refused(issue.rule, say('name-on-host', { issue: issue.said ?? issue.message, where: to.where, lxcpath: to.lxcpath }), `${to.lxcpath}/${to.name}`)
}

/** Checks the new name, then says what the copy would lose (xattrLossAcross), before anything moves. */
export async function checkCopy(from: Source, to: Target, signal?: AbortSignal): Promise<Said | null> {
  await checkTargetName(to)
  signal?.throwIfAborted()
  return xattrLossAcross(from, to, signal)
}

/** The refusal of a loss the user did not accept (rule clone-loses-xattrs): `how` says how to accept it. */
export function refuseLoss(loss: Said, to: Target, how: Said): never {
  throw lossRefusal(loss, how, `${to.lxcpath}/${to.name}`)
}

/** What a copy made with a loss the user accepted says afterwards. */
export function droppedNote(loss: Said, to: Target): Said {
  return say('xattr-dropped', { name: to.name, where: to.where, loss })
}

/**
 * Checks the name and what the copy would lose, then copies (`strata copy`). A loss accepted
 * (--allow-lossy) is said once the copy is made (`dropped`); an unaccepted one is refused by the
 * rule clone-loses-xattrs, nothing made on either host.
 */
export async function copyBetweenHosts(from: Source, to: Target & { allowLossy?: boolean }, opts: CopyAcrossOptions = {}): Promise<{ made: ContainerRef; dropped: string | null }> {
  const loss = await checkCopy(from, to, opts.signal)
  if (loss !== null && !to.allowLossy) refuseLoss(loss, to, say('how-copy-lossy'))
  opts.signal?.throwIfAborted()
  const made = await copyAcrossHosts(from, to, opts)
  return { made, dropped: loss === null ? null : droppedNote(loss, to).text }
}

/** Progress reports of a copy are at most this often (the exporter reports every acked write). */
const PROGRESS_EVERY_MS = 100

/**
 * Both sides' progress as one task's: the exporter's byte counts, at most every 100 ms; the
 * importer's notes as they come, except its "receiving" once the bytes are counted (a bar that
 * flipped between a count and a note on every write could not be read, nor its Cancel clicked).
 */
export function copyProgress(report: (p: OpProgress) => void): (p: OpProgress) => void {
  let counted = false
  let last = 0
  return (p) => {
    if (p.totalBytes === undefined && p.totalFiles === undefined) {
      if (!(counted && p.phase === 'copy')) report(p)
      return
    }
    counted = true
    const now = Date.now()
    if (now - last < PROGRESS_EVERY_MS) return
    last = now
    report(p)
  }
}
