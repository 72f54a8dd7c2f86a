// A copy of a stopped container from one host to another, as `strata copy` (cli/copy.ts) and the
// app's "Copy to host…" (host-sessions.ts) both make it: the target's engine checks the new
// name first, so nothing moves when it is taken there; then the relay streams it across
// (transfer-relay.ts), with progress and cancel.
import { refused } from '@shared/errors'
import type { ContainerRef, OpProgress } from '@shared/model'
import { copyAcrossHosts, type CopyAcrossOptions, type TransferSide } from './transfer-relay'

type Target = Parameters<typeof copyAcrossHosts>[1]

/** Refuses a name the target's engine will not take (taken there, or not a name LXC allows), naming the host. */
export async function checkTargetName(to: TransferSide & { lxcpath: string; name: string }): Promise<void> {
  const { issue } = await to.engine.call('checkName', { lxcpath: to.lxcpath, name: to.name })
  if (issue) throw refused(issue.rule, `${issue.message} (on ${to.where}, in ${to.lxcpath})`, `${to.lxcpath}/${to.name}`)
}

export async function copyBetweenHosts(from: TransferSide & { ref: ContainerRef }, to: Target, opts: CopyAcrossOptions = {}): Promise<ContainerRef> {
  await checkTargetName(to)
  opts.signal?.throwIfAborted()
  return copyAcrossHosts(from, to, opts)
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
