// LXC creates /run/lxc/lock/<lxcpath>/ for every lxcpath it touches and never removes it.
// Tests make their lxcpaths under the temp dir; when a run ends, the lock dirs of those that
// no longer exist are removed, so runs leave nothing behind in /run.
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function removeStaleLxcLockDirs(): void {
  const lockRoot = join('/run/lxc/lock', tmpdir())
  let names: string[]
  try {
    names = readdirSync(lockRoot)
  } catch {
    return
  }
  for (const name of names) {
    if (!existsSync(join(tmpdir(), name))) rmSync(join(lockRoot, name), { recursive: true, force: true })
  }
}

/** vitest globalSetup: the teardown it returns runs once after every test file. */
export default function setup(): () => void {
  return removeStaleLxcLockDirs
}
