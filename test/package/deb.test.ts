// The Debian package end to end, with real dpkg, real polkit and a real user: `npm run package`
// builds it from this checkout, apt-get installs it, a non-root user runs the installed
// /usr/bin/strata on a root-only lxcpath listed in /etc/strata/lxcpaths (through the installed
// helper, real pkexec and polkitd), and `apt-get purge` takes every file out again. Everything
// is undone in afterAll, also when a test fails: the package purged, users, rule and lxcpath removed.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { rpcClient } from '../helpers/web-rpc'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'
import { ALLOW_LIST_FILE } from '../../src/main/helper/lxcpath-policy'
import { allowLxcpaths, withAllowListLock } from '../helper/allow-list'
import { addUser, holdPolkitLock, polkitSkipReason, startSystemPolkit, waitFor, writeTestRule, type TestUser } from '../helper/polkit-fixture'

const REPO = resolve(import.meta.dirname, '../..')
const HELPER = '/usr/libexec/strata/strata-helper'
const POLICY = '/usr/share/polkit-1/actions/io.strata.helper.policy'
const DESKTOP = '/usr/share/applications/strata.desktop'
const COMPLETION = '/usr/share/bash-completion/completions/strata'

function skipReason(): string | null {
  const polkit = polkitSkipReason() // root, pkexec, polkitd, dbus, setpriv; no installed Strata at the helper's paths
  if (polkit) return polkit
  for (const tool of ['/usr/bin/dpkg-deb', '/usr/bin/apt-get', '/usr/bin/lintian', '/usr/bin/desktop-file-validate', '/usr/bin/rsvg-convert', '/usr/bin/man']) {
    if (!existsSync(tool)) return `${tool} is missing (scripts/ensure-system.sh installs it)`
  }
  return null
}
const skip = skipReason()
if (skip) console.warn(`Debian package tests skipped: ${skip}`)

const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version

const APT = { env: { DEBIAN_FRONTEND: 'noninteractive' }, stdin: 'ignore', timeout: 240_000 } as const
// An allow-list that was there before the package (another test run's, on a shared machine) is
// kept as it is (--force-confold) and put back after the purge, which removes the conffile.
const KEEP_CONFFILES = ['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold']

async function installed(): Promise<boolean> {
  const r = await execa('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}', 'strata'], { reject: false })
  return r.exitCode === 0 && r.stdout.startsWith('ii')
}

/** Runs `argv` as `user` (no supplementary groups, a clean environment, empty input), from /. */
function as(user: TestUser, argv: string[]) {
  return execa('setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', ...argv], {
    reject: false,
    cwd: '/',
    input: '',
    timeout: 60_000,
    extendEnv: false,
    env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent', LANG: 'C.UTF-8' }
  })
}

/** Every path under `dir` with its type, size and mode: what "untouched" means for an lxcpath. */
async function treeOf(dir: string): Promise<string> {
  return (await execa('find', [dir, '-printf', '%P %y %s %m %u\n'])).stdout.split('\n').sort().join('\n')
}

/** What bash completion offers for the words typed so far (the last one is being completed). */
async function complete(words: string[]): Promise<string[]> {
  const script = `source ${COMPLETION}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _strata; printf '%s\\n' "\${COMPREPLY[@]}"`
  return (await execa('bash', ['-c', script])).stdout.split('\n').filter(Boolean)
}

describe.skipIf(skip)('the Debian package', () => {
  const undo: (() => Promise<void> | void)[] = []
  let deb = ''
  let lx: TestLxcpath
  let allowed: TestUser
  let denied: TestUser
  let agentless: TestUser
  let files: string[] = []
  let unlist: () => Promise<void> = async () => undefined
  let foreignAllowList = false

  /** apt-get purge, holding the allow-list's lock, putting back an allow-list that was not the package's. */
  const purge = (): Promise<void> =>
    withAllowListLock(async () => {
      const kept = foreignAllowList && existsSync(ALLOW_LIST_FILE) ? readFileSync(ALLOW_LIST_FILE, 'utf8') : null
      await execa('apt-get', ['purge', '-y', '-q', ...KEEP_CONFFILES, 'strata'], APT)
      if (kept !== null) {
        mkdirSync('/etc/strata', { recursive: true, mode: 0o755 })
        writeFileSync(ALLOW_LIST_FILE, kept, { mode: 0o644 })
      }
    })

  beforeAll(async () => {
    try {
      // another checkout's polkit test on this machine may hold the system paths for a while
      undo.push(await holdPolkitLock(120_000))
      const t0 = Date.now()
      const built = await execa('node', ['scripts/package-deb.mjs'], { cwd: REPO })
      process.stderr.write(`package built in ${Date.now() - t0} ms\n`)
      deb = join(REPO, built.stdout.split(' ')[0]!)
      undo.push(async () => {
        if (await installed()) await purge()
      })
      foreignAllowList = existsSync(ALLOW_LIST_FILE)
      // Only Debian's packages may be fetched: every Depends is one of them (here all are installed already).
      await execa('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...KEEP_CONFFILES, deb], APT)
      files = (await execa('dpkg', ['-L', 'strata'])).stdout.split('\n').filter((p) => p !== '/.')

      const tag = Math.random().toString(36).slice(2, 8)
      const users: TestUser[] = []
      for (const suffix of ['a', 'd', 'n']) {
        const u = await addUser(`sdb${tag}${suffix}`)
        users.push(u)
        undo.push(async () => void (await execa('userdel', [u.name], { reject: false })))
      }
      ;[allowed, denied, agentless] = users as [TestUser, TestUser, TestUser]
      undo.push(writeTestRule(tag, allowed, denied))
      undo.push(await startSystemPolkit())

      lx = await makeLxcpath('strata-deb-lxc-')
      undo.push(() => lx.cleanup())
      // listed in the package's /etc/strata/lxcpaths (a conffile; the lines are taken out again before the purge)
      unlist = await allowLxcpaths([lx.path]) // idempotent: the purge test calls it first
      undo.push(() => unlist())
      await lx.create('alpha')

      // Ready when the allowed user gets through pkexec to the installed helper (polkitd loads new rules on its own time).
      await waitFor('polkit to apply the test rule', async () => (await as(allowed, ['pkexec', '--disable-internal-agent', HELPER, '--stdio'])).exitCode === 0)
    } catch (err) {
      await cleanup()
      throw err
    }
  }, 420_000) // waiting for another run's polkit test, building the package (xz) and installing it, on a busy 2-core machine

  async function cleanup(): Promise<void> {
    for (const step of undo.reverse()) {
      try {
        await step()
      } catch (err) {
        process.stderr.write(`package test cleanup: ${(err as Error).message}\n`)
      }
    }
    undo.length = 0
  }
  afterAll(cleanup)

  it('is built as dist/strata_<version>_<arch>.deb, and its description says whether it holds Electron or browser mode', async () => {
    const arch = (await execa('dpkg', ['--print-architecture'])).stdout
    expect(deb).toBe(join(REPO, 'dist', `strata_${version}_${arch}.deb`))
    const description = (await execa('dpkg-deb', ['-f', deb, 'Description'])).stdout
    const electron = existsSync(join(REPO, 'node_modules/electron/dist/electron'))
    expect(description).toMatch(electron ? /holds the Electron app/ : /holds no Electron binary: the desktop entry starts browser mode/)
    const depends = (await execa('dpkg-deb', ['-f', deb, 'Depends'])).stdout
    for (const d of ['nodejs (>= 18.19)', 'lxc', 'pkexec', 'polkitd', 'uidmap', 'fonts-noto-cjk', 'libc6']) expect(depends).toContain(d)
  })

  it('passes lintian without errors or warnings', async () => {
    const r = await execa('lintian', [deb], { reject: false })
    expect(r.stdout.split('\n').filter((l) => /^[EW]: /.test(l))).toEqual([])
  })

  it('installs the CLI, the helper at the path its polkit action names, the allow-list as a conffile, the desktop entry, icons, man page, completion and docs', async () => {
    for (const f of [
      '/usr/bin/strata',
      HELPER,
      '/usr/libexec/strata/strata-helper.mjs',
      POLICY,
      '/etc/strata/lxcpaths',
      DESKTOP,
      '/usr/share/icons/hicolor/scalable/apps/strata.svg',
      '/usr/share/man/man1/strata.1.gz',
      COMPLETION,
      '/usr/share/doc/strata/copyright',
      '/usr/share/doc/strata/changelog.gz'
    ]) {
      expect(files).toContain(f)
    }
    for (const size of [16, 22, 24, 32, 48, 64, 128, 256, 512]) {
      const png = `/usr/share/icons/hicolor/${size}x${size}/apps/strata.png`
      expect(files).toContain(png)
      // a PNG's IHDR chunk holds its width and height at bytes 16..23
      const header = readFileSync(png).subarray(0, 24)
      expect([header.readUInt32BE(16), header.readUInt32BE(20)]).toEqual([size, size])
    }
    expect(readFileSync(POLICY, 'utf8')).toContain(`<annotate key="org.freedesktop.policykit.exec.path">${HELPER}</annotate>`)
    expect((await execa('dpkg-query', ['-W', '-f', '${Conffiles}', 'strata'])).stdout).toContain('/etc/strata/lxcpaths')
    // the helper runs only root's files: the wrapper, the bundle and the addon it loads
    for (const f of files.filter((p) => p.startsWith('/usr/libexec/strata/'))) {
      const st = statSync(f)
      expect({ f, uid: st.uid, othersWrite: (st.mode & 0o022) !== 0 }).toEqual({ f, uid: 0, othersWrite: false })
    }
  })

  it('has a desktop entry that desktop-file-validate passes and that starts the installed launcher', async () => {
    const r = await execa('desktop-file-validate', [DESKTOP], { reject: false })
    expect(r.exitCode).toBe(0)
    expect(r.stdout + r.stderr).not.toMatch(/error|warning/i)
    const exec = /^Exec=(\S+)/m.exec(readFileSync(DESKTOP, 'utf8'))?.[1]
    expect(exec).toBe('/usr/lib/strata/strata-app')
    expect(statSync(exec!).mode & 0o111).not.toBe(0)
  })

  it.skipIf(existsSync(join(REPO, 'node_modules/electron/dist/electron')))(
    "the desktop entry's launcher starts browser mode and opens it with xdg-open (a browser that records the URL)",
    async () => {
      // the real xdg-open; where no desktop environment answers, it runs $BROWSER with the URL
      const dir = mkdtempSync(join(tmpdir(), 'strata-deb-browser-'))
      undo.push(() => rmSync(dir, { recursive: true, force: true }))
      const browser = join(dir, 'browser')
      writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > ${dir}/opened\n`)
      chmodSync(browser, 0o755)
      const app = execa('/usr/lib/strata/strata-app', ['--lxcpath', lx.path], {
        detached: true, // its own process group: the shell, the server and the pipe's reader stop together
        reject: false,
        stdio: 'ignore',
        extendEnv: false,
        env: { PATH: '/usr/bin:/bin', HOME: '/root', BROWSER: browser }
      })
      const stop = async (): Promise<void> => {
        try {
          if (app.pid) process.kill(-app.pid, 'SIGTERM')
        } catch {
          // already gone
        }
        await app
      }
      undo.push(stop)
      await waitFor('the launcher to open a URL', async () => existsSync(join(dir, 'opened')))
      const url = new URL(readFileSync(join(dir, 'opened'), 'utf8'))
      expect(url.hostname).toBe('127.0.0.1')
      expect(await (await fetch(url)).text()).toContain('<title>Strata</title>')
      // the installed server answers the renderer's first question: the containers
      const api = rpcClient(url)
      try {
        expect((await api.listContainers({})).map((c) => c.name)).toEqual(['alpha'])
      } finally {
        api.close()
      }
      await stop()
    }
  )

  it('renders `man strata`, generated from the CLI help, without groff warnings', async () => {
    const r = await execa('man', ['--warnings', 'strata'], { env: { MANWIDTH: '80', MANPAGER: 'cat', PAGER: 'cat' }, reject: false })
    expect(r.exitCode).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^STRATA\(1\)/)
    expect(r.stdout).toContain('strata clone -o ORIG -n NEW')
    expect(r.stdout).toMatch(/EXIT STATUS[\s\S]*130\s+interrupted/)
    expect(r.stdout).toContain('/etc/strata/lxcpaths')
  })

  it('completes commands, flags and container names in bash', async () => {
    expect(await complete(['strata', 'cl'])).toEqual(['clone'])
    expect(await complete(['strata', 'destroy', '--w'])).toEqual(['--with-dependents'])
    expect(await complete(['strata', 'destroy', '-P', lx.path, '-n', 'al'])).toEqual(['alpha'])
    expect(await complete(['strata', 'clone', '-p', lx.path, '-o', ''])).toEqual(['alpha'])
  })

  it('the lxcpath is root-only: the test users cannot read it themselves', async () => {
    const r = await as(allowed, ['ls', lx.path])
    expect(r.stderr).toMatch(/Permission denied/)
  })

  it('an allowed user lists, snapshot-clones and destroys on the root-only lxcpath through the installed helper (real pkexec)', async () => {
    const ls = await as(allowed, ['/usr/bin/strata', 'ls', '-P', lx.path])
    expect(ls.stderr).toBe('')
    expect(ls.exitCode).toBe(0)
    expect(ls.stdout).toMatch(/^alpha\s+STOPPED\s+dir\s/m)

    const clone = await as(allowed, ['/usr/bin/strata', 'clone', '-s', '-o', 'alpha', '-n', 'beta', '-p', lx.path, '-P', lx.path])
    expect(clone.stderr).toBe('')
    expect(clone.stdout).toBe(`Created beta in ${lx.path} from alpha.`)
    // root (and LXC) see what the helper made: an overlay clone of alpha, owned by root
    expect((await lx.lxc('lxc-ls', '-1')).split('\n')).toEqual(['alpha', 'beta'])
    expect(statSync(join(lx.path, 'beta')).uid).toBe(0)
    const json = await as(allowed, ['/usr/bin/strata', 'ls', '-P', lx.path, '--json'])
    const beta = (JSON.parse(json.stdout) as { name: string; backend: string; origin: { name: string } | null }[]).find((c) => c.name === 'beta')
    expect(beta).toMatchObject({ backend: 'overlay', origin: { name: 'alpha' } })

    const destroy = await as(allowed, ['/usr/bin/strata', 'destroy', '-n', 'beta', '-P', lx.path])
    expect(destroy.stderr).toBe('')
    expect(destroy.stdout).toBe(`Destroyed ${lx.path}/beta`)
    expect(await lx.lxc('lxc-ls', '-1')).toBe('alpha')
  })

  it('a user polkit does not authorise is told so, with exit status 4, and nothing changes', async () => {
    const before = await treeOf(lx.path)
    const ls = await as(denied, ['/usr/bin/strata', 'ls', '-P', lx.path])
    expect(ls.exitCode).toBe(4)
    expect(ls.stderr).toMatch(/^strata ls: polkit did not authorise this user to run the Strata helper \(action io\.strata\.helper\)/)
    const clone = await as(denied, ['/usr/bin/strata', 'clone', '-s', '-o', 'alpha', '-n', 'gamma', '-p', lx.path, '-P', lx.path])
    expect(clone.exitCode).toBe(4)
    expect(clone.stderr).toMatch(/not authorise/)
    const destroy = await as(denied, ['/usr/bin/strata', 'destroy', '-n', 'alpha', '-P', lx.path])
    expect(destroy.exitCode).toBe(4)
    expect(await treeOf(lx.path)).toBe(before)
  })

  it('a user without a rule (who would need a password, with no agent to ask it) is told to start one, and nothing changes', async () => {
    const before = await treeOf(lx.path)
    const destroy = await as(agentless, ['/usr/bin/strata', 'destroy', '-n', 'alpha', '-P', lx.path])
    expect(destroy.exitCode).toBe(5)
    expect(destroy.stderr).toMatch(/No polkit authentication agent is running/)
    expect(await treeOf(lx.path)).toBe(before)
  })

  it('apt-get purge removes every file it installed and nothing else: the lxcpath and its containers stay', async () => {
    const before = await treeOf(lx.path)
    // the test's line comes out of the conffile first, as an administrator's edit would stay or go with it
    await unlist()
    await purge()
    expect(await installed()).toBe(false)
    const left = files.filter((p) => existsSync(p) && !statSync(p).isDirectory() && !(foreignAllowList && p === ALLOW_LIST_FILE))
    expect(left).toEqual([])
    for (const dir of ['/usr/lib/strata', '/usr/libexec/strata', ...(foreignAllowList ? [] : ['/etc/strata']), '/usr/share/doc/strata']) {
      expect(existsSync(dir)).toBe(false)
    }
    expect(await treeOf(lx.path)).toBe(before)
    // the shared directories it installed into are still there for the packages that own them
    for (const dir of ['/usr/share/polkit-1/actions', '/usr/share/applications', '/usr/share/icons/hicolor/48x48/apps']) expect(existsSync(dir)).toBe(true)
  })
})
