import { describe, expect, it } from 'vitest'
import type { ContainerInfo, ContainerUsage } from '../../src/shared/model'
import { formatBytes, treeUsage } from '../../src/renderer/src/stores/usage'

const P = '/p'
const info = (name: string, origin: string | null, dependents: string[], snaps = 0): ContainerInfo => ({
  name, lxcpath: P, config: `${P}/${name}/config`, backend: origin ? 'overlay' : 'dir', rootfs: null, state: 'stopped',
  origin: origin ? { lxcpath: P, name: origin } : null, dependsOn: [], legacy: false, problems: [], layered: false, storageOutside: null, idMap: [],
  dependents: dependents.map((d) => (d.includes('/') ? { lxcpath: d.slice(0, d.lastIndexOf('/')), name: d.slice(d.lastIndexOf('/') + 1) } : { lxcpath: P, name: d })),
  snapshots: Array.from({ length: snaps }, (_, i) => ({ name: `snap${i}`, snapdir: '', timestamp: null, comment: null, backend: null, rootfs: null }))
})

describe('usage helpers', () => {
  const u = (name: string, ex: number, sh: number, fr: number): ContainerUsage => ({
    ref: { lxcpath: P, name }, backend: null, exclusiveBytes: ex, sharedBytes: sh, freedIfDeletedBytes: fr, savedByClonesBytes: 0,
    measured: { apparentBytes: 0, allocatedBytes: 0, files: 0, dirs: 0, hardlinkedInodes: 0, whiteouts: 0, opaqueDirs: 0 }, source: 'scan'
  })
  it('groups containers under their top-most origin, counts the shared base once, lists no one-container tree', () => {
    // base <- a <- a2: both clones read base's 100 bytes, a2 also a's 50
    const list = [info('base', null, ['a', 'a2']), info('a', 'base', ['a2']), info('a2', 'a', []), info('solo', null, [])]
    const m = new Map([[`${P}/base`, u('base', 100, 0, 180)], [`${P}/a`, u('a', 50, 100, 80)], [`${P}/a2`, u('a2', 30, 150, 30)], [`${P}/solo`, u('solo', 7, 0, 7)]])
    const trees = treeUsage(list, m)
    expect(trees).toHaveLength(1)
    expect(trees[0]).toMatchObject({ root: `${P}/base`, members: [`${P}/base`, `${P}/a`, `${P}/a2`], onDiskBytes: 180, savedBytes: 250 })
    // what the whole tree holds is what destroying its root with everything on it gives back
    expect(trees[0]!.onDiskBytes).toBe(m.get(`${P}/base`)!.freedIfDeletedBytes)
  })
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB')
  })
})
