// A copy clone made by Strata keeps its origin in Strata's own record (lineage/provenance.ts),
// which LXC's tools treat as a file of the container directory like any other: lxc-copy of the
// clone does not carry it, lxc-destroy removes it. On a real lxcpath made by LXC 5.0.2.
import { existsSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cloneContainer } from '../../src/main/engine/ops/clone'
import { destroyContainer } from '../../src/main/engine/ops/destroy'
import { listContainers, readLineage } from '../../src/main/engine/lxcpath'
import { OWNER_PROVENANCE_FILE, PROVENANCE_FILE } from '../../src/main/engine/lineage/provenance'
import { createSnapshot, restoreSnapshot } from '../../src/main/engine/ops/snapshot'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'

let P: TestLxcpath

beforeAll(async () => {
  P = await makeLxcpath('strata-provenance-')
  await P.create('base')
}, 120_000)
afterAll(async () => P?.cleanup())

const record = (name: string): string => `${P.path}/${name}/${PROVENANCE_FILE}`

describe('a copy clone records its origin', () => {
  it('is written by the clone, listed as copiedFrom with its time, and drawn as a copied-from edge', async () => {
    const before = Date.now()
    await cloneContainer({ origin: { lxcpath: P.path, name: 'base' }, name: 'copy1', backend: 'dir' })
    expect(JSON.parse(readFileSync(record('copy1'), 'utf8')).origin).toEqual({ lxcpath: P.path, name: 'base' })
    // LXC's bookkeeping stays what LXC writes for a copy: nothing.
    expect(existsSync(`${P.path}/copy1/lxc_rdepends`)).toBe(false)
    expect(existsSync(`${P.path}/base/lxc_snapshots`)).toBe(false)

    const copy1 = (await listContainers([P.path])).find((c) => c.name === 'copy1')!
    expect(copy1.copiedFrom).toMatchObject({ ref: { lxcpath: P.path, name: 'base' }, exists: true })
    expect(Date.parse(copy1.copiedFrom!.at)).toBeGreaterThanOrEqual(before - 1000)
    expect(copy1.origin).toBeNull() // a copy does not depend on its origin
    const graph = await readLineage([P.path])
    expect(graph.edges).toContainEqual({ from: `${P.path}/copy1`, to: `${P.path}/base`, kind: 'copied-from' })
  })

  it('is not made for a snapshot clone, which LXC records itself', async () => {
    await cloneContainer({ origin: { lxcpath: P.path, name: 'base' }, name: 'snap1', snapshot: true, backend: 'overlay' })
    expect(existsSync(record('snap1'))).toBe(false)
    await destroyContainer({ lxcpath: P.path, name: 'snap1' })
  })

  it('is not carried by lxc-copy of the clone (plain or -s), whose origin stays unknown', async () => {
    await P.lxc('lxc-copy', '-n', 'copy1', '-N', 'lxccopy')
    await P.lxc('lxc-copy', '-n', 'copy1', '-N', 'lxcsnap', '-s', '-B', 'overlay')
    expect(existsSync(record('lxccopy'))).toBe(false)
    expect(existsSync(record('lxcsnap'))).toBe(false)
    const list = await listContainers([P.path])
    expect(list.find((c) => c.name === 'lxccopy')!.copiedFrom ?? null).toBeNull()
    const graph = await readLineage([P.path])
    expect(graph.edges.filter((e) => e.from === `${P.path}/lxccopy`)).toEqual([])
    await P.lxc('lxc-destroy', '-n', 'lxcsnap')
    await P.lxc('lxc-destroy', '-n', 'lxccopy')
  })

  it('shows an origin that no longer exists as such, without a finding', async () => {
    await cloneContainer({ origin: { lxcpath: P.path, name: 'copy1' }, name: 'copy2', backend: 'dir' })
    await destroyContainer({ lxcpath: P.path, name: 'copy1' })
    const copy2 = (await listContainers([P.path])).find((c) => c.name === 'copy2')!
    expect(copy2.copiedFrom).toMatchObject({ ref: { lxcpath: P.path, name: 'copy1' }, exists: false })
    const graph = await readLineage([P.path])
    expect(graph.edges).toContainEqual({ from: `${P.path}/copy2`, to: `${P.path}/copy1`, kind: 'copied-from' })
    expect(graph.nodes.find((n) => n.id === `${P.path}/copy1`)?.kind).toBe('missing')
    expect(graph.findings.filter((f) => f.subject.name === 'copy2')).toEqual([])
  })

  it('survives a restore in place, by Strata and by lxc-snapshot -r, of a snapshot Strata took', async () => {
    await cloneContainer({ origin: { lxcpath: P.path, name: 'base' }, name: 'copy3', backend: 'dir' })
    const copiedFrom = async () => (await listContainers([P.path])).find((c) => c.name === 'copy3')!.copiedFrom
    const before = await copiedFrom()
    expect(before).toMatchObject({ ref: { lxcpath: P.path, name: 'base' } })
    await createSnapshot({ lxcpath: P.path, name: 'copy3' })
    // the snapshot is not itself a copy of base: it keeps the owner's record under its own name
    expect(existsSync(`${P.path}/copy3/snaps/snap0/${PROVENANCE_FILE}`)).toBe(false)
    expect(existsSync(`${P.path}/copy3/snaps/snap0/${OWNER_PROVENANCE_FILE}`)).toBe(true)

    await restoreSnapshot({ lxcpath: P.path, name: 'copy3' }, 'snap0')
    expect(existsSync(record('copy3'))).toBe(true)
    expect(await copiedFrom()).toEqual(before)

    // LXC's restore rebuilds the directory keeping only snaps/: the record is read from the snapshot
    await P.lxc('lxc-snapshot', '-n', 'copy3', '-r', 'snap0')
    expect(existsSync(record('copy3'))).toBe(false)
    expect(await copiedFrom()).toEqual(before)
    const graph = await readLineage([P.path])
    expect(graph.edges).toContainEqual({ from: `${P.path}/copy3`, to: `${P.path}/base`, kind: 'copied-from' })
    expect(graph.edges.filter((e) => e.kind === 'copied-from' && e.from.includes('/snaps/'))).toEqual([])

    // and Strata's restore after LXC's writes it back into the directory
    await restoreSnapshot({ lxcpath: P.path, name: 'copy3' }, 'snap0')
    expect(JSON.parse(readFileSync(record('copy3'), 'utf8')).origin).toEqual({ lxcpath: P.path, name: 'base' })
    await destroyContainer({ lxcpath: P.path, name: 'copy3' }, { withDependents: true })
  })

  it('goes with the container when lxc-destroy removes it', async () => {
    await P.lxc('lxc-destroy', '-n', 'copy2')
    expect(existsSync(`${P.path}/copy2`)).toBe(false)
    const graph = await readLineage([P.path])
    expect(graph.edges.filter((e) => e.from === `${P.path}/copy2`)).toEqual([])
  })
})
