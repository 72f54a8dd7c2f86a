// What every operation takes besides its options: cancel, progress, and how far it may reach.
// Below ops, drivers and fs alike: each of them reports progress and stops when cancelled.
import type { ContainerRef, OpProgress } from '@shared/model'
import { cancelled } from '@shared/errors'
import type { Said } from '@shared/engine-text'

/**
 * Where an operation may go beyond the containers its caller named; the root helper passes its
 * lxcpath policy. Each method throws, naming the thing, where it was found and the rule.
 */
export interface OpBoundary {
  /** a container named on disk (lxc_rdepends, lxc_snapshots, a scanned lxcpath) that the operation would touch */
  recordedRef(ref: ContainerRef, foundIn: string): void
  /** a path a rootfs spec names (an overlay's lower layer) that the operation would read or record */
  recordedPath(path: string, foundIn: string): void
}

export interface OpContext {
  signal?: AbortSignal
  onProgress?: (p: OpProgress) => void
  /** false: skip the quick pre-scan a copy makes only to report totalFiles/totalBytes (default true) */
  progressTotals?: boolean
  /** unset: anywhere the engine's own rules allow (ops/recorded.ts) */
  boundary?: OpBoundary
}

/** Each listener's latest note: the counts that follow a note carry it, so that whoever joins late (a UI) still reads the step. */
const steps = new WeakMap<(p: OpProgress) => void, Said>()

export function report(ctx: OpContext | undefined, p: OpProgress): void {
  const listener = ctx?.onProgress
  if (!listener) return
  if (p.said) steps.set(listener, p.said)
  const step = p.said ? undefined : steps.get(listener)
  try {
    listener(step ? { ...p, said: step } : p)
  } catch {
    // a broken progress listener must not break the operation
  }
}

/** A note on what the operation is doing now: its English for the CLI and logs (`message`), and the same as data for the app. */
export function note(ctx: OpContext | undefined, phase: string, said: Said): void {
  report(ctx, { phase, message: said.text, said })
}

export function checkAborted(ctx: OpContext | undefined, what: string): void {
  if (ctx?.signal?.aborted) throw cancelled(`${what} was cancelled; nothing was changed.`)
}
