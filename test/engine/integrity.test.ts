// Broken lineage, made the ways users break it (rm -rf instead of lxc-destroy, a crashed
// lxc-create, hand-edited bookkeeping), and what Strata and LXC each make of it.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { randomFillSync } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import type { ContainerInfo, Finding } from '@shared/model'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'

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
