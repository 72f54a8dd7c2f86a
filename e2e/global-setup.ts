// Build once before the specs: browser mode serves out/renderer through out/main/web.js.
import { execFileSync } from 'node:child_process'

export default function globalSetup(): void {
  if (process.env.E2E_SKIP_BUILD) return
  execFileSync('npx', ['electron-vite', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })
}
