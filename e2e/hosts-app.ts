// What the host specs share. `useHostSpec` registers a spec file's frame, the same for ssh hosts
// and LXD hosts: why it is skipped (said once), its tests in order, the app started before them
// and cleaned up after. `startHostsApp` starts browser mode beside "remote" hosts (network
// namespaces with their own sshd, test/hosts/netns-hosts.ts): the helper script built, the
// lxcpaths the hosts serve allow-listed, the hosts file and known_hosts as `strata hosts add`
// and `strata hosts trust` leave them, and one cleanup, also when the setup fails half-way.
import type { Page } from '@playwright/test'
import { execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, startWeb } from './fixtures'
import { destroyLxcpath } from './lxc'
import { HELPER_COMMAND, makeHostsFixture, type HostsFixture, type NetnsHost } from '../test/hosts/netns-hosts'
import { allowLxcpaths } from '../test/helper/allow-list'
import { NO_NET_CONFIG } from '../test/helpers/lxc'

/**
 * The frame of a host spec file: skipped with the reason printed when `skip` names one, its tests
 * run in order, `start` before them and the app's cleanup after. Answers the started app.
 */
export function useHostSpec<T extends { cleanup(): Promise<void> }>(
  what: string,
  skip: string | null,
  start: () => Promise<T>,
  timeouts: { setup: number; teardown: number } = { setup: 180_000, teardown: 120_000 }
): () => T {
  if (skip) console.log(`${what} skipped: ${skip}`)
  let app: T | null = null
  test.describe.configure({ mode: 'serial' })
  test.skip(skip !== null, skip ?? '')
  test.beforeAll(async () => {
    test.setTimeout(timeouts.setup)
    app = await start()
  })
  test.afterAll(async () => {
    test.setTimeout(timeouts.teardown)
    await app?.cleanup()
  })
  return () => {
    if (!app) throw new Error(`${what}: the app has not started`)
    return app
  }
}

/** Chooses a host in the switcher, as a user does. */
export async function pickHost(page: Page, name: string): Promise<void> {
  await page.getByTestId('host-switcher').click()
  await page.getByTestId(`host-option-${name}`).click()
}

export interface HostsApp {
  fx: HostsFixture
  /** the app's address */
  url: string
  /** this computer's lxcpath in the app */
  local: string
  cleanup(): Promise<void>
}

/** A host in the hosts file, its key in known_hosts, serving these lxcpaths. */
export interface TrustedHost {
  host: NetnsHost
  lxcpaths: string[]
}

export interface HostsAppOptions {
  /** how many hosts (h1, h2, ...) */
  count: number
  /**
   * The hosts' side, made before the app starts (`fx.dir`/net.conf is an LXC config without a
   * network, for lxc-create -f): answers the lxcpaths the helper there may serve, and the hosts
   * already in the hosts file.
   */
  prepare(fx: HostsFixture): Promise<{ allow: string[]; trusted: TrustedHost[] }> | { allow: string[]; trusted: TrustedHost[] }
  /** this computer's lxcpath, made before the app starts; destroyed with the rest */
  local(fx: HostsFixture): string
  /** undone in the cleanup, while the hosts are still up (their lxcpaths), and once they are gone (what their helper held) */
  beforeHostsGo?(fx: HostsFixture): void | Promise<void>
  afterHostsGo?(): void | Promise<void>
}

export async function startHostsApp(opts: HostsAppOptions): Promise<HostsApp> {
  let fx: HostsFixture | null = null
  let web: ChildProcess | null = null
  let local = ''
  let disallow: (() => Promise<void>) | null = null
  const cleanup = async (): Promise<void> => {
    if (web && web.exitCode === null) {
      const exited = new Promise((r) => web!.once('exit', r))
      web.kill('SIGTERM')
      await exited
    }
    if (fx) await opts.beforeHostsGo?.(fx)
    if (local) destroyLxcpath(local)
    await disallow?.()
    await fx?.cleanup()
    await opts.afterHostsGo?.()
  }
  try {
    if (!existsSync('out/helper/strata-helper.mjs')) execFileSync('node', ['scripts/build-helper.mjs'], { stdio: 'ignore' })
    fx = await makeHostsFixture(opts.count)
    writeFileSync(join(fx.dir, 'net.conf'), NO_NET_CONFIG)
    const { allow, trusted } = await opts.prepare(fx)
    disallow = await allowLxcpaths(allow)
    const hosts = trusted.map(({ host, lxcpaths }) => ({ name: host.name, destination: `root@${host.address}`, helper: HELPER_COMMAND, elevate: 'none', lxcpaths }))
    mkdirSync(join(fx.env.XDG_CONFIG_HOME!, 'strata'), { recursive: true })
    writeFileSync(join(fx.env.XDG_CONFIG_HOME!, 'strata', 'hosts.json'), JSON.stringify({ hosts }))
    const keys = trusted.map(({ host }) => {
      const pub = readFileSync(`${host.hostKey}.pub`, 'utf8').split(' ')
      return `${host.address} ${pub[0]} ${pub[1]}\n`
    })
    writeFileSync(join(fx.dir, 'known_hosts'), keys.join(''))
    local = opts.local(fx)
    const s = await startWeb(local, fx.env)
    web = s.proc
    return { fx, url: s.url, local, cleanup }
  } catch (err) {
    await cleanup()
    throw err
  }
}
