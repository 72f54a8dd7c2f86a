// What every operation takes besides its options: cancel and progress.
import type { OpProgress } from '@shared/model'

export interface OpContext {
  signal?: AbortSignal
  onProgress?: (p: OpProgress) => void
  /** false: skip the quick pre-scan a copy makes only to report totalFiles/totalBytes (default true) */
  progressTotals?: boolean
}

export function report(ctx: OpContext | undefined, p: OpProgress): void {
  try {
    ctx?.onProgress?.(p)
  } catch {
    // a broken progress listener must not break the operation
  }
}

export function checkAborted(ctx: OpContext | undefined, what: string): void {
  if (ctx?.signal?.aborted) throw new OpCancelledError(what)
}

export class OpCancelledError extends Error {
  constructor(what: string) {
    super(`${what} was cancelled; nothing was changed.`)
    this.name = 'OpCancelledError'
  }
}
