// An LXD cluster as a host: two real LXD 5.0.2 daemons, each in its own network namespace with
// its own address and LXD_DIR, joined into one cluster (lxd-daemon.ts). Strata speaks to one
// member's socket and sees every member's instances, with the member holding each; a clone can
// be placed on another member, and so can a copy from this computer. LXD's own client checks
// each result.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lxdEngine } from '../../src/main/hosts/lxd/lxd-engine'
import type { ContainerInfo } from '../../src/shared/model'
import { lxdSkipReason, startLxdFixture, type LxdFixture } from './lxd-daemon'
import { REPO } from './netns-hosts'
import { NO_NET_CONFIG } from '../helpers/lxc'

const skip = lxdSkipReason()
if (skip) console.warn(`skipping the LXD cluster tests: ${skip}`)

let fx: LxdFixture
let env: Record<string, string>

async function strata(args: string[]) {
  const r = await execa(process.execPath, [join(REPO, 'bin/strata'), ...args], { reject: false, env, timeout: 120_000, stdin: 'ignore' })
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr }
}

/** Where LXD's own client says each instance lives. */
async function locations(): Promise<Record<string, string>> {
  const list = JSON.parse(await fx.lxc(['list', '--format', 'json'])) as { name: string; location: string }[]
  return Object.fromEntries(list.map((i) => [i.name, i.location]))
}

describe.skipIf(skip)('an LXD cluster as a host (two real LXD 5.0.2 daemons in their own network namespaces)', () => {
  beforeAll(async () => {
    fx = await startLxdFixture({ members: 2 })
    env = { XDG_CONFIG_HOME: join(fx.dir, 'config') }
    await fx.lxc(['init', 'busybox', 'a1', '--target', 'm1'])
    await fx.lxc(['init', 'busybox', 'b1', '--target', 'm2'])
    const add = await strata(['hosts', 'add', 'cluster', '--lxd', `unix:${fx.members[0]!.socket}`])
    expect(add.code, add.stderr).toBe(0)
  }, 300_000)
  afterAll(async () => {
    await fx?.cleanup()
  }, 180_000)

  it('lists every member’s instances with the member holding each, as lxc list does', async () => {
    const r = await strata(['--host', 'cluster', 'ls', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const infos = JSON.parse(r.stdout) as ContainerInfo[]
    expect(Object.fromEntries(infos.map((c) => [c.name, c.location]))).toEqual(await locations())
    const table = await strata(['--host', 'cluster', 'ls'])
    expect(table.stdout).toMatch(/NAME\s+MEMBER\s+STATE/)
    expect(table.stdout).toMatch(/b1\s+m2\s+STOPPED/)
  })

  it('places a clone on the member asked for, and only LXD clusters take --member', async () => {
    const r = await strata(['--host', 'cluster', 'clone', '-o', 'a1', '-n', 'a1-on-m2', '--member', 'm2'])
    expect(r.code, r.stderr).toBe(0)
    expect((await locations())['a1-on-m2']).toBe('m2')
    // the copy starts on its member
    await execa('lxc', ['start', 'a1-on-m2'], { env: { LXD_DIR: fx.members[1]!.lxdDir } })
    const started = JSON.parse((await strata(['--host', 'cluster', 'ls', '--json'])).stdout) as ContainerInfo[]
    expect(started.find((c) => c.name === 'a1-on-m2')!.state).toBe('running')
    const unknown = await strata(['--host', 'cluster', 'clone', '-o', 'a1', '-n', 'x1', '--member', 'm9'])
    expect(unknown.code).not.toBe(0)
    expect(unknown.stderr).toMatch(/LXD on cluster .* refused/)
    expect(Object.keys(await locations())).not.toContain('x1')
    const here = await strata(['clone', '-o', 'a1', '-n', 'x2', '--member', 'm2'])
    expect(here.code).not.toBe(0)
    expect(here.stderr).toContain('--member places a clone on a member of an LXD cluster')
  }, 120_000)

  it('offers the members with each pool, and copies a container from this computer onto the member asked for (--member), no temporary image left; an LXC target refuses --member', async () => {
    const local = join(fx.dir, 'lxc-here')
    mkdirSync(local, { mode: 0o755 })
    writeFileSync(join(local, 'net.conf'), NO_NET_CONFIG)
    await execa('lxc-create', ['-P', local, '-n', 'base', '-t', 'busybox', '-f', join(local, 'net.conf')])
    // what the copy dialog is offered: the pool, with the members it can be placed on
    const engine = lxdEngine({ name: 'cluster', lxd: { url: `unix:${fx.members[0]!.socket}` } })
    try {
      expect(await engine.call('cloneChoices', { lxcpath: '/1.0/projects/default' })).toEqual([
        { backend: 'dir', mode: 'copy', allowed: true, reason: null, isDefault: true, pool: 'default', members: ['m1', 'm2'] }
      ])
    } finally {
      await engine.close()
    }
    const images = async (): Promise<string> => fx.lxc(['image', 'list', '--format', 'csv', '-c', 'f'])
    const before = await images()
    const r = await strata(['copy', 'base', 'cluster:base-on-m2', '-p', local, '--member', 'm2'])
    expect(r.code, r.stderr).toBe(0)
    expect((await locations())['base-on-m2']).toBe('m2')
    expect(await images()).toBe(before)
    await execa('lxc', ['start', 'base-on-m2'], { env: { LXD_DIR: fx.members[1]!.lxdDir } })
    expect((await execa('lxc', ['exec', 'base-on-m2', '--', 'cat', '/etc/hostname'], { env: { LXD_DIR: fx.members[1]!.lxdDir } })).stdout).toBe('base-on-m2')
    await execa('lxc', ['stop', 'base-on-m2', '--force'], { env: { LXD_DIR: fx.members[1]!.lxdDir } })

    const back = await strata(['copy', 'cluster:a1', 'a1here', '-P', local, '--member', 'm2'])
    expect(back.code).not.toBe(0)
    expect(back.stderr).toContain('--member m2 is refused by the rule copy-member: this computer is an LXC host')
    expect(existsSync(join(local, 'a1here'))).toBe(false)
  }, 300_000)
})
