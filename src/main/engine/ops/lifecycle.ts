// Running containers through LXC's own tools: start (lxc-start -d), stop (lxc-stop: a clean
// shutdown, LXC's timeout, then kill), restart, freeze and unfreeze. Each checks the container's
// state against the shared rule first (shared/lifecycle.ts), so that a stop of a stopped
// container is refused in words, not with LXC's raw text; a failure quotes LXC. A failed start
// also says why: its own lines of the container's LXC log and the causes Strata recognises.
import { truncateSync } from 'node:fs'
import type { ContainerRef, ContainerState } from '@shared/model'
import { actionRefusal, lowerGoneRefusal, needsLowers, type ActionRefusal, type LifecycleAction } from '@shared/lifecycle'
import { containerSubject, failed, refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import { note, type OpContext } from '../context'
import { show } from '../errors'
import { lxcLogLocation, logSize } from '../lxc-log'
import { readStates } from '../state'
import { lxcErrorText, run, toolFailure } from '../tools'
import { diagnoseStart } from '../start-diagnosis'
import { loadExisting } from './preconditions'
import type { ContainerRecord } from '../container'
import { goneLowers } from '../rootfs'

/** lxc-stop's own default: a clean shutdown may take this long before the container is killed. */
export const DEFAULT_STOP_TIMEOUT_S = 60
/** A log Strata asked for is started over when it grows past this (LXC only appends). */
const MAX_STRATA_LOG_BYTES = 4 * 1024 * 1024
/** Beyond lxc-stop's own timeout: how long Strata waits for an LXC tool before giving up on it. */
const TOOL_GRACE_MS = 30_000

export interface StopOptions {
  /** seconds to wait for a clean shutdown before killing (lxc-stop -t); -1 waits forever */
  timeout?: number
  /** kill at once, no clean shutdown (lxc-stop -k) */
  kill?: boolean
}

async function stateOf(ref: ContainerRef): Promise<ContainerState> {
  return (await readStates(ref.lxcpath, [ref.name])).get(ref.name) ?? 'unknown'
}

/** The container exists, and `action` applies in its state (else refused, naming the rule): its state. */
async function admitted(ref: ContainerRef, action: LifecycleAction): Promise<ContainerState> {
  const record = loadExisting(ref)
  const state = await stateOf(ref)
  const refusal = actionRefusal(action, ref.name, state) ?? lowersRefusal(record, action)
  if (refusal) throw refused(refusal.rule, refusal.said, show(ref))
  return state
}

/** A start mounts every lower layer: one that is gone (its origin removed without LXC) refuses it here, not in lxc-start's log. */
function lowersRefusal(record: ContainerRecord, action: LifecycleAction): ActionRefusal | null {
  if (!needsLowers(action)) return null
  const gone = goneLowers(record.spec)[0]
  return gone === undefined ? null : lowerGoneRefusal(record.ref.name, gone)
}

/** An LXC tool on this container; its failure quotes LXC's words (prefixes stripped). */
async function lxcTool(tool: string, ref: ContainerRef, args: string[], ctx: OpContext, timeoutMs: number | undefined, what: 'start' | 'stop' | 'freeze' | 'unfreeze'): Promise<void> {
  try {
    await run(tool, ['-P', ref.lxcpath, '-n', ref.name, ...args], { signal: ctx.signal, timeoutMs })
  } catch (err) {
    const t = toolFailure(err)
    if (t && !ctx.signal?.aborted)
      throw failed(say(`lxc-did-not-${what}`, { name: ref.name, lxc: lxcErrorText(t.stderr || (err as Error).message) }), { subject: containerSubject(ref), cause: err })

    throw err
  }
}

export async function startContainer(ref: ContainerRef, ctx: OpContext = {}): Promise<{ ok: true }> {
  await admitted(ref, 'start')
  note(ctx, 'start', say('progress-starting', { name: ref.name }))
  const log = lxcLogLocation(ref)
  const args = ['-d']
  if (log.source === 'strata') {
    // No lxc.log.file: ask LXC for a debug log where the user finds it, next to the config.
    if (logSize(log.file) > MAX_STRATA_LOG_BYTES) truncateSync(log.file, 0)
    args.push('-o', log.file, '-l', 'DEBUG')
  }
  const from = logSize(log.file)
  try {
    await lxcTool('lxc-start', ref, args, ctx, 120_000, 'start')
  } catch (err) {
    if (ctx.signal?.aborted) throw err
    const diagnosis = diagnoseStart(loadExisting(ref), log, from)
    const first = diagnosis.lines.find((l) => l.level === 'ERROR')
    // The explanation first, then LXC's own first error, then where the whole log is.
    const why = diagnosis.causes.map((c) => ` ${c.message}`).join('')
    const lxcSays = first ? `LXC says: ${first.text}` : (err as Error).message
    throw failed(`${ref.name} did not start.${why} ${lxcSays} (LXC's log: ${log.file})`, {
      subject: containerSubject(ref),
      rule: diagnosis.causes[0]?.rule,
      diagnosis,
      cause: err
    })
  }
  return { ok: true }
}

export async function stopContainer(ref: ContainerRef, opts: StopOptions = {}, ctx: OpContext = {}): Promise<{ ok: true }> {
  const state = await admitted(ref, 'stop')
  const timeout = opts.timeout ?? DEFAULT_STOP_TIMEOUT_S
  // A frozen container cannot shut down cleanly: lxc-stop would wait out its timeout and kill it.
  if (state === 'frozen' && !opts.kill) {
    note(ctx, 'unfreeze', say('progress-unfreezing-to-stop', { name: ref.name }))
    await lxcTool('lxc-unfreeze', ref, [], ctx, TOOL_GRACE_MS, 'unfreeze')
  }
  note(ctx, 'stop', opts.kill ? say('progress-killing', { name: ref.name }) : say('progress-stopping', { name: ref.name, seconds: timeout }))
  const args = opts.kill ? ['-k'] : ['-t', String(timeout)]
  await lxcTool('lxc-stop', ref, args, ctx, opts.kill || timeout < 0 ? undefined : timeout * 1000 + TOOL_GRACE_MS, 'stop')
  return { ok: true }
}

/** Stop, then start: LXC's lxc-stop -r reboots inside the container, which busybox and others may ignore. */
export async function restartContainer(ref: ContainerRef, opts: StopOptions = {}, ctx: OpContext = {}): Promise<{ ok: true }> {
  await admitted(ref, 'restart')
  await stopContainer(ref, opts, ctx)
  return startContainer(ref, ctx)
}

export async function freezeContainer(ref: ContainerRef, ctx: OpContext = {}): Promise<{ ok: true }> {
  await admitted(ref, 'freeze')
  note(ctx, 'freeze', say('progress-freezing', { name: ref.name }))
  await lxcTool('lxc-freeze', ref, [], ctx, TOOL_GRACE_MS, 'freeze')
  return { ok: true }
}

export async function unfreezeContainer(ref: ContainerRef, ctx: OpContext = {}): Promise<{ ok: true }> {
  await admitted(ref, 'unfreeze')
  note(ctx, 'unfreeze', say('progress-unfreezing', { name: ref.name }))
  await lxcTool('lxc-unfreeze', ref, [], ctx, TOOL_GRACE_MS, 'unfreeze')
  return { ok: true }
}
