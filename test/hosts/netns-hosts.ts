// "Remote" hosts on this machine: each a network namespace joined to the root namespace by a
// veth pair with addresses in a 10.231.N.0/24 no other run on the machine uses (a /30 per host), running its own sshd on its
// address with a test host key, accepting a test client key for root. The hosts share this
// machine's filesystem, mounts and processes (only the network is their own), so the helper
// from this checkout serves a temporary lxcpath there as it would on another machine. Everything made is removed by cleanup(), also
// after a failure half-way through setup.
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join, resolve } from 'node:path'
import { execa, type ResultPromise } from 'execa'
import { own, ownProcess } from '../support/owned'

export const REPO = resolve(import.meta.dirname, '../..')
export const HELPER_COMMAND = `${process.execPath} ${join(REPO, 'out/helper/strata-helper.mjs')}`

export interface NetnsHost {
  /** the name in the hosts file */
  name: string
  netns: string
  address: string
  hostKey: string
  /** sshd's process; restartable with another key */
  sshd: ResultPromise | null
  sshdLog: string
}

/** Every process in the host's network namespace (its sshd, a session, the helper, what the helper runs). */
export function netnsPids(h: Pick<NetnsHost, 'netns'>): number[] {
  return execFileSync('ip', ['netns', 'pids', h.netns], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number)
}

export interface HostsFixture {
  dir: string
  env: Record<string, string>
  hosts: NetnsHost[]
  /** the key ssh-keygen -lf shows for a host key file: "256 SHA256:..." */
  fingerprint(hostKey: string): Promise<string>
  /** starts the host's sshd; `extra` lines go at the end of its config (DisableForwarding yes, ...) */
  startSshd(h: NetnsHost, extra?: string[]): Promise<void>
  stopSshd(h: NetnsHost): Promise<void>
  cleanup(): Promise<void>
}

async function sh(file: string, args: string[]): Promise<string> {
  const r = await execa(file, args, { reject: false })
  if (r.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`)
  return r.stdout
}

/** True once something accepts TCP connections on address:22. */
function listening(address: string): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: address, port: 22, timeout: 500 })
    s.once('connect', () => {
      s.destroy()
      res(true)
    })
    s.once('error', () => res(false))
    s.once('timeout', () => {
      s.destroy()
      res(false)
    })
  })
}

/** Why these tests cannot run here, or null. */
export function hostsSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces and sshd need root'
  if (!existsSync('/usr/sbin/sshd')) return 'sshd is not installed (Debian package openssh-server)'
  if (!existsSync('/usr/bin/ssh')) return 'ssh is not installed (Debian package openssh-client)'
  return null
}

/** A 10.231.N.0/24 that no interface here has an address in: test runs in other checkouts may hold others at once. */
async function freeSubnet(): Promise<string> {
  const used = await sh('ip', ['-o', '-4', 'addr', 'show'])
  const start = process.pid % 250
  for (let i = 0; i < 250; i++) {
    const n = 1 + ((start + i) % 250) // 10.231.0.x is the LXD tests' (lxd-daemon.ts)
    if (!used.includes(`10.231.${n}.`)) return `10.231.${n}`
  }
  throw new Error('no free 10.231.N.0/24 for the test hosts')
}

export async function makeHostsFixture(count: number): Promise<HostsFixture> {
  const dir = mkdtempSync('/tmp/strata-hosts-')
  // each thing made outside this process is recorded for the next run's sweep, should this one be killed
  const records = [own({ kind: 'dir', path: dir })]
  const tag = String(process.pid % 100000)
  const madeRunSshd = !existsSync('/run/sshd')
  const hosts: NetnsHost[] = []
  const made: { netns: string[]; links: string[] } = { netns: [], links: [] }

  const fixture: HostsFixture = {
    dir,
    hosts,
    env: {
      STRATA_SSH_CONFIG: join(dir, 'ssh_config'),
      XDG_CONFIG_HOME: join(dir, 'config')
    },
    async fingerprint(hostKey) {
      const out = await sh('ssh-keygen', ['-l', '-f', `${hostKey}.pub`])
      return out.split(' ').slice(0, 2).join(' ')
    },
    async startSshd(h, extra = []) {
      writeFileSync(
        join(dir, `sshd_config-${h.name}`),
        [
          `ListenAddress ${h.address}`,
          'Port 22',
          `HostKey ${h.hostKey}`,
          `PidFile ${join(dir, `sshd-${h.name}.pid`)}`,
          `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
          'PermitRootLogin prohibit-password',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'UsePAM no',
          // the key files live in a temporary directory, not in a home that sshd would check
          'StrictModes no',
          'LogLevel VERBOSE',
          ...extra,
          ''
        ].join('\n')
      )
      mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
      h.sshdLog = ''
      // Only the network namespace is the host's own: `ip netns exec` would also give sshd (and
      // the helpers it starts) a mount namespace of their own, a copy made at that moment, which
      // never sees a later mount here — zfs-fuse's datasets, which its daemon mounts in this one.
      const proc = execa('nsenter', [`--net=/run/netns/${h.netns}`, '/usr/sbin/sshd', '-D', '-e', '-f', join(dir, `sshd_config-${h.name}`)], {
        reject: false,
        buffer: false,
        stdin: 'ignore'
      })
      proc.stderr!.on('data', (d: Buffer) => void (h.sshdLog += d.toString()))
      h.sshd = proc
      const forget = ownProcess(proc.pid)
      void proc.finally(forget)
      for (let i = 0; i < 100; i++) {
        if (await listening(h.address)) return
        if (proc.exitCode !== null && proc.exitCode !== undefined) break
        await new Promise((r) => setTimeout(r, 100))
      }
      throw new Error(`sshd of ${h.name} did not start: ${h.sshdLog}`)
    },
    async stopSshd(h) {
      const p = h.sshd
      h.sshd = null
      if (!p) return
      p.kill('SIGTERM')
      await p
    },
    async cleanup() {
      for (const h of hosts) await fixture.stopSshd(h).catch(() => undefined)
      // deleting a namespace takes its end of the veth pair, and with it the pair
      for (const ns of made.netns) await execa('ip', ['netns', 'del', ns], { reject: false })
      for (const l of made.links) await execa('ip', ['link', 'del', l], { reject: false })
      if (madeRunSshd) rmSync('/run/sshd', { recursive: true, force: true })
      rmSync(dir, { recursive: true, force: true })
      records.forEach((forget) => forget())
    }
  }

  try {
    mkdirSync(join(dir, 'config'), { mode: 0o700 })
    const clientKey = join(dir, 'client_key')
    await sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'strata-test-client', '-f', clientKey])
    await sh('cp', [`${clientKey}.pub`, join(dir, 'authorized_keys')])
    // sshd reads authorized_keys as the user logging in: readable by the test's unprivileged users too
    chmodSync(dir, 0o755)
    chmodSync(join(dir, 'authorized_keys'), 0o644)
    writeFileSync(
      join(dir, 'ssh_config'),
      [
        'Host *',
        `  IdentityFile ${clientKey}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
        '  GlobalKnownHostsFile /dev/null',
        '  User root',
        '  LogLevel ERROR',
        ''
      ].join('\n')
    )
    writeFileSync(join(dir, 'known_hosts'), '', { mode: 0o600 })
    const subnet = await freeSubnet()
    for (let i = 0; i < count; i++) {
      const name = `h${i + 1}`
      const netns = `strata-${name}-${tag}`
      const outside = `st${tag}${name}` // at most 15 characters
      const inside = `${outside}n`
      const base = 4 * i + 200 // 10.231.N.200/30, .204/30, ...
      records.push(own({ kind: 'netns', name: netns }))
      await sh('ip', ['netns', 'add', netns])
      made.netns.push(netns)
      records.push(own({ kind: 'link', name: outside }))
      await sh('ip', ['link', 'add', outside, 'type', 'veth', 'peer', 'name', inside])
      made.links.push(outside)
      await sh('ip', ['link', 'set', inside, 'netns', netns])
      await sh('ip', ['addr', 'add', `${subnet}.${base + 1}/30`, 'dev', outside])
      await sh('ip', ['link', 'set', outside, 'up'])
      await sh('ip', ['-n', netns, 'addr', 'add', `${subnet}.${base + 2}/30`, 'dev', inside])
      await sh('ip', ['-n', netns, 'link', 'set', inside, 'up'])
      await sh('ip', ['-n', netns, 'link', 'set', 'lo', 'up'])
      const hostKey = join(dir, `${name}_host_key`)
      await sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `strata-test-${name}`, '-f', hostKey])
      const h: NetnsHost = { name, netns, address: `${subnet}.${base + 2}`, hostKey, sshd: null, sshdLog: '' }
      hosts.push(h)
      await fixture.startSshd(h)
    }
  } catch (err) {
    await fixture.cleanup()
    throw err
  }
  return fixture
}
