// The one setup of the tests that reach "remote" hosts (netns-hosts.ts): the hosts, their
// lxcpaths in the fixture's directory (allowed to the helper), a hosts file naming them, the
// built CLI with the hosts' environment, and one cleanup that removes all of it — the helpers
// still serving those lxcpaths, the allow-list entries, the namespaces, sshd, directories, and
// whatever a test registered — also when setting up fails half-way.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { allowLxcpaths } from '../helper/allow-list'
import { NO_NET_CONFIG } from '../helpers/lxc'
import { HELPER_COMMAND, makeHostsFixture, REPO, type HostsFixture, type NetnsHost } from './netns-hosts'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** A host as the hosts file names it: a netns host serving these lxcpaths (one host may appear under several names). */
export interface HostEntry {
  name: string
  host: NetnsHost
  lxcpaths: string[]
}

export interface HostsSetup {
  fx: HostsFixture
  hosts: NetnsHost[]
  /** the fixture's temporary directory */
  dir: string
  /** the CLI's environment: its ssh config and its own config home (hosts.json there) */
  env: Record<string, string>
  /** a config without a network, for lxc-create -f */
  netConf: string
  hostsFile: string
  /** the built CLI, with `env` and any extra variables */
  strata(args: string[], env?: Record<string, string>): Promise<CliResult>
  /** a new empty lxcpath in the fixture's directory, which the helper is allowed to serve until cleanup */
  lxcpath(name: string): Promise<string>
  /** lets the helper serve lxcpaths made elsewhere (a loop image's), until cleanup */
  allow(lxcpaths: string[]): Promise<void>
  /** writes the hosts file (the ssh user root, the helper from this checkout, no elevation) */
  writeHosts(entries: HostEntry[]): void
  /** `strata hosts trust NAME --yes`, as a user confirming the fingerprint */
  trust(name: string): Promise<CliResult>
  /** runs at cleanup, the last registered first */
  onCleanup(fn: () => unknown): void
  cleanup(): Promise<void>
}

/** Runs a command; its stdout, or an error with its stderr. */
export async function sh(file: string, ...args: string[]): Promise<string> {
  const r = await execa(file, args, { reject: false })
  if (r.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`)
  return r.stdout
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The helpers serving an lxcpath (on the "remote" side: this machine, another network namespace). */
export async function helpersServing(lxcpath: string): Promise<number[]> {
  const r = await execa('pgrep', ['-f', `strata-helper.mjs --stdio --lxcpath ${lxcpath}( |$)`], { reject: false })
  return r.stdout.split('\n').filter(Boolean).map(Number)
}

/** `count` hosts set up; `prepare` adds the test's own (lxcpaths, hosts file, containers), undone by cleanup if it throws. */
export async function setUpHosts(count: number, prepare: (s: HostsSetup) => Promise<void>): Promise<HostsSetup> {
  const fx = await makeHostsFixture(count)
  const served: string[] = []
  const undo: (() => unknown)[] = []
  const s: HostsSetup = {
    fx,
    hosts: fx.hosts,
    dir: fx.dir,
    env: fx.env,
    netConf: join(fx.dir, 'net.conf'),
    hostsFile: join(fx.env.XDG_CONFIG_HOME!, 'strata', 'hosts.json'),
    async strata(args, env = {}) {
      const r = await execa(process.execPath, [join(REPO, 'bin/strata'), ...args], { reject: false, env: { ...fx.env, ...env }, timeout: 300_000 })
      return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr }
    },
    async lxcpath(name) {
      const p = join(fx.dir, name)
      mkdirSync(p, { mode: 0o755 })
      await s.allow([p])
      return p
    },
    async allow(lxcpaths) {
      served.push(...lxcpaths)
      undo.push(await allowLxcpaths(lxcpaths))
    },
    writeHosts(entries) {
      const hosts = entries.map((e) => ({ name: e.name, destination: `root@${e.host.address}`, helper: HELPER_COMMAND, elevate: 'none', lxcpaths: e.lxcpaths }))
      mkdirSync(join(fx.env.XDG_CONFIG_HOME!, 'strata'), { recursive: true })
      writeFileSync(s.hostsFile, JSON.stringify({ hosts }))
    },
    trust: (name) => s.strata(['hosts', 'trust', name, '--yes']),
    onCleanup: (fn) => void undo.push(fn),
    async cleanup() {
      for (const p of served)
        for (const pid of await helpersServing(p)) {
          try {
            process.kill(pid, 'SIGKILL')
          } catch {
            // gone already
          }
        }
      for (const fn of undo.reverse()) {
        try {
          await fn()
        } catch (err) {
          console.warn(`a hosts test's cleanup step failed: ${(err as Error).message}`)
        }
      }
      undo.length = 0
      await fx.cleanup()
    }
  }
  try {
    writeFileSync(s.netConf, NO_NET_CONFIG)
    await prepare(s)
  } catch (err) {
    await s.cleanup()
    throw err
  }
  return s
}
