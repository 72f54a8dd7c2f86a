// Lineage that LXC never recorded: an overlay clone copied in by hand without lxc_rdepends,
// and an LXC 2.0 aufs clone. Strata derives the dependency from the rootfs spec.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ContainerInfo, Finding, LineageGraph } from '@shared/model'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'

let P: TestLxcpath

describe('lineage without bookkeeping', () => {
  beforeAll(async () => {
    P = await makeLxcpath()
    await P.create('base')
    for (const [name, spec] of [
      ['handmade', `overlay:${P.path}/base/rootfs:${P.path}/handmade/overlay/delta`],
      ['oldaufs', `aufs:${P.path}/base/rootfs:${P.path}/oldaufs/delta0`]
    ] as const) {
      mkdirSync(join(P.path, name, 'rootfs'), { recursive: true })
      writeFileSync(join(P.path, name, 'config'), `lxc.uts.name = ${name}\nlxc.net.0.type = empty\nlxc.rootfs.path = ${spec}\n`)
    }
  }, 60_000)
  afterAll(async () => P?.cleanup())

  it('derives the dependency from the overlay and aufs lowers', async () => {
    const list = JSON.parse((await strata('ls', '-P', P.path, '--json')).stdout) as ContainerInfo[]
    const byName = new Map(list.map((c) => [c.name, c]))
    expect(byName.get('handmade')?.origin).toEqual({ lxcpath: P.path, name: 'base' })
    expect(byName.get('oldaufs')?.backend).toBe('aufs')
    expect(byName.get('oldaufs')?.origin).toEqual({ lxcpath: P.path, name: 'base' })
    expect(byName.get('base')?.dependents.map((d) => d.name).sort()).toEqual(['handmade', 'oldaufs'])
    const graph = JSON.parse((await strata('lineage', '-P', P.path, '--json')).stdout) as LineageGraph
    expect(graph.edges).toContainEqual({ from: `${P.path}/handmade`, to: `${P.path}/base`, kind: 'depends-on-lower' })
  })

  it('warns that LXC cannot see these dependents, so lxc-destroy would break them', async () => {
    const r = await strata('check', '-P', P.path, '--json')
    const findings = JSON.parse(r.stdout) as Finding[]
    const unprotected = findings.find((f) => f.subject.name === 'base' && f.code === 'missing-bookkeeping')
    expect(unprotected?.severity).toBe('error')
    expect(unprotected?.message).toMatch(/has no lxc_snapshots: lxc-destroy would destroy base and break them/)
    expect(findings.filter((f) => f.code === 'missing-bookkeeping' && f.subject.name !== 'base').map((f) => f.subject.name).sort()).toEqual([
      'handmade',
      'oldaufs'
    ])
    expect(r.code).toBe(1)
  })

  it('was right: lxc-destroy removes the base, and both clones lose their lower', async () => {
    await P.lxc('lxc-destroy', '-n', 'base')
    const findings = JSON.parse((await strata('check', '-P', P.path, '--json')).stdout) as Finding[]
    const broken = findings.filter((f) => f.code === 'origin-missing' && f.severity === 'error').map((f) => f.subject.name)
    expect(broken.sort()).toEqual(['handmade', 'oldaufs'])
  })
})
