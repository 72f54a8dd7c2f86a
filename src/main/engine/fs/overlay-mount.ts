// Temporary overlay mounts: the merged view of an overlay container, to copy it (copy clone,
// flatten). Read-only, in a private temporary directory, always unmounted afterwards.
import { mkdtempSync, rmdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../tools'

/** Runs fn with the merged tree of `upper` over `lowers` (top first) mounted read-only. */
export async function withMergedView<T>(lowers: readonly string[], upper: string, fn: (root: string) => Promise<T>): Promise<T> {
  const at = mkdtempSync(join(tmpdir(), 'strata-merged-'))
  // Read-only overlay needs no workdir; the upper becomes the topmost lower.
  await run('mount', ['-t', 'overlay', 'overlay', '-o', `ro,lowerdir=${[upper, ...lowers].join(':')}`, at])
  try {
    return await fn(at)
  } finally {
    await run('umount', [at]).catch(() => run('umount', ['-l', at]))
    rmdirSync(at)
  }
}
