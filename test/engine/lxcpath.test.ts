// What Strata reports about real LXC 5 lxcpaths, checked against what LXC itself reports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import type { ContainerInfo, LineageGraph } from '@shared/model'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'

let P: TestLxcpath

const byName = (list: ContainerInfo[], name: string): ContainerInfo => {
  const found = list.find((c) => c.name === name)
  if (!found) throw new Error(`${name} not listed`)
  return found
}

async function ls(): Promise<ContainerInfo[]> {
  const r = await strata('ls', '-P', P.path, '--json')
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as ContainerInfo[]
}

describe('an lxcpath made by LXC 5', () => {
  beforeAll(async () => {
    P = await makeLxcpath()
    await P.create('base')
    await P.lxc('lxc-copy', '-n', 'base', '-N', 'copy1')
    await P.lxc('lxc-copy', '-n', 'base', '-N', 'o1', '-s', '-B', 'overlay')
    await P.lxc('lxc-copy', '-n', 'base', '-N', 'o2', '-s', '-B', 'overlay')
    await P.lxc('lxc-copy', '-n', 'o1', '-N', 'o1a', '-s') // a clone of a clone
    await P.lxc('lxc-snapshot', '-n', 'base')
    await execa('sh', ['-c', `echo 'before the upgrade' > ${P.path}/.comment`])
    await P.lxc('lxc-snapshot', '-n', 'o1', '-c', `${P.path}/.comment`)
    await P.lxc('lxc-start', '-n', 'o2')
  }, 180_000)
  afterAll(async () => P?.cleanup())

  it('lists exactly the containers lxc-ls lists', async () => {
    const lxcLs = (await P.lxc('lxc-ls', '-1')).split('\n').filter(Boolean).sort()
    expect((await ls()).map((c) => c.name).sort()).toEqual(lxcLs)
  })

  it('reports each rootfs and backend as lxc-info reads them', async () => {
    for (const c of await ls()) {
      const info = await P.lxc('lxc-info', '-n', c.name, '-c', 'lxc.rootfs.path')
      const path = info.replace(/^lxc\.rootfs\.path = /, '')
      // lxc-info prints the path without its type prefix (LXC splits the value at the first ':').
      expect(c.rootfs?.slice(c.rootfs.indexOf(':') + 1)).toBe(path)
    }
    const list = await ls()
    expect(byName(list, 'base').backend).toBe('dir')
    expect(byName(list, 'copy1').backend).toBe('dir')
    expect(byName(list, 'o1').backend).toBe('overlay')
    expect(byName(list, 'o1a').rootfs).toBe(`overlay:${P.path}/base/rootfs:${P.path}/o1a/overlay/delta`)
    // an upper over lowers, whose changes `strata diff` shows (the app offers the diff only there)
    expect(list.filter((c) => c.layered).map((c) => c.name).sort()).toEqual(['o1', 'o1a', 'o2'])
  })

  it('reports each state as lxc-info does', async () => {
    for (const c of await ls()) {
      const state = (await P.lxc('lxc-info', '-n', c.name, '-s')).replace(/^State:\s+/, '').trim()
      expect(c.state.toUpperCase()).toBe(state)
    }
    expect(byName(await ls(), 'o2').state).toBe('running')
  })

  it('reports snapshots as lxc-snapshot -L does, with timestamp and comment', async () => {
    const list = await ls()
    for (const name of ['base', 'o1', 'copy1']) {
      const out = await P.lxc('lxc-snapshot', '-n', name, '-L')
      const lxcSnaps = out
        .split('\n')
        .filter((l) => /^snap\d+ /.test(l))
        .map((l) => {
          const m = /^(\S+) \((.*)\) (.*)$/.exec(l)!
          return { name: m[1], snapdir: m[2], timestamp: m[3] }
        })
      const mine = byName(list, name).snapshots.map((s) => ({ name: s.name, snapdir: s.snapdir, timestamp: s.timestamp }))
      expect(mine).toEqual(lxcSnaps)
    }
    expect(byName(list, 'o1').snapshots[0]?.comment).toBe('before the upgrade')
    expect(byName(list, 'o1').snapshots[0]?.backend).toBe('overlay')
  })

  it('knows origins and dependents, clone of a clone included', async () => {
    const list = await ls()
    const ref = (name: string) => ({ lxcpath: P.path, name })
    expect(byName(list, 'base').origin).toBeNull()
    expect(byName(list, 'copy1').origin).toBeNull()
    expect(byName(list, 'o1').origin).toEqual(ref('base'))
    expect(byName(list, 'o1a').origin).toEqual(ref('o1'))
    expect(byName(list, 'o1a').dependsOn).toEqual([ref('base'), ref('o1')])
    const baseDeps = byName(list, 'base').dependents.map((d) => `${d.lxcpath}/${d.name}`).sort()
    expect(baseDeps).toEqual([`${P.path}/o1`, `${P.path}/o1/snaps/snap0`, `${P.path}/o1a`, `${P.path}/o2`].sort())
    expect(byName(list, 'o1').dependents).toEqual([ref('o1a')])
    expect(byName(list, 'copy1').dependents).toEqual([])
  })

  it('agrees with lxc-destroy about which containers are protected', async () => {
    const list = await ls()
    for (const c of list) {
      if (c.dependents.length === 0) continue
      const r = await execa('lxc-destroy', ['-P', P.path, '-n', c.name], { reject: false })
      expect(r.exitCode, `lxc-destroy ${c.name}`).not.toBe(0)
      expect(r.stderr).toMatch(/has clones/)
    }
  })

  it('draws the lineage graph with typed edges', async () => {
    const r = await strata('lineage', '-P', P.path, '--json')
    expect(r.code).toBe(0)
    const graph = JSON.parse(r.stdout) as LineageGraph
    const edge = (from: string, to: string) =>
      graph.edges.find((e) => e.from === `${P.path}/${from}` && e.to === `${P.path}/${to}`)?.kind
    expect(edge('o1', 'base')).toBe('depends-on-lower')
    expect(edge('o1a', 'base')).toBe('depends-on-lower')
    expect(edge('o1a', 'o1')).toBe('cloned-from')
    expect(edge('base/snaps/snap0', 'base')).toBe('snapshot-of')
    expect(edge('o1/snaps/snap0', 'o1')).toBe('snapshot-of')
    expect(edge('o1/snaps/snap0', 'base')).toBe('depends-on-lower')
    expect(edge('copy1', 'base')).toBeUndefined()
    expect(graph.nodes.filter((n) => n.kind === 'container')).toHaveLength(5)
    expect(graph.nodes.filter((n) => n.kind === 'snapshot')).toHaveLength(2)
    const tree = await strata('lineage', '-P', P.path)
    expect(tree.stdout).toMatch(/└── \[clone\] .*\/o1a {2}overlay/)
    const dot = await strata('lineage', '-P', P.path, '--dot')
    expect(dot.stdout).toMatch(/^digraph lineage \{/)
    expect(dot.stdout).toContain(`"${P.path}/o1a" -> "${P.path}/o1" [label="clone", style=dashed];`)
  })

  it('finds nothing wrong with what LXC made', async () => {
    const r = await strata('check', '-P', P.path)
    expect(r.stdout).toMatch(/5 containers checked: 0 errors, 0 warnings/)
    expect(r.code).toBe(0)
  })
})
