// The warm worker's kept listing (src/main/cli/warm/kept-listing.ts) through the installed client
// (build/Release/strata) on a real lxcpath made with LXC's tools: after each change a user or LXC
// makes (a snapshot clone, a config edit, an edit of an included file, start and stop, a renamed
// container directory, a new one, a destroy), the next `strata ls --json` prints byte for byte what
// the plain CLI prints. The changes are made while the worker waits with its listing kept, so each
// is one the listing must notice. Needs `npm run build:cli` and the native build, as warm.test.ts.
import { execa } from 'execa'
import { appendFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'
import { CLIENT, stopWorkers, warmReady } from './warm-workers'

let P: TestLxcpath
let dir = ''
let inc = ''

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
  await warmReady(dir)
  await change()
  const warm = await warmLs()
  const plain = await plainLs()
  expect({ what, code: warm.code, stdout: warm.stdout }).toEqual({ what, code: plain.code, stdout: plain.stdout })
  return warm.kept
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
    if (dir) await stopWorkers(dir)
    rmSync(dir, { recursive: true, force: true })
    rmSync(inc, { recursive: true, force: true })
    await P?.cleanup()
  })

  it('after a snapshot clone, config and include edits, start and stop, a rename, a new container and a destroy, ls equals a fresh listing', async () => {
    expect((await warmLs()).code).toBe(0) // no worker yet: plain, and one starts
    await warmReady(dir)
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
