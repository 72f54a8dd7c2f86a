// Broken lineage, made the ways users break it (rm -rf instead of lxc-destroy, a crashed
// lxc-create, hand-edited bookkeeping), and what Strata and LXC each make of it.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { randomFillSync } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import type { ContainerInfo, Finding } from '@shared/model'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { holdLock, pairs, text } from '../ops/helpers'
import { lxcLockPath } from '../../src/main/engine/native/index'
import { listContainers } from '../../src/main/engine/lxcpath'

let P: TestLxcpath

async function check(): Promise<{ code: number; findings: Finding[] }> {
  const r = await strata('check', '-P', P.path, '--json')
  return { code: r.code, findings: JSON.parse(r.stdout) as Finding[] }
}

describe('broken lineage', () => {
  beforeAll(async () => {
    P = await makeLxcpath()
    await P.create('base')
    await P.create('other')
    await P.lxc('lxc-copy', '-n', 'base', '-N', 'keep', '-s', '-B', 'overlay')
    await P.lxc('lxc-copy', '-n', 'base', '-N', 'gone', '-s', '-B', 'overlay')
    await P.lxc('lxc-copy', '-n', 'other', '-N', 'orphan', '-s', '-B', 'overlay')
  }, 120_000)
  afterAll(async () => P?.cleanup())

  it('starts clean', async () => {
    const { code, findings } = await check()
    expect(findings).toEqual([])
    expect(code).toBe(0)
  })

  it('finds a stale entry left by rm -rf of a clone', async () => {
    rmSync(join(P.path, 'gone'), { recursive: true })
    const { findings } = await check()
    const stale = findings.find((f) => f.code === 'stale-entry')
    expect(stale).toMatchObject({ severity: 'warning', subject: { name: 'base' }, file: join(P.path, 'base/lxc_snapshots') })
    expect(stale?.message).toMatch(/lists .*\/gone, which no longer exists/)
    // LXC still refuses to destroy base because of that entry: the finding says why.
    const r = await execa('lxc-destroy', ['-P', P.path, '-n', 'base'], { reject: false })
    expect(r.exitCode).not.toBe(0)
  })

  it('finds a clone whose origin was removed with rm -rf, which LXC cannot start', async () => {
    rmSync(join(P.path, 'other'), { recursive: true })
    const { code, findings } = await check()
    const missing = findings.find((f) => f.code === 'origin-missing' && f.subject.name === 'orphan')
    expect(missing?.severity).toBe('error')
    expect(missing?.message).toMatch(/orphan cannot start: its lower layer .*\/other\/rootfs is gone/)
    expect(code).toBe(1)
    const start = await execa('lxc-start', ['-P', P.path, '-n', 'orphan'], { reject: false })
    expect(start.exitCode).not.toBe(0)
    const graph = JSON.parse((await strata('lineage', '-P', P.path, '--json')).stdout)
    expect(graph.nodes.find((n: { id: string }) => n.id === `${P.path}/other`)?.kind).toBe('missing')
  })

  it('the app\'s listing counts that finding among the orphan\'s problems (the table\'s Problems column), once, as data to translate', async () => {
    const withFindings = await listContainers([P.path], { lineageFindings: new Map() })
    const orphan = withFindings.find((c) => c.name === 'orphan')!
    expect(orphan.problems.filter((p) => p.finding)).toEqual([
      expect.objectContaining({ severity: 'error', finding: 'origin-missing', rule: 'origin-missing', said: expect.objectContaining({ key: 'finding-lower-gone' }) })
    ])
    expect(withFindings.find((c) => c.name === 'keep')?.problems.filter((p) => p.finding)).toEqual([])
    // the CLI's own listing reads no findings (strata check does)
    expect((await listContainers([P.path])).find((c) => c.name === 'orphan')?.problems).toEqual([])
  })

  it('finds an lxc_rdepends that disagrees with the rootfs spec', async () => {
    writeFileSync(join(P.path, 'keep/lxc_rdepends'), `${P.path}\nnot-its-lower\n`)
    const { findings } = await check()
    const f = findings.find((x) => x.code === 'rdepends-mismatch')
    expect(f?.subject.name).toBe('keep')
    expect(f?.message).toMatch(/does not list .*\/base, whose rootfs its own rootfs reads/)
    writeFileSync(join(P.path, 'keep/lxc_rdepends'), `${P.path}\nbase\n`)
  })

  it('finds a stray partial file, which stops lxc-start', async () => {
    writeFileSync(join(P.path, 'keep/partial'), '')
    try {
      const { findings } = await check()
      const f = findings.find((x) => x.code === 'stray-partial')
      expect(f).toMatchObject({ severity: 'error', subject: { name: 'keep' }, file: join(P.path, 'keep/partial') })
      const start = await execa('lxc-start', ['-P', P.path, '-n', 'keep', '-F', '--', '/bin/true'], { reject: false })
      expect(start.exitCode).not.toBe(0)
    } finally {
      rmSync(join(P.path, 'keep/partial'))
    }
  })

  it('lists a container whose config is garbage, with its error, and goes on', async () => {
    mkdirSync(join(P.path, 'junk'))
    const garbage = Buffer.alloc(4096)
    randomFillSync(garbage)
    writeFileSync(join(P.path, 'junk/config'), garbage)
    const r = await strata('ls', '-P', P.path, '--json')
    expect(r.code).toBe(0)
    const list = JSON.parse(r.stdout) as ContainerInfo[]
    expect(list.map((c) => c.name).sort()).toEqual(['base', 'junk', 'keep', 'orphan'])
    const junk = list.find((c) => c.name === 'junk')!
    expect(junk.problems[0]?.severity).toBe('error')
    expect(junk.problems[0]?.file).toBe(join(P.path, 'junk/config'))
    expect(junk.problems[0]?.line).toBeGreaterThan(0)
    rmSync(join(P.path, 'junk'), { recursive: true })
  })
})

describe('lxcpaths that cannot be read', () => {
  it('names an lxcpath that does not exist', async () => {
    const r = await strata('ls', '-P', '/nonexistent/lxc')
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/The lxcpath \/nonexistent\/lxc does not exist\./)
  })

  it('names an lxcpath this user cannot read', async () => {
    const T = await makeLxcpath()
    try {
      chmodSync(T.path, 0o700)
      const r = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'node', 'bin/strata', 'ls', '-P', T.path], {
        reject: false
      })
      expect(r.exitCode).not.toBe(0)
      expect(r.stderr).toMatch(/is not readable by this user/)
    } finally {
      await T.cleanup()
    }
  })

  it('rejects an unknown option, naming it', async () => {
    const r = await strata('ls', '--bogus')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Unknown option '--bogus'/)
  })
})

describe('lxc_snapshots that make lxc-destroy refuse though nothing depends on the container', () => {
  let Q: TestLxcpath
  const lxcDestroy = (lxcpath: string, name: string) => execa('lxc-destroy', ['-P', lxcpath, '-n', name], { reject: false })
  const checkJson = async (...args: string[]): Promise<{ code: number; findings: Finding[] }> => {
    const r = await strata('check', ...args, '--json')
    return { code: r.code, findings: JSON.parse(r.stdout) as Finding[] }
  }
  /** name -> [size, mtime] of every entry of a container dir but lxc_snapshots: what a repair must not touch */
  const others = (name: string) =>
    readdirSync(join(Q.path, name))
      .filter((n) => n !== 'lxc_snapshots')
      .map((n) => [n, statSync(join(Q.path, name, n)).mtimeMs, statSync(join(Q.path, name, n)).size])

  beforeAll(async () => {
    Q = await makeLxcpath('strata-blocked-')
    for (const n of ['z', 'b2', 'b3']) await Q.create(n)
  }, 120_000)
  afterAll(async () => {
    await Q?.cleanup()
  })

  it('a count of 0: reported with its fix, repaired under LXC\'s lock, and then lxc-destroy works', async () => {
    writeFileSync(join(Q.path, 'z/lxc_snapshots'), '0\n')
    expect((await lxcDestroy(Q.path, 'z')).stderr).toMatch(/z has clones/)
    const { code, findings } = await checkJson('-P', Q.path)
    expect(code).toBe(0)
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'empty-snapshots',
        subject: { lxcpath: Q.path, name: 'z' },
        file: join(Q.path, 'z/lxc_snapshots'),
        fix: {
          file: join(Q.path, 'z/lxc_snapshots'),
          description: `remove ${Q.path}/z/lxc_snapshots (the LXC 1.x count 0): nothing depends on z`,
          // the same sentence as data, for the app to say in the user's language
          said: expect.objectContaining({ key: 'fix-remove-count', values: { file: join(Q.path, 'z/lxc_snapshots'), count: 0, name: 'z' } })
        }
      })
    ])
    expect(findings[0]!.message).toMatch(/holds the LXC 1\.x count 0: nothing depends on z, but lxc-destroy refuses/)
    const human = await strata('check', '-P', Q.path)
    expect(human.stdout).toContain(`fix: remove ${Q.path}/z/lxc_snapshots`)

    // The repair waits for LXC's own lock on z, as lxc-copy would.
    const before = others('z')
    const lock = await holdLock(lxcLockPath(Q.path, 'z'))
    const repairing = strata('check', '-P', Q.path, '--repair')
    try {
      await new Promise((r) => setTimeout(r, 1500))
      expect(readFileSync(join(Q.path, 'z/lxc_snapshots'), 'utf8')).toBe('0\n')
    } finally {
      await lock.release()
    }
    const r = await repairing
    expect(r.code).toBe(0)
    expect(r.stderr).toContain(`strata: repair: Removed ${Q.path}/z/lxc_snapshots (the LXC 1.x count 0): nothing depends on z.`)
    expect(r.stdout).toMatch(/0 errors, 0 warnings/)
    expect(existsSync(join(Q.path, 'z/lxc_snapshots'))).toBe(false)
    expect(others('z')).toEqual(before)
    expect((await lxcDestroy(Q.path, 'z')).exitCode).toBe(0)
  })

  it('a leftover piece of an entry (printf /x/o): reported with its fix, repaired, and then lxc-destroy works', async () => {
    writeFileSync(join(Q.path, 'b3/lxc_snapshots'), '/x/o')
    expect((await lxcDestroy(Q.path, 'b3')).stderr).toMatch(/b3 has clones/)
    const { findings } = await checkJson('-P', Q.path)
    expect(findings.map((f) => [f.code, f.subject.name, f.fix?.description])).toEqual([
      ['snapshots-leftover', 'b3', `remove ${Q.path}/b3/lxc_snapshots: nothing depends on b3`]
    ])
    expect(findings[0]!.message).toContain('ends in "/x/o", which is not an lxcpath/name pair')
    const r = await strata('check', '-P', Q.path, '--repair', '--json')
    expect(JSON.parse(r.stdout)).toEqual([])
    expect(existsSync(join(Q.path, 'b3/lxc_snapshots'))).toBe(false)
    expect((await lxcDestroy(Q.path, 'b3')).exitCode).toBe(0)
  })

  it('what LXC\'s own removal leaves (a clone whose lxcpath ends with another\'s): repaired to list the survivor', async () => {
    const A = join(Q.path, 'sfx')
    const B = `${Q.path}/o${A}` // ends with A
    mkdirSync(A)
    mkdirSync(B, { recursive: true })
    await Q.lxc('lxc-copy', '-n', 'b2', '-N', 'foo', '-s', '-p', B)
    await Q.lxc('lxc-copy', '-n', 'b2', '-N', 'foo', '-s', '-p', A)
    expect(text(join(Q.path, 'b2/lxc_snapshots'))).toBe(pairs([B, 'foo'], [A, 'foo']))
    await execa('lxc-destroy', ['-P', A, '-n', 'foo'])
    // LXC removed every occurrence of "<A>\nfoo\n", also the tail of B's entry
    expect(text(join(Q.path, 'b2/lxc_snapshots'))).toBe(`${Q.path}/o`)
    expect((await lxcDestroy(Q.path, 'b2')).stderr).toMatch(/b2 has clones/)

    const { findings } = await checkJson('-P', Q.path, '-P', B)
    const fix = `rewrite ${Q.path}/b2/lxc_snapshots: drop the leftover text "${Q.path}/o"; add ${B}/foo`
    expect(findings.map((f) => [f.code, f.fix?.description])).toEqual([
      ['snapshots-leftover', fix],
      ['missing-bookkeeping', fix]
    ])
    const before = others('b2')
    const r = await strata('check', '-P', Q.path, '-P', B, '--repair')
    expect(r.stderr).toContain(`strata: repair: Rewrote ${Q.path}/b2/lxc_snapshots: dropped the leftover text "${Q.path}/o"; added ${B}/foo.`)
    expect(text(join(Q.path, 'b2/lxc_snapshots'))).toBe(pairs([B, 'foo']))
    expect(others('b2')).toEqual(before)
    // LXC can use the repaired file: it protects b2 until foo goes, then lets it go.
    expect((await lxcDestroy(Q.path, 'b2')).stderr).toMatch(/b2 has clones/)
    await execa('lxc-destroy', ['-P', B, '-n', 'foo'])
    expect(text(join(Q.path, 'b2/lxc_snapshots'))).toBeNull()
    expect((await lxcDestroy(Q.path, 'b2')).exitCode).toBe(0)
    rmSync(join(Q.path, 'o'), { recursive: true, force: true })
    rmSync(A, { recursive: true, force: true })
  })
})
