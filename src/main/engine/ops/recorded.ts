// Containers and paths an operation reaches through what is recorded on disk (lxc_rdepends,
// lxc_snapshots, a scanned lxcpath, an overlay's lower layers) rather than through its caller.
// Each is checked before the operation touches anything: against the caller's boundary (the
// root helper's lxcpath policy, which applies the name rule too), then against the engine's
// own rules, so that a crafted entry cannot lead a write or a delete out of where it may go.
import type { ContainerRef, RootfsSpec } from '@shared/model'
import { existingContainerNameSaid } from '@shared/names'
import type { OpContext } from '../context'
import { refused } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'

function lxcpathProblem(lxcpath: string): Said | null {
  if (!lxcpath.startsWith('/')) return say('recorded-lxcpath-relative')
  if (lxcpath.includes('\0')) return say('recorded-lxcpath-nul')
  if (lxcpath.split('/').some((s) => s === '.' || s === '..')) return say('recorded-lxcpath-dots')
  return null
}

/** Throws unless every ref named in `foundIn` may be touched. */
export function admitRecordedRefs(refs: readonly ContainerRef[], foundIn: string, ctx: OpContext): void {
  for (const ref of refs) {
    ctx.boundary?.recordedRef(ref, foundIn)
    const problem = lxcpathProblem(ref.lxcpath) ?? existingContainerNameSaid(ref.name)
    if (problem) throw refused('recorded-ref', say('recorded-ref', { file: foundIn, ref: JSON.stringify(`${ref.lxcpath}/${ref.name}`), problem }))
  }
}

/** Throws unless every lower layer of `spec` (named in `foundIn`) may be read. */
export function admitLowers(spec: RootfsSpec | null, foundIn: string, ctx: OpContext): void {
  if (!spec || !('lowers' in spec)) return
  for (const lower of spec.lowers) ctx.boundary?.recordedPath(lower, foundIn)
}
