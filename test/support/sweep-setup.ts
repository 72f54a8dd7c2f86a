// vitest globalSetup: before any test file, what earlier runs that were killed left behind
// (their owner process gone) is removed, so that it cannot fail this run (sweep.ts); after the
// last file, once this run's workers are gone, the same sweep takes their (emptied) records.
import { sweepDeadRuns } from './sweep'

async function sweep(): Promise<void> {
  const removed = await sweepDeadRuns()
  if (removed.length > 0) console.log(`removed what killed test runs left: ${removed.join(', ')}`)
}

export default async function setup(): Promise<() => Promise<void>> {
  await sweep()
  return sweep
}
