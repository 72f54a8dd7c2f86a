// The warm worker's kept listing (src/main/cli/warm/kept-listing.ts) through the installed client
// (build/Release/strata) on a real lxcpath made with LXC's tools: after each change a user or LXC
// makes (a snapshot clone, a config edit, an edit of an included file, start and stop, a renamed
// container directory, a new one, a destroy), the next `strata ls --json` prints byte for byte what
// the plain CLI prints. The changes are made while the worker waits with its listing kept, so each
// is one the listing must notice. Needs `npm run build:cli` and the native build, as warm.test.ts.
import { execa } from 'execa'
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'

const ROOT = join(import.meta.dirname, '../..')
const CLIENT = join(ROOT, 'build/Release/strata')

let P: TestLxcpath
let dir = ''
let inc = ''

/** Pids of the workers serving `dir` (their command line names it). */
function workerPids(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0')
        return cmd.some((a) => a.endsWith('warm-worker.cjs')) && cmd[cmd.indexOf('--dir') + 1] === dir
      } catch {
        return false
      }
    })
    .map(Number)
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function until(what: string, ok: () => boolean, ms = 90_000): Promise<void> {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

/**
 * One worker is up and waiting for a command in its poll() on the socket (syscall 7 on one fd,
 * its main thread, from /proc): its warm-up and its kept listing are done. A worker only asleep
 * (waiting on a child or a timer during its warm-up) is not ready.
 */
async function warmReady(): Promise<void> {
  await until('a warm worker waiting for a command', () => {
    const pids = workerPids()
    if (pids.length !== 1 || !existsSync(join(dir, 'cli-warm.sock'))) return false
    try {
      if (!readlinkSync(`/proc/${pids[0]}/exe`).includes('node')) return false
      const call = readFileSync(`/proc/${pids[0]}/syscall`, 'utf8').split(' ')
      return call[0] === '7' && call[2] === '0x1'
    } catch {
      return false
    }
  })
}

/** `strata ls -P P --json` through the warm client, and whether the kept listing served it. */
async function warmLs(): Promise<{ code: number; stdout: string; kept: boolean }> {
  const r = await execa(CLIENT, ['ls', '-P', P.path, '--json'], { reject: false, env: { STRATA_WARM_DIR: dir, STRATA_PHASES: '1' }, input: '' })
  return { code: r.exitCode ?? -1, stdout: r.stdout, kept: r.stderr.includes('"kept-check"') }
}

async function plainLs(): Promise<{ code: number; stdout: string }> {
  const r = await execa(CLIENT, ['ls', '-P', P.path, '--json'], { reject: false, env: { STRATA_WARM: '0' }, input: '' })
  return { code: r.exitCode ?? -1, stdout: r.stdout }
}

/** Waits for the worker, makes the change while it waits, then lists both ways. */
async function afterChange(what: string, change: () => Promise<unknown> | void): Promise<boolean> {
  await warmReady()
  await change()
  const warm = await warmLs()
  const plain = await plainLs()
  expect({ what, code: warm.code, stdout: warm.stdout }).toEqual({ what, code: plain.code, stdout: plain.stdout })
  return warm.kept
}

async function stopWorkers(): Promise<void> {
  await execa(CLIENT, ['warm', 'stop'], { reject: false, env: { STRATA_WARM_DIR: dir } })
  await until('the workers to stop', () => workerPids().length === 0, 5_000).catch(() => {
    for (const pid of workerPids()) process.kill(pid, 'SIGKILL')
  })
}

const state = (stdout: string, name: string): string | undefined => (JSON.parse(stdout) as { name: string; state: string }[]).find((c) => c.name === name)?.state

describe('the warm worker keeps `strata ls` current through changes', () => {
  beforeAll(async () => {
    P = await makeLxcpath('strata-cli-kept-')
    await P.create('c1')
    inc = mkdtempSync(join(tmpdir(), 'strata-kept-inc-'))
    writeFileSync(join(inc, 'extra.conf'), 'lxc.idmap = u 0 100000 65536\n')
    dir = mkdtempSync(join(tmpdir(), 'strata-kept-warm-'))
  }, 120_000)
  afterAll(async () => {
    if (dir) await stopWorkers()
    rmSync(dir, { recursive: true, force: true })
    rmSync(inc, { recursive: true, force: true })
    await P?.cleanup()
  })

  it('after a snapshot clone, config and include edits, start and stop, a rename, a new container and a destroy, ls equals a fresh listing', async () => {
    expect((await warmLs()).code).toBe(0) // no worker yet: plain, and one starts
    await warmReady()
    await warmLs() // the first worker's command: its successor keeps this lxcpath
    expect(await afterChange('nothing changed', () => undefined)).toBe(true)
    await afterChange('lxc-copy -s', () => P.lxc('lxc-copy', '-n', 'c1', '-N', 'c2', '-s'))
    expect(await afterChange('an edit of a config', () => appendFileSync(join(P.path, 'c1', 'config'), `lxc.include = ${join(inc, 'extra.conf')}\n`))).toBe(true)
    expect(await afterChange('an edit of an included file', () => writeFileSync(join(inc, 'extra.conf'), 'lxc.idmap = u 0 200000 65536\nlxc.idmap = g 0 200000 65536\n'))).toBe(true)
    await afterChange('lxc-start', () => P.lxc('lxc-start', '-n', 'c2', '-d'))
    expect(state((await plainLs()).stdout, 'c2')).toBe('running')
    await afterChange('lxc-stop', () => P.lxc('lxc-stop', '-n', 'c2', '-k'))
    expect(state((await plainLs()).stdout, 'c2')).toBe('stopped')
    await afterChange('a renamed container directory', () => renameSync(join(P.path, 'c2'), join(P.path, 'c3')))
    await afterChange('a new container directory', () => {
      mkdirSync(join(P.path, 'c4', 'rootfs'), { recursive: true })
      writeFileSync(join(P.path, 'c4', 'config'), `lxc.uts.name = c4\nlxc.rootfs.path = dir:${join(P.path, 'c4', 'rootfs')}\nlxc.net.0.type = empty\n`)
    })
    await afterChange('lxc-destroy', () => P.lxc('lxc-destroy', '-n', 'c4'))
    expect(await afterChange('nothing changed again', () => undefined)).toBe(true)
  }, 300_000)
})
