// An LXD server as a host: a real LXD 5.0 daemon (lxd-daemon.ts) reached through its unix
// socket and over HTTPS from the built CLI (`strata --host NAME ...`); LXD's own client (`lxc`)
// checks every result, as a user would.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ContainerInfo, ContainerUsage, LineageGraph } from '../../src/shared/model'
import { LXD_TRUST_PASSWORD, lxdSkipReason, startLxdFixture, type LxdFixture } from './lxd-daemon'
import { REPO } from './netns-hosts'

const skip = lxdSkipReason()
if (skip) console.warn(`skipping the LXD host tests: ${skip}`)

let fx: LxdFixture
let env: Record<string, string>

async function strata(args: string[], input?: string) {
  const r = await execa(process.execPath, [join(REPO, 'bin/strata'), ...args], { reject: false, env, timeout: 120_000, ...(input !== undefined ? { input } : { stdin: 'ignore' }) })
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr }
}

async function ok(args: string[], input?: string): Promise<string> {
  const r = await strata(args, input)
  if (r.code !== 0) throw new Error(`strata ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r.stdout
}

/** What LXD's own client lists: name → status and snapshot names. */
async function lxdList(): Promise<Map<string, { status: string; snapshots: string[] }>> {
  const list = JSON.parse(await fx.lxc(['list', '--format', 'json'])) as { name: string; status: string; snapshots: { name: string }[] | null }[]
  return new Map(list.map((i) => [i.name, { status: i.status, snapshots: (i.snapshots ?? []).map((s) => s.name) }]))
}

describe.skipIf(skip)('an LXD server as a host (a real LXD 5.0.2 daemon in its own network namespace)', () => {
  beforeAll(async () => {
    fx = await startLxdFixture()
    env = { XDG_CONFIG_HOME: join(fx.dir, 'config') }
    await fx.lxc(['init', 'busybox', 'web'])
    await fx.lxc(['snapshot', 'web'])
    await ok(['hosts', 'add', 'lxd1', '--lxd', `unix:${fx.socket}`])
  }, 240_000)
  afterAll(async () => {
    await fx?.cleanup()
  }, 120_000)

  it('lists what LXD lists: instances, states, snapshots, the pool as the backend, a project as the lxcpath', async () => {
    const infos = JSON.parse(await ok(['--host', 'lxd1', 'ls', '--json'])) as ContainerInfo[]
    const lxd = await lxdList()
    expect(infos.map((c) => c.name).sort()).toEqual([...lxd.keys()].sort())
    const web = infos.find((c) => c.name === 'web')!
    expect(web).toMatchObject({ lxcpath: '/1.0/projects/default', backend: 'dir', state: 'stopped' })
    expect(web.snapshots.map((s) => s.name)).toEqual(lxd.get('web')!.snapshots)
    expect(web.snapshots[0]!.timestamp).toMatch(/^\d{4}:\d\d:\d\d \d\d:\d\d:\d\d$/)
    const graph = JSON.parse(await ok(['--host', 'lxd1', 'lineage', '--json'])) as LineageGraph
    expect(graph.edges).toContainEqual({ from: '/1.0/projects/default/web/snaps/snap0', to: '/1.0/projects/default/web', kind: 'snapshot-of' })
  })

  it('clones, snapshots, starts, stops and destroys through LXD, and LXD sees each result', async () => {
    expect(await ok(['--host', 'lxd1', 'clone', '-o', 'web', '-n', 'web-copy'])).toContain('web-copy')
    expect((await lxdList()).get('web-copy')).toEqual({ status: 'Stopped', snapshots: [] })
    // the copy keeps its origin's profiles and devices (its root disk), and it starts
    expect(await fx.lxc(['config', 'show', 'web-copy', '--expanded'])).toContain('pool: default')
    await ok(['--host', 'lxd1', 'start', '-n', 'web-copy'])
    expect((await lxdList()).get('web-copy')!.status).toBe('Running')
    const running = JSON.parse(await ok(['--host', 'lxd1', 'ls', '--json'])) as ContainerInfo[]
    expect(running.find((c) => c.name === 'web-copy')!.state).toBe('running')
    // a running container is not destroyed, and nothing changes
    const refused = await strata(['--host', 'lxd1', 'destroy', '-n', 'web-copy'])
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toMatch(/web-copy on lxd1 is running; stop it first/)
    await ok(['--host', 'lxd1', 'stop', '-n', 'web-copy', '-t', '10'])
    expect((await lxdList()).get('web-copy')!.status).toBe('Stopped')

    await ok(['--host', 'lxd1', 'snapshot', '-n', 'web-copy'])
    expect((await lxdList()).get('web-copy')!.snapshots).toEqual(['snap0'])
    // restore to a new name: a copy of the snapshot
    await ok(['--host', 'lxd1', 'snapshot', '-n', 'web-copy', '-r', 'snap0', '-N', 'web-restored'])
    expect((await lxdList()).has('web-restored')).toBe(true)

    // with a snapshot, destroy names it and asks for --with-dependents; LXD keeps both meanwhile
    const withSnap = await strata(['--host', 'lxd1', 'destroy', '-n', 'web-copy'])
    expect(withSnap.code).not.toBe(0)
    expect(withSnap.stderr).toContain('snap0')
    expect((await lxdList()).get('web-copy')!.snapshots).toEqual(['snap0'])
    await ok(['--host', 'lxd1', 'destroy', '-n', 'web-copy', '--with-dependents'])
    await ok(['--host', 'lxd1', 'destroy', '-n', 'web-restored'])
    const after = await lxdList()
    expect(after.has('web-copy')).toBe(false)
    expect(after.has('web-restored')).toBe(false)
    expect(after.has('web')).toBe(true)
  }, 180_000)

  it('measures each volume as du does where the dir pool cannot (no quotas here)', async () => {
    const usage = JSON.parse(await ok(['--host', 'lxd1', 'du', '--json'])) as ContainerUsage[]
    const web = usage.find((u) => u.ref.name === 'web')!
    const volume = join(fx.lxdDir, 'storage-pools/default/containers/web')
    const du = Number((await execa('du', ['-s', '--block-size=1', volume])).stdout.split('\t')[0])
    expect(web.measured.allocatedBytes).toBe(du)
    expect(web.source).toBe('scan')
    const snap = usage.find((u) => u.ref.name === 'snap0' && u.ref.lxcpath === '/1.0/projects/default/web/snaps')!
    // what deleting web frees: its own volume and its snapshot's, which LXD deletes with it
    expect(web.freedIfDeletedBytes).toBe(web.exclusiveBytes + snap.exclusiveBytes)
  })

  it('names the container and the host when one is missing, and the socket when LXD is not running', async () => {
    const missing = await strata(['--host', 'lxd1', 'snapshot', '-n', 'nosuch'])
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toContain('there is no container "nosuch" in /1.0/projects/default on lxd1')
    const unsupported = await strata(['--host', 'lxd1', 'create', '-n', 'x', '-t', 'busybox'])
    expect(unsupported.code).not.toBe(0)
    expect(unsupported.stderr).toMatch(/runs only on this computer|not something Strata does on an LXD host/)
    await fx.stop()
    try {
      const down = await strata(['--host', 'lxd1', 'ls'])
      expect(down.code).not.toBe(0)
      expect(down.stderr).toContain(`LXD on lxd1 (${fx.socket}) is not running`)
    } finally {
      await fx.start()
    }
  }, 120_000)

  it('over HTTPS: the certificate is pinned only when confirmed, a different one is refused, the trust password makes LXD trust Strata', async () => {
    await ok(['hosts', 'add', 'lxd2', '--lxd', `https://${fx.address}:8443`])
    const unconfirmed = await strata(['--host', 'lxd2', 'ls'])
    expect(unconfirmed.code).not.toBe(0)
    expect(unconfirmed.stderr).toContain('has not been confirmed yet; run strata hosts trust lxd2')

    // the fingerprint shown is the server's own; "n" pins nothing
    const serverFp = (await execa('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', join(fx.lxdDir, 'server.crt')])).stdout.split('=')[1]!.trim()
    const no = await strata(['hosts', 'trust', 'lxd2'], 'n\n')
    expect(no.code).not.toBe(0)
    expect(no.stdout).toContain(serverFp)
    expect(readFileSync(join(env.XDG_CONFIG_HOME!, 'strata/hosts.json'), 'utf8')).not.toContain('serverCert')

    const passwordFile = join(fx.dir, 'trust-password')
    writeFileSync(passwordFile, `${LXD_TRUST_PASSWORD}\n`, { mode: 0o600 })
    const yes = await strata(['hosts', 'trust', 'lxd2', '--password-file', passwordFile], 'y\n')
    expect(yes.code, yes.stderr).toBe(0)
    expect(yes.stdout).toContain('now trusts Strata')
    // LXD lists Strata's client certificate among its trusted ones
    expect(await fx.lxc(['config', 'trust', 'list', '--format', 'csv'])).toContain('strata')
    const names = (JSON.parse(await ok(['--host', 'lxd2', 'ls', '--json'])) as ContainerInfo[]).map((c) => c.name)
    expect(names).toContain('web')

    // a server presenting another certificate than the pinned one is refused, naming the danger
    const hostsFile = join(env.XDG_CONFIG_HOME!, 'strata/hosts.json')
    const other = join(fx.dir, 'other')
    await execa('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=other', '-keyout', `${other}.key`, '-out', `${other}.crt`])
    const hosts = JSON.parse(readFileSync(hostsFile, 'utf8')) as { hosts: { name: string; lxd?: { serverCert?: string } }[] }
    hosts.hosts.find((h) => h.name === 'lxd2')!.lxd!.serverCert = readFileSync(`${other}.crt`, 'utf8')
    writeFileSync(hostsFile, JSON.stringify(hosts))
    const changed = await strata(['--host', 'lxd2', 'ls'])
    expect(changed.code).not.toBe(0)
    expect(changed.stderr).toContain('presented a certificate that is not the one trusted for it')
  }, 120_000)
})
