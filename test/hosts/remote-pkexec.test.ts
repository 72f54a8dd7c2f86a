// A remote host reached as an unprivileged SSH user, with the installed helper started through
// pkexec there, as Strata does by default: polkit's answer decides (a rule allows one test user,
// denies another, and leaves a third to the policy's auth_admin with no agent to ask). The host
// is a network namespace with its own sshd; polkitd and the helper are this machine's (the
// namespace shares them), installed by the polkit tests' fixture.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { allowLxcpaths } from '../helper/allow-list'
import { polkitSkipReason, startPolkit, type PolkitFixture, type TestUser } from '../helper/polkit-fixture'
import { NO_NET_CONFIG } from '../helpers/lxc'
import { hostsSkipReason, makeHostsFixture, REPO, type HostsFixture } from './netns-hosts'

const skip = hostsSkipReason() ?? polkitSkipReason()
if (skip) console.warn(`skipping the remote pkexec tests: ${skip}`)

let fx: HostsFixture | undefined
let pk: PolkitFixture | undefined
let disallow: (() => Promise<void>) | undefined

async function strata(args: string[]) {
  const r = await execa(process.execPath, [join(REPO, 'bin/strata'), ...args], { reject: false, env: fx!.env, timeout: 120_000 })
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr }
}

/** The test users log in over ssh: a shell, and a password field sshd does not read as locked (they have no password). */
async function canLogIn(u: TestUser): Promise<void> {
  await execa('usermod', ['-s', '/bin/sh', '-p', '*', u.name])
}

describe.skipIf(skip)('a remote host as an unprivileged ssh user, the helper through pkexec there (network namespace with its own sshd)', () => {
  beforeAll(async () => {
    try {
      pk = await startPolkit()
      fx = await makeHostsFixture(1)
      const lxcpath = join(fx.dir, 'lxc')
      mkdirSync(lxcpath, { mode: 0o755 })
      disallow = await allowLxcpaths([lxcpath])
      writeFileSync(join(fx.dir, 'net.conf'), NO_NET_CONFIG)
      await execa('lxc-create', ['-P', lxcpath, '-n', 'c1', '-t', 'busybox', '-f', join(fx.dir, 'net.conf')])
      const address = fx.hosts[0]!.address
      const users = { ok: pk.allowed, no: pk.denied, ask: pk.agentless }
      for (const u of Object.values(users)) await canLogIn(u)
      // no helper command and no elevation given: the installed helper through pkexec
      const hosts = Object.entries(users).map(([name, u]) => ({ name, destination: `${u.name}@${address}`, lxcpaths: [lxcpath] }))
      mkdirSync(join(fx.env.XDG_CONFIG_HOME!, 'strata'), { recursive: true })
      writeFileSync(join(fx.env.XDG_CONFIG_HOME!, 'strata', 'hosts.json'), JSON.stringify({ hosts }))
      const t = await strata(['hosts', 'trust', 'ok', '--yes'])
      expect(t.code, t.stderr).toBe(0)
    } catch (err) {
      await disallow?.()
      await fx?.cleanup()
      await pk?.cleanup()
      throw err
    }
  }, 180_000)

  afterAll(async () => {
    await disallow?.()
    await fx?.cleanup()
    await pk?.cleanup()
  }, 60_000)

  it('a user polkit allows lists the containers there through pkexec', async () => {
    const r = await strata(['--host', 'ok', 'ls'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^c1\s+STOPPED\s+dir/m)
  }, 60_000)

  it('a user polkit allows copies a container from there to this computer with one login: the byte channel rides the helper\'s own connection, every attribute kept', async () => {
    const here = join(fx!.dir, 'here')
    mkdirSync(here, { recursive: true })
    const host = fx!.hosts[0]!
    const logins = () => host.sshdLog.split('Accepted publickey').length - 1
    const before = logins()
    const r = await strata(['copy', 'ok:c1', 'c1here', '-P', here])
    expect(r.code, r.stderr).toBe(0)
    // one login, the helper's: a refused forward would have cost a second (`--channel`) one
    expect(logins() - before).toBe(1)
    const diff = await execa('rsync', ['-aHAXn', '--itemize-changes', '--numeric-ids', '--delete', '--exclude=/etc/hostname', `${join(fx!.dir, 'lxc/c1/rootfs')}/`, `${join(here, 'c1here/rootfs')}/`])
    expect(diff.stdout.split('\n').filter(Boolean)).toEqual([])
    const d = await strata(['destroy', '-P', here, '-n', 'c1here'])
    expect(d.code, d.stderr).toBe(0)
  }, 180_000)

  it('a user polkit denies gets "not authorised", naming the host and the polkit action', async () => {
    const r = await strata(['--host', 'no', 'ls'])
    expect(r.code).toBe(4)
    expect(r.stderr).toContain('polkit on no (')
    expect(r.stderr).toContain('did not authorise this user to run the Strata helper (action io.strata.helper)')
  }, 60_000)

  it('a user polkit would ask for a password is told that nobody can type one over ssh', async () => {
    const r = await strata(['--host', 'ask', 'ls'])
    expect(r.code).toBe(4)
    expect(r.stderr).toContain("polkit on ask (")
    expect(r.stderr).toContain('nobody can type one over this connection')
  }, 60_000)
})
