// vitest globalSetup: before any test file, what earlier runs that were killed left behind
// (their owner process gone) is removed, so that it cannot fail this run (sweep.ts).
import { sweepDeadRuns } from './sweep'

export default async function setup(): Promise<void> {
  const removed = await sweepDeadRuns()
  if (removed.length > 0) console.log(`removed what killed test runs left: ${removed.join(', ')}`)
}
