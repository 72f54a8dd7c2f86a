// A real polkit for the helper tests: a system dbus-daemon and polkitd (started here unless
// they already run), Strata's policy and helper installed at their system paths, a polkit
// JS rule that allows one test user and denies another (a third gets no rule, so it needs an
// authentication agent and has none), and the users themselves. Everything is removed again
// in cleanup(), which the tests call from afterAll, so also when they fail.
// pkexec is setuid and ignores DBUS_SYSTEM_BUS_ADDRESS, so the bus must be at its real path.
import { existsSync, mkdirSync, mkdtempSync, chmodSync, copyFileSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { execa, type ResultPromise } from 'execa'

export const SYSTEM_BUS = '/run/dbus/system_bus_socket'
export const POLICY_DEST = '/usr/share/polkit-1/actions/io.strata.helper.policy'
export const HELPER_DIR = '/usr/libexec/strata'
const ADDON_DEST = `${HELPER_DIR}/strata_native.node`
const PTY_DIR = `${HELPER_DIR}/build/Release`
export const HELPER_DEST = `${HELPER_DIR}/strata-helper`
const BUNDLE_DEST = `${HELPER_DIR}/strata-helper.mjs`
const LOCK = '/run/strata-polkit-test.lock'
const POLKITD = '/usr/lib/polkit-1/polkitd'
const REPO = resolve(import.meta.dirname, '../..')

export interface TestUser {
  name: string
  uid: number
  gid: number
}

export interface PolkitFixture {
  /** allowed by the rule without a password */
  allowed: TestUser
  /** denied by the rule */
  denied: TestUser
  /** no rule: the policy's auth_admin applies and there is no agent */
  agentless: TestUser
  /** the bundled client driver, readable by the test users */
  driver: string
  cleanup(): Promise<void>
}

/** Why these tests cannot run here, or null. */
export function polkitSkipReason(): string | null {
  if (process.geteuid?.() !== 0) return 'the polkit tests install a policy and start polkitd, which needs root'
  for (const f of ['/usr/bin/pkexec', POLKITD, '/usr/bin/dbus-daemon', '/usr/bin/dbus-send', '/usr/bin/setpriv']) {
    if (!existsSync(f)) return `${f} is missing (scripts/ensure-system.sh installs pkexec, polkitd and dbus)`
  }
  if (existsSync(POLICY_DEST) && !readFileSync(POLICY_DEST, 'utf8').includes('strata-test-installed')) {
    return `${POLICY_DEST} belongs to an installed Strata; the test will not replace it`
  }
  if (existsSync(HELPER_DEST) && !existsSync(`${HELPER_DIR}/.strata-test-installed`)) {
    return `${HELPER_DEST} belongs to an installed Strata; the test will not replace it`
  }
  return null
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((done) => {
    const s = connect(path)
    s.once('connect', () => {
      s.destroy()
      done(true)
    })
    s.once('error', () => done(false))
  })
}

export async function waitFor(what: string, check: () => Promise<boolean>, limitMs = 30_000): Promise<void> {
  const until = Date.now() + limitMs
  while (Date.now() < until) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`gave up waiting for ${what}`)
}

async function polkitOnBus(): Promise<boolean> {
  const r = await execa(
    'dbus-send',
    ['--system', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.PolicyKit1'],
    { reject: false }
  )
  return r.exitCode === 0 && /boolean true/.test(r.stdout)
}

export async function addUser(name: string): Promise<TestUser> {
  await execa('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', '--user-group', name])
  const uid = Number((await execa('id', ['-u', name])).stdout)
  const gid = Number((await execa('id', ['-g', name])).stdout)
  return { name, uid, gid }
}

/**
 * One polkit test run per machine at a time (test runs in other checkouts too): they share the
 * system paths (the policy, /usr/libexec/strata, the rules). Waits up to `waitMs` for another
 * run to finish, then fails naming it. Returns the release.
 */
export async function holdPolkitLock(waitMs = 0): Promise<() => void> {
  const until = Date.now() + waitMs
  for (;;) {
    try {
      writeFileSync(LOCK, String(process.pid), { flag: 'wx' })
      break
    } catch {
      let holder: number
      try {
        holder = Number(readFileSync(LOCK, 'utf8'))
      } catch {
        continue // released between the two calls
      }
      if (!pidAlive(holder)) {
        writeFileSync(LOCK, String(process.pid))
        break
      }
      if (Date.now() >= until) throw new Error(`another Strata polkit test (pid ${holder}) holds ${LOCK}`)
      await new Promise((r) => setTimeout(r, 500))
    }
  }
  return () => rmSync(LOCK, { force: true })
}

/** A polkit JS rule for io.strata.helper: `allowed` gets it without a password, `denied` never. Returns its removal. */
export function writeTestRule(tag: string, allowed: TestUser, denied: TestUser): () => void {
  const rule = `/etc/polkit-1/rules.d/10-strata-test-${tag}.rules`
  mkdirSync('/etc/polkit-1/rules.d', { recursive: true })
  writeFileSync(
    rule,
    `// Strata helper test (${tag}): removed when the test ends.\n` +
      `polkit.addRule(function (action, subject) {\n` +
      `  if (action.id != "io.strata.helper") return polkit.Result.NOT_HANDLED;\n` +
      `  if (subject.user == "${allowed.name}") return polkit.Result.YES;\n` +
      `  if (subject.user == "${denied.name}") return polkit.Result.NO;\n` +
      `  return polkit.Result.NOT_HANDLED;\n` +
      `});\n`
  )
  return () => rmSync(rule, { force: true })
}

/** The system dbus-daemon and polkitd, each started unless one already runs. Returns their stop. */
export async function startSystemPolkit(): Promise<() => Promise<void>> {
  const stops: (() => Promise<void>)[] = []
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s()
  }
  try {
    if (!(await socketAnswers(SYSTEM_BUS))) {
      rmSync(SYSTEM_BUS, { force: true }) // a stale socket file nobody listens on
      const bus = execa('dbus-daemon', ['--system', '--nofork', '--nopidfile', '--nosyslog'], { reject: false, stdio: 'ignore' })
      stops.push(async () => {
        bus.kill('SIGTERM')
        await bus
        rmSync(SYSTEM_BUS, { force: true })
      })
      await waitFor('the system dbus-daemon', () => socketAnswers(SYSTEM_BUS))
    }
    if (!(await polkitOnBus())) {
      const polkitd: ResultPromise = execa(POLKITD, ['--no-debug'], { reject: false, stdio: 'ignore' })
      stops.push(async () => {
        polkitd.kill('SIGTERM')
        await polkitd
      })
      await waitFor('polkitd on the system bus', polkitOnBus)
    }
    return stop
  } catch (err) {
    await stop()
    throw err
  }
}

/** Builds the helper and the client driver, installs policy + helper + rule, starts what is missing. */
export async function startPolkit(): Promise<PolkitFixture> {
  const undo: (() => Promise<void> | void)[] = []
  const cleanup = async (): Promise<void> => {
    for (const step of undo.reverse()) {
      try {
        await step()
      } catch (err) {
        process.stderr.write(`polkit fixture cleanup: ${(err as Error).message}\n`)
      }
    }
    undo.length = 0
  }
  try {
    undo.push(await holdPolkitLock())

    await execa('node', ['scripts/build-helper.mjs'], { cwd: REPO })
    const work = mkdtempSync(join(tmpdir(), 'strata-polkit-'))
    chmodSync(work, 0o755)
    undo.push(() => rmSync(work, { recursive: true, force: true }))
    const driver = join(work, 'client-driver.mjs')
    await build({
      entryPoints: [join(REPO, 'test/helper/fixtures/client-driver.ts')],
      outfile: driver,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      alias: { '@shared': join(REPO, 'src/shared') },
      banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
      logLevel: 'warning'
    })
    chmodSync(driver, 0o644)

    // Users: one allowed, one denied, one left to the policy's defaults.
    const tag = Math.random().toString(36).slice(2, 8)
    const users: TestUser[] = []
    for (const suffix of ['a', 'd', 'n']) {
      const u = await addUser(`stp${tag}${suffix}`)
      users.push(u)
      undo.push(async () => void (await execa('userdel', [u.name], { reject: false })))
    }
    const [allowed, denied, agentless] = users as [TestUser, TestUser, TestUser]

    // Policy and helper at the paths the policy names; marked so a later run knows they are a test's.
    const policy = readFileSync(join(REPO, 'resources/polkit/io.strata.helper.policy'), 'utf8')
    writeFileSync(POLICY_DEST, policy.replace('<policyconfig>', '<!-- strata-test-installed -->\n<policyconfig>'))
    undo.push(() => rmSync(POLICY_DEST, { force: true }))
    const madeDir = !existsSync(HELPER_DIR)
    mkdirSync(HELPER_DIR, { recursive: true, mode: 0o755 })
    writeFileSync(`${HELPER_DIR}/.strata-test-installed`, '')
    copyFileSync(join(REPO, 'resources/strata-helper'), HELPER_DEST)
    chmodSync(HELPER_DEST, 0o755)
    copyFileSync(join(REPO, 'out/helper/strata-helper.mjs'), BUNDLE_DEST)
    chmodSync(BUNDLE_DEST, 0o644)
    // The native addon sits next to the bundle, as a package installs it.
    copyFileSync(join(REPO, 'build/Release/strata_native.node'), ADDON_DEST)
    chmodSync(ADDON_DEST, 0o644)
    // node-pty's pty.node (consoles), where its loader looks beside the bundle.
    mkdirSync(PTY_DIR, { recursive: true, mode: 0o755 })
    copyFileSync(join(REPO, 'out/helper/build/Release/pty.node'), `${PTY_DIR}/pty.node`)
    chmodSync(`${PTY_DIR}/pty.node`, 0o644)
    undo.push(() => {
      rmSync(`${HELPER_DIR}/build`, { recursive: true, force: true })
      for (const f of [HELPER_DEST, BUNDLE_DEST, ADDON_DEST, `${HELPER_DIR}/.strata-test-installed`]) rmSync(f, { force: true })
      if (madeDir) rmdirSync(HELPER_DIR)
    })

    undo.push(writeTestRule(tag, allowed, denied))

    undo.push(await startSystemPolkit())

    // Ready when the allowed user gets through pkexec (a running polkitd loads new rules on its own time).
    await waitFor('polkit to apply the test rule', async () => {
      const r = await execa('setpriv', [`--reuid=${allowed.uid}`, `--regid=${allowed.gid}`, '--clear-groups', 'pkexec', '--disable-internal-agent', HELPER_DEST, '--stdio'], {
        reject: false,
        input: '',
        cwd: '/'
      })
      return r.exitCode === 0
    })

    return { allowed, denied, agentless, driver, cleanup }
  } catch (err) {
    await cleanup()
    throw err
  }
}
