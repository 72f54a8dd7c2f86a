// Recovery acts only on what Strata's own journal proves it made. Anyone who can write an
// lxcpath can write a file named like a journal, a directory named like Strata's staging or
// trash, or (LXC allows it) a container with such a name. Root's next `strata check` or write
// command must delete none of it, must report each as a finding, and must not fail for it.
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import type { Finding } from '@shared/model'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { dir, lxcLs, pairs, strataOk, text } from './helpers'

const NOBODY = 65534
let P: TestLxcpath
let victims: string

/** `strata check --json` on P: exit code, findings, and what recovery printed. */
async function check(): Promise<{ code: number; findings: Finding[]; stderr: string }> {
  const r = await strata('check', '-P', P.path, '--json')
  return { code: r.code, findings: JSON.parse(r.stdout) as Finding[], stderr: r.stderr }
}

/** A directory outside the lxcpath holding one file: what a hostile journal points at. */
function victim(name: string): string {
  const d = join(victims, name)
  mkdirSync(d)
  writeFileSync(join(d, 'precious'), 'keep me\n')
  return d
}

function journal(id: string, record: object): string {
  const file = join(P.path, `.strata-op-${id}.json`)
  writeFileSync(file, JSON.stringify(record))
  return file
}

/** After each hostile setup: a write command in the same lxcpath works, and leaves the setup alone. */
async function otherWorkGoesOn(): Promise<void> {
  await strataOk('clone', '-p', P.path, '-o', 'base', '-n', 'bystander')
  await strataOk('destroy', '-P', P.path, '-n', 'bystander')
}

beforeAll(async () => {
  P = await makeLxcpath('strata-trust-')
  await P.create('base')
  victims = mkdtempSync(join(tmpdir(), 'strata-victims-'))
}, 120_000)
afterAll(async () => {
  for (const n of readdirSync(P?.path ?? '/nonexistent').filter((x) => x.startsWith('.strata-'))) {
    if (existsSync(join(P.path, n, 'config'))) await execa('lxc-destroy', ['-P', P.path, '-n', n], { reject: false })
  }
  await P?.cleanup()
  if (victims) rmSync(victims, { recursive: true, force: true })
})

describe('a hostile journal', () => {
  it('naming a directory outside the lxcpath: the directory stays, check reports the journal', async () => {
    const target = victim('etc-strata-victim')
    const file = journal('deadbeef0001', {
      op: 'build',
      what: 'clone',
      staging: target,
      target: { lxcpath: P.path, name: 'x' },
      targetDir: `${P.path}/x`,
      origins: []
    })
    const r = await check()
    expect(readFileSync(join(target, 'precious'), 'utf8')).toBe('keep me\n')
    expect(r.stderr).not.toMatch(/rolled back/)
    expect(r.code).toBe(0) // a warning: nothing is broken
    const f = r.findings.find((x) => x.file === file)
    expect(f).toMatchObject({ severity: 'warning', code: 'unproven-work' })
    expect(f?.message).toMatch(/cannot prove it wrote it/)
    expect(existsSync(file)).toBe(true)
    await otherWorkGoesOn()
    expect(existsSync(join(target, 'precious'))).toBe(true)
    rmSync(file)
  })

  it('with Strata\'s own staging name but no marker in it: neither the directory nor the origin\'s bookkeeping is touched', async () => {
    const id = '0123456789ab'
    const staging = join(P.path, `.strata-build-${id}`)
    mkdirSync(staging)
    writeFileSync(join(staging, 'precious'), 'keep me\n')
    // an entry recovery of a real build would remove from base's lxc_snapshots
    writeFileSync(dir(P.path, 'base', 'lxc_snapshots'), pairs([P.path, 'x']))
    const file = journal(id, { id, op: 'build', what: 'clone', staging, target: { lxcpath: P.path, name: 'x' }, targetDir: `${P.path}/x`, origins: [{ lxcpath: P.path, name: 'base' }] })
    const r = await check()
    expect(readFileSync(join(staging, 'precious'), 'utf8')).toBe('keep me\n')
    expect(text(dir(P.path, 'base', 'lxc_snapshots'))).toBe(pairs([P.path, 'x']))
    expect(r.findings.find((x) => x.file === file)?.message).toMatch(/holds no marker of this journal/)
    await otherWorkGoesOn()
    expect(existsSync(join(staging, 'precious'))).toBe(true)
    rmSync(file)
    rmSync(staging, { recursive: true })
    rmSync(dir(P.path, 'base', 'lxc_snapshots'))
  })

  it('with a marker another user wrote: not proof; a destroy journal\'s trash and the rootfs it names stay', async () => {
    const id = 'aaaaaaaaaaaa'
    const trash = join(P.path, `.strata-trash-${id}`)
    const outside = victim('outside-rootfs')
    mkdirSync(trash)
    writeFileSync(join(trash, 'config'), `lxc.rootfs.path = dir:${outside}\n`)
    const record = { id, op: 'destroy', ref: { lxcpath: P.path, name: 'gone' }, dir: `${P.path}/gone`, trash, origins: [], spec: { backend: 'dir', prefix: 'dir', path: outside } }
    const file = journal(id, record)
    const marker = join(trash, `.strata-op-${id}`)
    writeFileSync(marker, JSON.stringify(record))
    chownSync(trash, NOBODY, NOBODY)
    chownSync(marker, NOBODY, NOBODY)
    const r = await check()
    expect(existsSync(join(trash, 'config'))).toBe(true)
    expect(readFileSync(join(outside, 'precious'), 'utf8')).toBe('keep me\n')
    expect(r.findings.find((x) => x.file === file)?.message).toMatch(/is not a file Strata wrote as this user/)
    await otherWorkGoesOn()
    expect(existsSync(join(outside, 'precious'))).toBe(true)
    rmSync(file)
    rmSync(trash, { recursive: true })
  })

  it('whose staging name is a symlink: never followed, even to a directory holding a matching marker', async () => {
    const id = 'bbbbbbbbbbbb'
    const target = victim('symlinked')
    const staging = join(P.path, `.strata-build-${id}`)
    symlinkSync(target, staging)
    const record = { id, op: 'build', what: 'clone', staging, target: { lxcpath: P.path, name: 'y' }, targetDir: `${P.path}/y`, origins: [] }
    const file = journal(id, record)
    writeFileSync(join(target, `.strata-op-${id}`), JSON.stringify(record)) // root's own, with the journal's text
    const r = await check()
    expect(readFileSync(join(target, 'precious'), 'utf8')).toBe('keep me\n')
    expect(r.findings.find((x) => x.file === file)?.message).toMatch(/is not a directory/)
    await otherWorkGoesOn()
    expect(existsSync(join(target, 'precious'))).toBe(true)
    rmSync(file)
    rmSync(staging)
  })

  it('whose lock file is a symlink: recovery skips it instead of failing every command', async () => {
    const id = 'cccccccccccc'
    const file = journal(id, { op: 'build' })
    symlinkSync('/nonexistent-strata-lock', join(P.path, `.strata-op-${id}.lock`))
    const r = await check()
    expect(r.code).toBe(0)
    expect(r.findings.find((x) => x.file === file)?.code).toBe('unproven-work')
    await otherWorkGoesOn()
    expect(existsSync('/nonexistent-strata-lock')).toBe(false)
    rmSync(file)
    rmSync(join(P.path, `.strata-op-${id}.lock`))
  })
})

describe('Strata\'s own interrupted work, tampered with', () => {
  it('a restore killed after its exchange: a container swapped in for the old one it left is not deleted', async () => {
    await strataOk('clone', '-p', P.path, '-o', 'base', '-n', 'o1', '-s')
    await strataOk('snapshot', '-P', P.path, '-n', 'o1')
    await P.lxc('lxc-copy', '-n', 'base', '-N', 'prod')
    const killed = await execa('node', [join(import.meta.dirname, '../../bin/strata'), 'snapshot', '-P', P.path, '-n', 'o1', '-r', 'snap0'], {
      reject: false,
      env: { STRATA_FAULT: 'restore:exchanged' }
    })
    expect(killed.signal).toBe('SIGKILL')
    const staging = readdirSync(P.path).find((n) => n.startsWith('.strata-build-'))!
    // someone who can write the lxcpath puts another container where the old o1 waits for removal
    const aside = join(victims, 'old-o1')
    await execa('mv', [join(P.path, staging), aside])
    await execa('mv', [join(P.path, 'prod'), join(P.path, staging)])
    const r = await check()
    expect(existsSync(join(P.path, staging, 'rootfs', 'bin', 'busybox'))).toBe(true)
    expect(r.stderr).toMatch(/could not complete the interrupted restore of .*\/o1/)
    expect(r.findings.find((f) => f.code === 'interrupted-op')).toMatchObject({ severity: 'error', subject: { lxcpath: P.path, name: 'o1' } })
    await otherWorkGoesOn()
    // put things back: the restore is then finished
    await execa('mv', [join(P.path, staging), join(P.path, 'prod')])
    await execa('mv', [aside, join(P.path, staging)])
    const done = await check()
    expect(done.stderr).toMatch(/finished an interrupted restore of .*\/o1/)
    expect(done.findings).toEqual([])
    expect(await lxcLs(P.path)).toEqual(['base', 'o1', 'prod'])
    await strataOk('destroy', '-P', P.path, '-n', 'o1', '--with-dependents')
    await strataOk('destroy', '-P', P.path, '-n', 'prod')
  })
})

describe('containers named like Strata\'s work directories (LXC allows such names)', () => {
  it('are reported, never deleted, by check and by every write command', async () => {
    await P.lxc('lxc-copy', '-n', 'base', '-N', '.strata-build-foo')
    await P.lxc('lxc-copy', '-n', 'base', '-N', '.strata-trash-dddddddddddd')
    // and one a forged destroy journal claims, as if it were that destroy's trash
    const id = 'eeeeeeeeeeee'
    await P.lxc('lxc-copy', '-n', 'base', '-N', `.strata-trash-${id}`)
    const file = journal(id, { id, op: 'destroy', ref: { lxcpath: P.path, name: 'gone' }, dir: `${P.path}/gone`, trash: join(P.path, `.strata-trash-${id}`), origins: [], spec: null })
    const names = ['.strata-build-foo', '.strata-trash-dddddddddddd', `.strata-trash-${id}`]

    const r = await check()
    expect(r.stderr).not.toMatch(/removed|finished/)
    for (const n of names.slice(0, 2)) {
      const f = r.findings.find((x) => x.subject.name === n)
      expect(f, n).toMatchObject({ severity: 'warning', code: 'unproven-work', file: join(P.path, n) })
      expect(f?.message).toContain(`lxc-destroy -P ${P.path} -n ${n}`)
    }
    expect(r.findings.find((x) => x.file === file)?.message).toMatch(/holds no marker of this journal/)
    await otherWorkGoesOn()
    for (const n of names) {
      expect(existsSync(join(P.path, n, 'rootfs', 'bin', 'busybox')), n).toBe(true)
      // LXC still has them: lxc-info loads each one
      expect(await P.lxc('lxc-info', '-n', n, '-s')).toMatch(/STOPPED/)
    }
    expect(await lxcLs(P.path)).toEqual(['base']) // lxc-ls hides dot names; nothing else appeared
    rmSync(file)
    for (const n of names) await P.lxc('lxc-destroy', '-n', n)
    expect((await check()).findings).toEqual([])
  })
})
