// The installed `strata` (the C client, build/Release/strata) against a real warm worker
// (out/cli/warm-worker.cjs): what a user sees equals the plain CLI's (output, exit status,
// stdin, environment, directory), Ctrl-C cancels, a stale build and a busy worker fall back,
// and an idle worker ends and removes its socket. Each test's worker lives in its own 0700
// directory (STRATA_WARM_DIR) and is stopped afterwards. Needs `npm run build:cli` and the
// native build (node-gyp), as the other CLI tests do.
import { execa } from 'execa'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { lxcLs } from '../ops/helpers'
import { CLIENT, stopWorkers, until, warmReady, workerPids } from './warm-workers'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

const ROOT = join(import.meta.dirname, '../..')
const BUILD_ID = join(ROOT, 'out/cli/build-id')

let P: TestLxcpath
let dir = ''

async function client(args: string[], opts: { env?: Record<string, string>; cwd?: string; input?: string } = {}) {
  const r = await execa(CLIENT, args, {
    reject: false,
    env: { ...(opts.env ?? process.env), STRATA_WARM_DIR: dir },
    extendEnv: false,
    cwd: opts.cwd,
    input: opts.input ?? ''
  })
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr }
}

describe('the installed strata with its warm worker', () => {
  beforeAll(async () => {
    P = await makeLxcpath('strata-cli-warm-')
    await P.create('c1')
  }, 120_000)
  afterAll(async () => P?.cleanup())
  afterEach(async () => {
    if (dir) {
      await stopWorkers(dir)
      rmSync(dir, { recursive: true, force: true })
    }
    dir = mkdtempSync(join(tmpdir(), 'strata-warm-test-'))
  })
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-warm-test-'))
  })
  afterAll(async () => {
    await stopWorkers(dir)
    rmSync(dir, { recursive: true, force: true })
  })

  // seven commands, each waiting for its successor's warm-up: seconds each on a loaded 2-core machine
  it('prints what the plain CLI prints, with its exit status, for ls, config, errors and usage', async () => {
    const first = await client(['ls', '-P', P.path, '--json']) // no worker yet: plain, and one starts
    expect(first.code).toBe(0)
    const pid = await warmReady(dir)
    for (const args of [
      ['ls', '-P', P.path, '--json'],
      ['ls', '-P', P.path],
      ['config', '-n', 'c1', '-P', P.path],
      ['ls', '-P', join(P.path, 'missing')],
      ['destroy', '-P', P.path, '-n', 'nope'],
      ['no-such-command'],
      ['clone', '--help']
    ]) {
      await warmReady(dir)
      const warm = await client(args)
      const plain = await strata(...args)
      expect({ args, ...warm }).toEqual({ args, ...plain })
    }
    // the worker that was waiting ran the first of these: it is gone, its successor serves
    expect(workerPids(dir)).not.toContain(pid)
    expect(first.stdout).toBe((await strata('ls', '-P', P.path, '--json')).stdout)
    // each worker's warm-up clones on a scratch lxcpath, which takes LXC's lock files there: the
    // lock directory goes with the scratch lxcpath (else one stayed in /run for every command)
    const lockRoot = join('/run/lxc/lock', tmpdir())
    const leftLocks = (): string[] => (existsSync(lockRoot) ? readdirSync(lockRoot) : []).filter((n) => /^strata-warm-(?!test-)/.test(n) && !existsSync(join(tmpdir(), n)))
    await until('the warm-ups\' lock directories to go', () => leftLocks().length === 0, 10_000).catch(() => undefined)
    expect(leftLocks()).toEqual([])
  }, 300_000)

  // six waits for a successor's warm-up, as above
  it('clones and destroys as the plain CLI does, in the caller\'s directory, environment, umask and stdin', async () => {
    await client(['ls', '-P', P.path])
    await warmReady(dir)
    // under the caller's umask (077): the new config's mode is the plain CLI's under it
    const umasked = (bin: string[], name: string) =>
      execa('sh', ['-c', 'umask 077; exec "$@"', 'sh', ...bin, 'clone', '-p', P.path, '-P', P.path, '-o', 'c1', '-n', name, '-s'], {
        reject: false,
        env: { ...process.env, STRATA_WARM_DIR: dir }
      })
    expect(await umasked([CLIENT], 'w1')).toMatchObject({ exitCode: 0, stderr: '' })
    expect(await umasked(['node', join(ROOT, 'bin/strata')], 'p1')).toMatchObject({ exitCode: 0, stderr: '' })
    expect(await lxcLs(P.path)).toEqual(['c1', 'p1', 'w1'])
    expect(statSync(join(P.path, 'w1/config')).mode & 0o777).toBe(statSync(join(P.path, 'p1/config')).mode & 0o777)
    expect((await strata('destroy', '-P', P.path, '-n', 'p1')).code).toBe(0)
    // a relative file is the caller's directory's; /dev/stdin is the caller's stdin
    const cwd = mkdtempSync(join(tmpdir(), 'strata-warm-cwd-'))
    try {
      writeFileSync(join(cwd, 'note'), 'a comment from a relative file\n')
      await warmReady(dir)
      expect(await client(['snapshot', '-P', P.path, '-n', 'c1', '-c', 'note'], { cwd })).toMatchObject({ code: 0, stderr: '' })
    } finally {
      rmSync(cwd, { recursive: true, force: true })
    }
    await warmReady(dir)
    // through a shell's pipe (a socket, as Node's own pipes are, cannot be opened as /dev/stdin)
    const piped = await execa('sh', ['-c', 'printf "a comment from stdin\\n" | "$0" snapshot -P "$1" -n c1 -c /dev/stdin', CLIENT, P.path], {
      reject: false,
      env: { ...process.env, STRATA_WARM_DIR: dir }
    })
    expect(piped).toMatchObject({ exitCode: 0, stderr: '' })
    const listed = await strata('snapshot', '-P', P.path, '-n', 'c1', '-L', '-C')
    expect(listed.stdout).toContain('a comment from a relative file')
    expect(listed.stdout).toContain('a comment from stdin')
    for (const snap of ['snap0', 'snap1']) expect((await strata('snapshot', '-P', P.path, '-n', 'c1', '-d', snap)).code).toBe(0)
    // the caller's environment: STRATA_PHASES=1 adds the phase line on stderr, only there
    await warmReady(dir)
    const phased = await client(['ls', '-P', P.path], { env: { ...process.env, STRATA_PHASES: '1' } })
    expect(phased.stderr).toMatch(/^strata phases: \{"worker-takeover"/)
    await warmReady(dir)
    expect((await client(['ls', '-P', P.path])).stderr).toBe('')
    await warmReady(dir)
    const destroy = await client(['destroy', '-P', P.path, '-n', 'w1', '--with-dependents'])
    expect(destroy.code).toBe(0)
    expect(await lxcLs(P.path)).toEqual(['c1'])
  }, 300_000)

  it('a caller whose locale differs from the worker\'s runs plain, and the worker stays for the next', async () => {
    await client(['ls', '-P', P.path])
    const pid = await warmReady(dir)
    const env = { ...process.env, LANG: process.env.LANG === 'C.UTF-8' ? 'ja_JP.UTF-8' : 'C.UTF-8' }
    const other = await client(['ls', '-P', P.path], { env })
    const plain = await execa(process.execPath, [join(ROOT, 'bin/strata'), 'ls', '-P', P.path], { reject: false, env, extendEnv: false })
    expect(other).toEqual({ code: plain.exitCode, stdout: plain.stdout, stderr: plain.stderr })
    // the worker did not take it: the same process still waits
    expect(await warmReady(dir)).toBe(pid)
  })

  it('two clients at once are both served', async () => {
    await client(['ls', '-P', P.path])
    await warmReady(dir)
    const plain = await strata('ls', '-P', P.path, '--json')
    const [a, b] = await Promise.all([client(['ls', '-P', P.path, '--json']), client(['ls', '-P', P.path, '--json'])])
    expect(a).toEqual(plain)
    expect(b).toEqual(plain)
  })

  it('a worker of another build is not used: the command runs plain and a worker of this build starts', async () => {
    await client(['ls', '-P', P.path])
    const old = await warmReady(dir)
    const id = readFileSync(BUILD_ID, 'utf8')
    try {
      writeFileSync(BUILD_ID, `${id}-next`)
      const r = await client(['ls', '-P', P.path, '--json'])
      writeFileSync(BUILD_ID, id)
      expect(r).toEqual(await strata('ls', '-P', P.path, '--json'))
      await until('the old worker to end', () => !workerPids(dir).includes(old))
      const fresh = await warmReady(dir)
      expect(fresh).not.toBe(old)
    } finally {
      writeFileSync(BUILD_ID, id)
    }
  })

  it('an idle worker ends after its idle time and removes its socket', async () => {
    await client(['ls', '-P', P.path], { env: { ...process.env, STRATA_WARM_IDLE_MS: '1500' } })
    await warmReady(dir)
    expect(existsSync(join(dir, 'cli-warm.sock'))).toBe(true)
    await until('the idle worker to end', () => workerPids(dir).length === 0, 20_000)
    expect(existsSync(join(dir, 'cli-warm.sock'))).toBe(false)
    // the next call runs plain and starts a worker again
    expect((await client(['ls', '-P', P.path])).code).toBe(0)
    await warmReady(dir)
  })

  it('STRATA_WARM=0 and a socket directory that is not private run plain and start no worker', async () => {
    expect((await client(['ls', '-P', P.path], { env: { ...process.env, STRATA_WARM: '0' } })).code).toBe(0)
    await sleep(500)
    expect(workerPids(dir)).toEqual([])
    const open = join(dir, 'open')
    mkdirSync(open, { mode: 0o755 })
    const r = await execa(CLIENT, ['ls', '-P', P.path], { reject: false, env: { ...process.env, STRATA_WARM_DIR: open } })
    expect(r.exitCode).toBe(0)
    await sleep(500)
    expect(workerPids(open)).toEqual([])
    expect(statSync(open).mode & 0o777).toBe(0o755)
  })

  it('Ctrl-C on the client cancels a copy clone in the worker and leaves the lxcpath as it was', async () => {
    // an origin big enough that its copy takes a while
    const rootfs = join(P.path, 'c1/rootfs/bulk')
    for (let d = 0; d < 40; d++) {
      mkdirSync(join(rootfs, `d${d}`), { recursive: true })
      for (let f = 0; f < 500; f++) writeFileSync(join(rootfs, `d${d}`, `f${f}`), 'x'.repeat(4096))
    }
    try {
      await client(['ls', '-P', P.path])
      await warmReady(dir)
      const before = readdirSync(P.path).sort()
      const run = execa(CLIENT, ['clone', '-p', P.path, '-P', P.path, '-o', 'c1', '-n', 'big'], { reject: false, env: { ...process.env, STRATA_WARM_DIR: dir } })
      let ended = false
      void run.finally(() => (ended = true))
      await until('the copy to begin', () => ended || readdirSync(P.path).some((f) => !before.includes(f)), 20_000)
      run.kill('SIGINT')
      const r = await run
      expect(r.exitCode).toBe(130)
      expect(r.stderr).toContain('cancelled')
      expect(readdirSync(P.path).sort()).toEqual(before)
    } finally {
      rmSync(rootfs, { recursive: true, force: true })
    }
  })
})
