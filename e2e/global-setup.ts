// Build once before the specs: browser mode serves out/renderer through out/main/web.js.
// First, what killed test runs left behind (test/support/sweep.ts).
import { execFileSync } from 'node:child_process'
import { sweepDeadRuns } from '../test/support/sweep'

export default async function globalSetup(): Promise<void> {
  const removed = await sweepDeadRuns()
  if (removed.length > 0) console.log(`removed what killed test runs left: ${removed.join(', ')}`)
  if (process.env.E2E_SKIP_BUILD) return
  execFileSync('npx', ['electron-vite', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })
}
