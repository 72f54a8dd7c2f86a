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
  it('groups containers under their top-most origin and sums only measured figures', () => {
    const list = [info('base', null, ['a']), info('a', 'base', []), info('solo', null, [])]
    const m = new Map([[`${P}/base`, u('base', 100, 0, 150)], [`${P}/a`, u('a', 50, 100, 50)]])
    const trees = treeUsage(list, m)
    expect(trees[0]).toMatchObject({ root: `${P}/base`, members: [`${P}/base`, `${P}/a`], exclusiveBytes: 150, sharedBytes: 100, freedIfDeletedBytes: 150 })
    expect(trees[1]).toMatchObject({ root: `${P}/solo`, exclusiveBytes: 0 })
  })
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(3 * 1024 ** 3)).toBe('3 GiB')
  })
})
