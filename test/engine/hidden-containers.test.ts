// Hidden containers: a name starting with "." is a container LXC starts, copies and destroys
// like any other, that lxc-ls leaves out. Strata leaves it out of its listings the same way
// (unless -a), but never calls it missing and always counts it as a dependent.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import type { ContainerInfo, ContainerUsage, Finding, LineageGraph } from '@shared/model'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { lxcLs, startStop } from '../ops/helpers'

let P: TestLxcpath

async function json<T>(...args: string[]): Promise<T> {
  const r = await strata(...args)
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as T
}

describe('hidden containers', () => {
  beforeAll(async () => {
    P = await makeLxcpath('strata-hidden-')
    await P.create('base')
    await P.lxc('lxc-copy', '-n', 'base', '-N', '.hid', '-s')
  }, 120_000)
  afterAll(async () => {
    await P?.cleanup()
  })

  it('are containers to LXC: .hid starts, lxc-ls leaves it out, lxc-destroy refuses base', async () => {
    await startStop(P.path, '.hid')
    expect(await lxcLs(P.path)).toEqual(['base'])
    const r = await execa('lxc-destroy', ['-P', P.path, '-n', 'base'], { reject: false })
    expect(r.stderr).toMatch(/base has clones/)
  })

  it('check finds nothing wrong: .hid is not "missing"', async () => {
    const r = await strata('check', '-P', P.path, '--json')
    expect(JSON.parse(r.stdout) as Finding[]).toEqual([])
    expect(r.code).toBe(0)
  })

  it('ls lists what lxc-ls lists, and .hid among base\'s dependents; -a lists .hid too', async () => {
    const shown = await json<ContainerInfo[]>('ls', '-P', P.path, '--json')
    expect(shown.map((c) => c.name)).toEqual(await lxcLs(P.path))
    expect(shown[0]!.dependents).toEqual([{ lxcpath: P.path, name: '.hid' }])
    const table = (await strata('ls', '-P', P.path)).stdout
    expect(table).toMatch(/^base\s+STOPPED\s+dir\s+-\s+\.hid\s/m)

    const all = await json<ContainerInfo[]>('ls', '-P', P.path, '-a', '--json')
    expect(all.map((c) => [c.name, c.hidden, c.origin?.name ?? null])).toEqual([
      ['.hid', true, 'base'],
      ['base', false, null]
    ])
    expect((await strata('ls', '-P', P.path, '--all')).stdout).toMatch(/^\.hid\s+STOPPED\s+overlay\s+base\s/m)
  })

  it('destroy refuses base naming .hid, as lxc-destroy refuses it', async () => {
    const r = await strata('destroy', '-P', P.path, '-n', 'base')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`${P.path}/.hid`)
  })

  it('lineage and du leave .hid out unless -a, and count it in base\'s figures either way', async () => {
    const g = await json<LineageGraph>('lineage', '-P', P.path, '--json')
    expect(g.nodes.map((n) => n.ref.name)).toEqual(['base'])
    expect(g.edges).toEqual([])
    const ga = await json<LineageGraph>('lineage', '-P', P.path, '-a', '--json')
    expect(ga.nodes.map((n) => [n.ref.name, n.kind, n.hidden]).sort()).toEqual([
      ['.hid', 'container', true],
      ['base', 'container', false]
    ])
    expect(ga.edges).toEqual([{ from: `${P.path}/.hid`, to: `${P.path}/base`, kind: 'depends-on-lower' }])

    const du = await json<{ containers: ContainerUsage[] }>('du', '-P', P.path, '--json')
    const dua = await json<{ containers: ContainerUsage[] }>('du', '-P', P.path, '-a', '--json')
    expect(du.containers.map((c) => c.ref.name)).toEqual(['base'])
    expect(dua.containers.map((c) => c.ref.name).sort()).toEqual(['.hid', 'base'])
    const hid = dua.containers.find((c) => c.ref.name === '.hid')!
    // destroying base takes .hid with it: its freed figure counts .hid whether or not .hid is listed
    expect(du.containers[0]!.freedIfDeletedBytes).toBe(dua.containers.find((c) => c.ref.name === 'base')!.freedIfDeletedBytes)
    expect(du.containers[0]!.freedIfDeletedBytes).toBeGreaterThan(du.containers[0]!.exclusiveBytes + hid.exclusiveBytes - 1)
  })

  it('check -a checks hidden containers too', async () => {
    writeFileSync(join(P.path, '.hid/partial'), '')
    try {
      const plain = JSON.parse((await strata('check', '-P', P.path, '--json')).stdout) as Finding[]
      expect(plain).toEqual([])
      const r = await strata('check', '-P', P.path, '-a', '--json')
      expect((JSON.parse(r.stdout) as Finding[]).map((f) => [f.code, f.subject.name])).toEqual([['stray-partial', '.hid']])
      expect(r.code).toBe(1)
    } finally {
      rmSync(join(P.path, '.hid/partial'))
    }
  })

  it('never lists Strata\'s own work in progress, even with -a', async () => {
    const work = join(P.path, '.strata-build-0123456789ab')
    mkdirSync(work)
    writeFileSync(join(work, 'config'), 'lxc.uts.name = building\n')
    try {
      const all = await json<ContainerInfo[]>('ls', '-P', P.path, '-a', '--json')
      expect(all.map((c) => c.name)).toEqual(['.hid', 'base'])
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  })

  it('a hidden clone that is really gone is stale, like any other', async () => {
    await P.lxc('lxc-copy', '-n', 'base', '-N', '.gone', '-s')
    rmSync(join(P.path, '.gone'), { recursive: true })
    const findings = JSON.parse((await strata('check', '-P', P.path, '--json')).stdout) as Finding[]
    expect(findings.map((f) => f.code)).toEqual(['stale-entry'])
    expect(findings[0]!.message).toContain(`${P.path}/.gone, which no longer exists`)
    expect(findings[0]!.message).not.toContain('.hid')
  })
})
