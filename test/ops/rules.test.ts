// The compatibility table and name rules: what a user is offered, and why something is refused.
import { describe, expect, it } from 'vitest'
import { cloneBackendNamed, cloneChoices, createBackendNamed, createChoices, importChoices, resolveCloneBackend } from '../../src/main/engine/drivers/compat'
import { driverFor } from '../../src/main/engine/drivers/index'
import { driverProblem } from '../../src/main/engine/drivers/probe'
import { containerNameProblem, newContainerNameIssue, newContainerNameProblem } from '../../src/shared/names'

const pick = (origin: 'dir' | 'overlay' | 'aufs' | 'btrfs', same: boolean) =>
  cloneChoices({ backend: origin, lxcpath: '/a' }, { lxcpath: same ? '/a' : '/b' })

describe('clone choices (seed table 1 + LXC 5 storage_copy)', () => {
  it('defaults as LXC: snapshot of dir is overlay; copy to another lxcpath is dir', () => {
    const d = pick('dir', true)
    expect(d.find((c) => c.mode === 'snapshot' && c.isDefault)?.backend).toBe('overlay')
    expect(d.find((c) => c.mode === 'copy' && c.isDefault)?.backend).toBe('dir')
    expect(pick('btrfs', false).find((c) => c.mode === 'copy' && c.isDefault)?.backend).toBe('dir')
  })
  it('refuses with the rule named', () => {
    const d = pick('dir', true)
    expect(d.find((c) => c.mode === 'copy' && c.backend === 'overlay')?.reason).toMatch(/only be used for snapshot clones/)
    expect(d.find((c) => c.mode === 'snapshot' && c.backend === 'dir')?.reason).toMatch(/dir has no snapshots/)
    expect(d.find((c) => c.mode === 'snapshot' && c.backend === 'loop')?.reason).toMatch(/loop does not support snapshots/)
    expect(pick('aufs', true).every((c) => !c.allowed && /convert/.test(c.reason ?? ''))).toBe(true)
    expect(() => resolveCloneBackend({ backend: 'dir', lxcpath: '/a' }, { lxcpath: '/a' }, 'copy', 'overlay')).toThrow(/copy clone of a dir container as overlay is not possible/)
  })
  it('a copy of an overlay clone in its own lxcpath has no default LXC allows: say to add -B dir; elsewhere it is dir', () => {
    const same = pick('overlay', true).filter((c) => c.mode === 'copy')
    expect(same.find((c) => c.isDefault)).toMatchObject({ backend: 'overlay', allowed: false })
    expect(same.find((c) => c.backend === 'dir')?.allowed).toBe(true)
    expect(() => resolveCloneBackend({ backend: 'overlay', lxcpath: '/a' }, { lxcpath: '/a' }, 'copy')).toThrow(/in its own lxcpath is overlay .*Add -B dir/)
    expect(resolveCloneBackend({ backend: 'overlay', lxcpath: '/a' }, { lxcpath: '/a' }, 'copy', 'dir')).toBe('dir')
    expect(resolveCloneBackend({ backend: 'overlay', lxcpath: '/a' }, { lxcpath: '/b' }, 'copy')).toBe('dir')
  })
  it('-B names: best and none are for create only (the seed\'s table 1), overlayfs is overlay', () => {
    expect(() => cloneBackendNamed('best')).toThrow(/-B best cannot make a clone/)
    expect(() => cloneBackendNamed('none')).toThrow(/-B none cannot make a clone: none \(an alias of dir\) is for lxc-create only/)
    expect(() => cloneBackendNamed('bogus')).toThrow(/Unknown backend "bogus"/)
    expect(cloneBackendNamed('overlayfs')).toBe('overlay')
    expect([createBackendNamed('best'), createBackendNamed('none')]).toEqual(['best', 'dir'])
  })
  it('create: aufs is refused because this kernel lacks it; dir is offered', () => {
    const c = createChoices('/a')
    expect(c.find((x) => x.backend === 'dir')?.allowed).toBe(true)
    expect(c.find((x) => x.backend === 'aufs')?.reason).toMatch(/aufs/)
    expect(driverProblem(driverFor('aufs'), '/a')?.text).toMatch(/This kernel has no aufs/)
  })
  it('lvm, rbd and nbd: refused as backends Strata does not make yet (not as "no snapshots"), with the engine\'s sentence as data', () => {
    const c = cloneChoices({ backend: 'dir', lxcpath: '/a' }, { lxcpath: '/a' })
    for (const backend of ['lvm', 'rbd', 'nbd'] as const) {
      for (const mode of ['copy', 'snapshot'] as const) {
        expect(c.find((x) => x.backend === backend && x.mode === mode)).toMatchObject({
          allowed: false,
          why: 'not-yet',
          reason: `Strata reads ${backend} containers but cannot make, copy or snapshot them yet.`,
          said: { key: 'backend-not-yet', values: { backend } }
        })
      }
    }
    expect(createChoices('/a').find((x) => x.backend === 'lvm')).toMatchObject({ why: 'not-yet' })
    // an overlay snapshot clone of a loop container names what overlay is made of, with "an"
    const ofLoop = cloneChoices({ backend: 'loop', lxcpath: '/a' }, { lxcpath: '/a' }).find((x) => x.backend === 'overlay' && x.mode === 'snapshot')
    expect(ofLoop?.reason).toMatch(/^an overlay snapshot clone can be made only of dir or overlay containers, not of loop/)
  })
  it('a copy from another host (cloneChoices without an origin): what a new container can be here, except storage that takes no copy (overlay), each refusal with its rule', () => {
    const c = importChoices('/a')
    expect(c.every((x) => x.mode === 'copy')).toBe(true)
    expect(c.find((x) => x.backend === 'dir')).toMatchObject({ allowed: true, isDefault: true })
    expect(c.find((x) => x.backend === 'overlay')).toMatchObject({ allowed: false, why: 'no-copy-into', reason: expect.stringContaining('snapshot clones') })
    // the same verdicts as a new container's for everything else
    const create = createChoices('/a')
    for (const x of c.filter((y) => y.backend !== 'overlay')) expect({ backend: x.backend, allowed: x.allowed, reason: x.reason }).toEqual(create.map((y) => ({ backend: y.backend, allowed: y.allowed, reason: y.reason })).find((y) => y.backend === x.backend))
  })
})

describe('the container-name rule', () => {
  it('accepts ordinary names and explains each refusal', () => {
    expect(newContainerNameProblem('web-01')).toBeNull()
    expect(newContainerNameProblem('a:b')).toMatch(/layer separator/)
    expect(newContainerNameProblem('x'.repeat(65))).toMatch(/64/)
    // a hostname counts bytes: 33 "é" are 66 bytes
    expect(newContainerNameProblem('é'.repeat(33))).toMatch(/66 bytes long.*at most 64/)
    // a 300-character new name meets the hostname limit first, not the lock file's
    expect(newContainerNameIssue('x'.repeat(300))).toMatchObject({ rule: 'uts', values: { max: 64 } })
    expect(newContainerNameProblem('x'.repeat(65), { keepUtsName: true })).toBeNull()
    expect(newContainerNameProblem('x'.repeat(255), { keepUtsName: true })).toMatch(/254/)
    expect(newContainerNameProblem('.x')).toMatch(/lxc-ls hides/)
    expect(newContainerNameProblem('a/b')).toMatch(/"\/"/)
  })

  it('is one rule: letters of any script are accepted as LXC 5.0.2 does; leading "-", symbols and control characters are refused whatever the operation', () => {
    expect(containerNameProblem('café')).toBeNull()
    expect(containerNameProblem('ünï')).toBeNull()
    expect(containerNameProblem('a$b')).toMatch(/contains "\$": a container name is letters, digits and _ \. \+ -/)
    expect(containerNameProblem('-rf')).toMatch(/starts with "-"/)
    expect(containerNameProblem('a\u202eb')).toBe('"a<U+202E>b" contains "<U+202E>": a container name is letters, digits and _ . + - (characters that paths, shells and template scripts carry safely).')
    expect(containerNameProblem('../../etc/x')).toMatch(/contains "\/"/)
    expect(containerNameProblem('x'.repeat(100))).toBeNull() // an existing container's name has no hostname limit
  })
})
