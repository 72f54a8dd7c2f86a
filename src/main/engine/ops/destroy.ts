// TEMPORARY (UI stand-in until the ops engineer's destroy.ts lands; replace this whole file).
// Runs LXC's own lxc-destroy, which refuses an origin that still has clones; that refusal
// becomes a DependentsError naming them (from the origin's lxc_snapshots).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ContainerRef } from '@shared/model'
import { run, ToolError } from '../tools'
import type { OpContext } from './context'

export class DependentsError extends Error {
  constructor(
    readonly ref: ContainerRef,
    readonly dependents: ContainerRef[]
  ) {
    super(`${ref.name} cannot be destroyed: ${dependents.map((d) => d.name).join(', ') || 'its clones'} depend on it; destroy them first`)
    this.name = 'DependentsError'
  }
}

function recordedDependents(ref: ContainerRef): ContainerRef[] {
  try {
    const lines = readFileSync(join(ref.lxcpath, ref.name, 'lxc_snapshots'), 'utf8').split('\n').filter(Boolean)
    const out: ContainerRef[] = []
    for (let i = 0; i + 1 < lines.length; i += 2) out.push({ lxcpath: lines[i]!, name: lines[i + 1]! })
    return out
  } catch {
    return []
  }
}

export async function destroyContainer(
  ref: ContainerRef,
  opts: { withDependents?: boolean } = {},
  ctx: OpContext = {}
): Promise<{ destroyed: ContainerRef[] }> {
  ctx.onProgress?.({ phase: 'destroy' })
  try {
    await run('lxc-destroy', ['-P', ref.lxcpath, '-n', ref.name, ...(opts.withDependents ? ['-s'] : [])], { signal: ctx.signal })
  } catch (e) {
    if (e instanceof ToolError && /has (clones|snapshots)/.test(e.stderr)) throw new DependentsError(ref, recordedDependents(ref))
    throw e
  }
  return { destroyed: [ref] }
}
