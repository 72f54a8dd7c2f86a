// A real LXD 5.0.2 fixture (test/hosts/lxd-daemon.ts) with Strata's browser mode beside it: the
// LXD host is in the hosts file as `strata hosts add NAME --lxd unix:...` leaves it, and this
// computer's lxcpath is a fresh temporary one. One cleanup, also when the setup fails half-way.
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startWeb } from './fixtures'
import { startLxdFixture, type LxdFixture } from '../test/hosts/lxd-daemon'

export interface LxdApp {
  fx: LxdFixture
  /** the app's address */
  url: string
  /** this computer's lxcpath in the app */
  local: string
  cleanup(): Promise<void>
}

export interface LxdAppOptions {
  /** the LXD host's name in the app */
  host: string
  /** a cluster of two members: the host is the first member's socket */
  members?: 1 | 2
  /** LXD's side, made before the app starts */
  prepare?: (fx: LxdFixture) => Promise<void>
  /** this computer's lxcpath, filled before the app starts */
  prepareLocal?: (lxcpath: string) => void
}

export async function startLxdApp(opts: LxdAppOptions): Promise<LxdApp> {
  let fx: LxdFixture | null = null
  let web: ChildProcess | null = null
  let local = ''
  const cleanup = async (): Promise<void> => {
    if (web && web.exitCode === null) {
      const exited = new Promise((r) => web!.once('exit', r))
      web.kill('SIGTERM')
      await exited
    }
    await fx?.cleanup()
    if (local) rmSync(local, { recursive: true, force: true })
  }
  try {
    fx = await startLxdFixture({ members: opts.members ?? 1 })
    await opts.prepare?.(fx)
    const config = join(fx.dir, 'config')
    mkdirSync(join(config, 'strata'), { recursive: true })
    writeFileSync(join(config, 'strata', 'hosts.json'), JSON.stringify({ hosts: [{ name: opts.host, lxd: { url: `unix:${fx.socket}` } }] }))
    local = mkdtempSync('/tmp/strata-e2e-lxd-local-')
    opts.prepareLocal?.(local)
    const s = await startWeb(local, { XDG_CONFIG_HOME: config })
    web = s.proc
    return { fx, url: s.url, local, cleanup }
  } catch (err) {
    await cleanup()
    throw err
  }
}

export { pickHost } from './hosts-app'
