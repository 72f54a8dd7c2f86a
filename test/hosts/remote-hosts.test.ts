// Remote hosts over SSH, on this machine: two network namespaces, each with its own sshd and
// address, play the remote hosts; the built CLI reaches them with `--host` through the Strata
// helper from this checkout, started over ssh. The ssh login user is root there, so the helper
// runs without pkexec or sudo (the host's elevation "none"). Real LXC tools check the results.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hostsSkipReason, REPO } from './netns-hosts'
import { helpersServing as helpersOn, setUpHosts, waitFor, type HostsSetup } from './setup'

const skip = hostsSkipReason()
if (skip) console.warn(`skipping the remote host tests: ${skip}`)

let hs: HostsSetup
let lxcpath: string

const strata = (args: string[], env: Record<string, string> = {}) => hs.strata(args, env)

async function lxc(tool: string, ...args: string[]): Promise<string> {
  const r = await execa(tool, ['-P', lxcpath, ...args], { reject: false })
  if (r.exitCode !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`)
  return r.stdout
}

/** The helper processes serving our lxcpath (on the "remote" side: same machine, other netns). */
const helpersServing = () => helpersOn(lxcpath)

/** A container whose clones stop half-way: its lxc.hook.clone waits there until the test lets it go. */
async function originWithHeldClone(name: string): Promise<{ started: string; release: string }> {
  const hook = join(hs.dir, `hold-${name}.sh`)
  const started = join(hs.dir, `${name}-clone-started`)
  const release = join(hs.dir, `${name}-clone-release`)
  writeFileSync(hook, `#!/bin/sh\ntouch ${started}\nwhile [ ! -e ${release} ]; do sleep 0.1; done\n`, { mode: 0o755 })
  await lxc('lxc-create', '-n', name, '-t', 'busybox', '-f', hs.netConf)
  writeFileSync(join(lxcpath, name, 'config'), `${readFileSync(join(lxcpath, name, 'config'), 'utf8')}lxc.hook.clone = ${hook}\n`)
  return { started, release }
}

describe.skipIf(skip)('remote hosts over ssh (network namespaces with their own sshd; the ssh user is root there)', () => {
  beforeAll(async () => {
    hs = await setUpHosts(2, async (s) => {
      hs = s // for the helpers below, already while setting up
      lxcpath = await s.lxcpath('lxc')
      await lxc('lxc-create', '-n', 'c1', '-t', 'busybox', '-f', s.netConf)
      s.writeHosts(s.hosts.map((host) => ({ name: host.name, host, lxcpaths: [lxcpath] })))
      // h1's key is trusted as a user would: through `strata hosts trust --yes`; h2's is not.
      const t = await s.trust('h1')
      expect(t.code, t.stderr).toBe(0)
      expect(t.stdout).toContain(await s.fx.fingerprint(s.hosts[0]!.hostKey))
    })
  }, 120_000)

  afterAll(async () => {
    await hs?.cleanup()
  }, 60_000)

  it('strata --host h1 ls lists a container made there with lxc-create', async () => {
    const r = await strata(['--host', 'h1', 'ls'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^c1\s+STOPPED\s+dir/m)
    // STRATA_HOST picks the host the same way
    const e = await strata(['ls', '--json'], { STRATA_HOST: 'h1' })
    expect(e.code, e.stderr).toBe(0)
    expect((JSON.parse(e.stdout) as { name: string; lxcpath: string }[]).map((c) => `${c.lxcpath}/${c.name}`)).toEqual([`${lxcpath}/c1`])
    // the read commands too, each through the helper's method
    const config = await strata(['--host', 'h1', 'config', '-n', 'c1'])
    expect(config.stdout).toBe(readFileSync(join(lxcpath, 'c1', 'config'), 'utf8').trimEnd()) // execa drops the last newline
    const du = await strata(['--host', 'h1', 'du'])
    expect(du.stdout).toMatch(/^c1\s+dir\s+\S+ \S?i?B/m)
    const lineage = await strata(['--host', 'h1', 'lineage'])
    expect(lineage.stdout).toContain(`${lxcpath}/c1  dir  stopped`)
    const local = await strata(['--host', 'h1', 'mount', '-n', 'c1'])
    expect(local.code).toBe(2)
    expect(local.stderr).toContain('strata mount runs only on this computer')
  }, 180_000)

  it('clone -s, snapshot and destroy run on h1, and LXC there sees each result', async () => {
    const c = await strata(['--host', 'h1', 'clone', '-o', 'c1', '-n', 'c2', '-s'])
    expect(c.code, c.stderr).toBe(0)
    expect(c.stdout).toContain('Created c2')
    expect((await lxc('lxc-ls', '-1')).split('\n')).toContain('c2')
    expect(readFileSync(join(lxcpath, 'c2', 'config'), 'utf8')).toMatch(/^lxc\.rootfs\.path = overlay:/m)
    // LXC's own bookkeeping: lxc-destroy refuses the origin while the snapshot clone reads it
    const refusedByLxc = await execa('lxc-destroy', ['-P', lxcpath, '-n', 'c1'], { reject: false })
    expect(refusedByLxc.exitCode).not.toBe(0)

    // diff there: the same changes the CLI on h1 itself reads, and start/stop through the helper
    writeFileSync(join(lxcpath, 'c2', 'overlay', 'delta', 'added.txt'), 'made on h1\n')
    const remoteDiff = await strata(['--host', 'h1', 'diff', '-n', 'c2', '--json'])
    expect(remoteDiff.code, remoteDiff.stderr).toBe(0)
    const localDiff = await strata(['diff', '-P', lxcpath, '-n', 'c2', '--json'])
    expect(JSON.parse(remoteDiff.stdout)).toEqual(JSON.parse(localDiff.stdout))
    expect(remoteDiff.stdout).toContain('/added.txt')
    const started = await strata(['--host', 'h1', 'start', '-n', 'c2'])
    expect(started.code, started.stderr).toBe(0)
    // LXC's command socket is abstract, so per network namespace: ask where the helper started it
    const stateOnH1 = async () => (await execa('ip', ['netns', 'exec', hs.hosts[0]!.netns, 'lxc-info', '-P', lxcpath, '-n', 'c2', '-s'])).stdout
    expect(await stateOnH1()).toMatch(/RUNNING/)
    const stopped = await strata(['--host', 'h1', 'stop', '-n', 'c2', '-k'])
    expect(stopped.code, stopped.stderr).toBe(0)
    expect(await stateOnH1()).toMatch(/STOPPED/)

    const s = await strata(['--host', 'h1', 'snapshot', '-n', 'c2'])
    expect(s.code, s.stderr).toBe(0)
    expect(await lxc('lxc-snapshot', '-n', 'c2', '-L')).toMatch(/^snap0 /m)
    const l = await strata(['--host', 'h1', 'snapshot', '-n', 'c2', '-L'])
    expect(l.stdout).toMatch(/^snap0 /m)
    const ds = await strata(['--host', 'h1', 'snapshot', '-n', 'c2', '-d', 'snap0'])
    expect(ds.code, ds.stderr).toBe(0)
    expect(await lxc('lxc-snapshot', '-n', 'c2', '-L')).not.toMatch(/snap0/)

    // the engine's refusal crosses ssh as it is: c1 has a dependent
    const refused = await strata(['--host', 'h1', 'destroy', '-n', 'c1'])
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toContain('c2')

    const d = await strata(['--host', 'h1', 'destroy', '-n', 'c2'])
    expect(d.code, d.stderr).toBe(0)
    expect((await lxc('lxc-ls', '-1')).split('\n')).not.toContain('c2')
    const ck = await strata(['--host', 'h1', 'check'])
    expect(ck.code, ck.stdout + ck.stderr).toBe(0)
    expect(ck.stdout).toContain('0 errors, 0 warnings')
  }, 180_000)

  it('create runs the template on h1; -f, read on this computer, is refused there', async () => {
    const c = await strata(['--host', 'h1', 'create', '-n', 'made-there', '-t', 'busybox'])
    expect(c.code, c.stderr).toBe(0)
    expect(c.stdout).toContain('Created made-there')
    expect((await lxc('lxc-ls', '-1')).split('\n')).toContain('made-there')
    expect(existsSync(join(lxcpath, 'made-there', 'rootfs', 'bin', 'busybox'))).toBe(true)
    const f = await strata(['--host', 'h1', 'create', '-n', 'x', '-t', 'busybox', '-f', '/etc/lxc/default.conf'])
    expect(f.code).not.toBe(0)
    expect(f.stderr).toContain('-f CONFIG and --zfsroot are read on this computer')
    await lxc('lxc-destroy', '-n', 'made-there')
  }, 120_000)

  it('refuses a host whose key is not in known_hosts, naming the host and showing its fingerprint', async () => {
    const h2 = hs.hosts[1]!
    const r = await strata(['--host', 'h2', 'ls'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('h2')
    expect(r.stderr).toContain('not in your known_hosts')
    expect(r.stderr).toContain(await hs.fx.fingerprint(h2.hostKey))
    expect(readFileSync(join(hs.dir, 'known_hosts'), 'utf8')).not.toContain(h2.address) // nothing accepted silently
    // trust without --yes asks, and a "no" adds nothing
    const no = await execa(process.execPath, [join(REPO, 'bin/strata'), 'hosts', 'trust', 'h2'], { reject: false, env: hs.env, input: 'n\n' })
    expect(no.exitCode).not.toBe(0)
    expect(no.stdout).toContain(await hs.fx.fingerprint(h2.hostKey))
    expect(readFileSync(join(hs.dir, 'known_hosts'), 'utf8')).not.toContain(h2.address)
    const yes = await execa(process.execPath, [join(REPO, 'bin/strata'), 'hosts', 'trust', 'h2'], { reject: false, env: hs.env, input: 'yes\n' })
    expect(yes.exitCode, yes.stderr).toBe(0)
    const now = await strata(['--host', 'h2', 'ls'])
    expect(now.code, now.stderr).toBe(0)
  }, 60_000)

  it('refuses a host whose key changed, naming the host and showing the new fingerprint', async () => {
    const h1 = hs.hosts[0]!
    // h1 reinstalled: sshd comes back with a new host key
    await hs.fx.stopSshd(h1)
    const oldKey = h1.hostKey
    h1.hostKey = join(hs.dir, 'h1_new_host_key')
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', h1.hostKey])
    await hs.fx.startSshd(h1)
    try {
      const r = await strata(['--host', 'h1', 'ls'])
      expect(r.code).not.toBe(0)
      expect(r.stderr).toContain('h1')
      expect(r.stderr).toContain('CHANGED')
      expect(r.stderr).toContain(await hs.fx.fingerprint(h1.hostKey))
    } finally {
      await hs.fx.stopSshd(h1)
      h1.hostKey = oldKey
      await hs.fx.startSshd(h1)
    }
    const back = await strata(['--host', 'h1', 'ls'])
    expect(back.code, back.stderr).toBe(0)
  }, 60_000)

  it('says clearly when a host cannot be reached, or has no helper', async () => {
    const h2 = hs.hosts[1]!
    await hs.fx.stopSshd(h2)
    try {
      const r = await strata(['--host', 'h2', 'ls'])
      expect(r.code).not.toBe(0)
      expect(r.stderr).toMatch(/h2 .*cannot be reached: .*Connection refused/)
    } finally {
      await hs.fx.startSshd(h2)
    }
    expect((await strata(['hosts', 'trust', 'h2', '--yes'])).code).toBe(0) // already trusted when the tests run in order
    const file = join(hs.env.XDG_CONFIG_HOME!, 'strata', 'hosts.json')
    const saved = readFileSync(file, 'utf8')
    const data = JSON.parse(saved) as { hosts: { name: string; helper: string }[] }
    data.hosts[1]!.helper = '/usr/libexec/strata/no-such-helper'
    writeFileSync(file, JSON.stringify(data))
    try {
      const r = await strata(['--host', 'h2', 'ls'])
      expect(r.code).not.toBe(0)
      expect(r.stderr).toContain('The Strata helper is not installed on h2')
    } finally {
      writeFileSync(file, saved)
    }
    // an lxcpath the helper there may not serve (not in its /etc/strata/lxcpaths) is named with the rule
    const outside = JSON.parse(saved) as { hosts: { lxcpaths: string[] }[] }
    outside.hosts[1]!.lxcpaths = [join(hs.dir, 'not-allowed')]
    writeFileSync(file, JSON.stringify(outside))
    try {
      const r = await strata(['--host', 'h2', 'ls'])
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(`The Strata helper on h2 serves no lxcpath (${join(hs.dir, 'not-allowed')}:`)
    } finally {
      writeFileSync(file, saved)
    }
  }, 60_000)

  it('Ctrl-C during a remote clone cancels it there: nothing is left on h1', async () => {
    const { started, release } = await originWithHeldClone('c5')
    // STRATA_HOST_LOG shows the helper's log: the test sees the cancel arrive there
    const cli = execa(process.execPath, [join(REPO, 'bin/strata'), '--host', 'h1', 'clone', '-o', 'c5', '-n', 'c6'], {
      reject: false,
      env: { ...hs.env, STRATA_HOST_LOG: '1' },
      buffer: { stdout: true, stderr: false }
    })
    let log = ''
    cli.stderr!.on('data', (d: Buffer) => void (log += d.toString()))
    await waitFor('the clone hook to start', () => existsSync(started))
    cli.kill('SIGINT')
    await waitFor('the cancel to reach the helper on h1', () => /h1: strata-helper\[\d+\]: \d+ cancel/.test(log))
    writeFileSync(release, '') // the hook is let go, so the undo can run
    const r = await cli
    expect(r.exitCode, log).toBe(130)
    expect(log).toMatch(/strata clone: .*cancel/i)
    expect((await lxc('lxc-ls', '-1')).split('\n')).not.toContain('c6')
    expect(existsSync(join(lxcpath, 'c6'))).toBe(false)
    await waitFor('the helpers on h1 to exit', async () => (await helpersServing()).length === 0)
    expect(readdirSync(lxcpath).filter((n) => n.startsWith('.strata-'))).toEqual([])
  }, 120_000)

  it('a connection killed mid-clone leaves h1 without the clone or with a complete one, and check there is clean', async () => {
    const { started, release } = await originWithHeldClone('c3')

    const cli = execa(process.execPath, [join(REPO, 'bin/strata'), '--host', 'h1', 'clone', '-o', 'c3', '-n', 'c4'], { reject: false, env: hs.env })
    await waitFor('the clone hook to start', () => existsSync(started))
    // kill the ssh connection under the running clone
    const ssh = await execa('pgrep', ['-P', String(cli.pid), '-x', 'ssh'], { reject: false })
    expect(ssh.stdout.trim(), 'the ssh process of the CLI').not.toBe('')
    for (const pid of ssh.stdout.split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL')
    const r = await cli
    writeFileSync(release, '')
    expect(r.exitCode).not.toBe(0)
    expect(r.stderr).toContain('The connection to h1 dropped during clone of c4')
    expect(r.stderr).toMatch(/After reconnecting, c4 (is|is not) in/)

    // The helper there finishes or undoes the clone by itself, then exits.
    await waitFor('the helpers on h1 to exit', async () => (await helpersServing()).length === 0)
    const left = readdirSync(lxcpath).filter((n) => n.startsWith('.strata-'))
    expect(left, 'Strata work left in the lxcpath').toEqual([])
    const listed = (await lxc('lxc-ls', '-1')).split('\n')
    if (listed.includes('c4')) {
      // complete: LXC can read it, its config is rewritten for it
      expect(readFileSync(join(lxcpath, 'c4', 'config'), 'utf8')).toMatch(/^lxc\.uts\.name = c4$/m)
      await lxc('lxc-info', '-n', 'c4')
    } else {
      expect(existsSync(join(lxcpath, 'c4'))).toBe(false)
    }
    const ck = await strata(['--host', 'h1', 'check'])
    expect(ck.code, ck.stdout + ck.stderr).toBe(0)
    expect(ck.stdout).toContain('0 errors, 0 warnings')
  }, 180_000)
})
