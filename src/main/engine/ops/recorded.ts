// Containers and paths an operation reaches through what is recorded on disk (lxc_rdepends,
// lxc_snapshots, a scanned lxcpath, an overlay's lower layers) rather than through its caller.
// Each is checked before the operation touches anything: against the caller's boundary (the
// root helper's lxcpath policy, which applies the name rule too), then against the engine's
// own rules, so that a crafted entry cannot lead a write or a delete out of where it may go.
import type { ContainerRef, RootfsSpec } from '@shared/model'
import { existingContainerNameProblem } from '@shared/names'
import type { OpContext } from '../context'
import { refused } from '@shared/errors'

function lxcpathProblem(lxcpath: string): string | null {
  if (!lxcpath.startsWith('/')) return 'its lxcpath is not absolute'
  if (lxcpath.includes('\0')) return 'its lxcpath contains a NUL byte'
  if (lxcpath.split('/').some((s) => s === '.' || s === '..')) return 'its lxcpath has a "." or ".." segment'
  return null
}

/** Throws unless every ref named in `foundIn` may be touched. */
export function admitRecordedRefs(refs: readonly ContainerRef[], foundIn: string, ctx: OpContext): void {
  for (const ref of refs) {
    ctx.boundary?.recordedRef(ref, foundIn)
    const problem = lxcpathProblem(ref.lxcpath) ?? existingContainerNameProblem(ref.name)
    if (problem) throw refused('recorded-ref', `${foundIn} names ${JSON.stringify(`${ref.lxcpath}/${ref.name}`)}, which Strata will not follow: ${problem}`)
  }
}

/** Throws unless every lower layer of `spec` (named in `foundIn`) may be read. */
export function admitLowers(spec: RootfsSpec | null, foundIn: string, ctx: OpContext): void {
  if (!spec || !('lowers' in spec)) return
  for (const lower of spec.lowers) ctx.boundary?.recordedPath(lower, foundIn)
}
