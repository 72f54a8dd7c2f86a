// The plan for destroying a multi-selection comes from the engine, on a real lxcpath made by
// LXC 5.0.2 (lxc-create, lxc-copy, lxc-snapshot, lxc-start): an origin goes with its clones
// when every dependent is in the set, leaves first; an origin with a dependent outside the set
// stays with that dependent named; a running member stays with the lifecycle rule's words.
// Carried out in the plan's order with `destroy`, LXC agrees on what is left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { destroySetPlan } from '../../src/main/engine/ops/destroy-set'
import { destroyContainer } from '../../src/main/engine/ops/destroy'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'
import { addCloneTree, lxcLs } from './helpers'

let P: TestLxcpath

beforeAll(async () => {
  P = await makeLxcpath('strata-destroy-set-')
  await addCloneTree(P) // base <- a (overlay snapshot clone) <- a2 (a clone of the clone), base <- b
  // c a dir copy; a2 has a snapshot
  await P.lxc('lxc-copy', '-n', 'base', '-N', 'c')
  await P.lxc('lxc-snapshot', '-n', 'a2')
  await P.create('web')
  await P.lxc('lxc-start', '-n', 'web')
}, 180_000)
afterAll(async () => P?.cleanup())

const names = (refs: { name: string }[]): string[] => refs.map((r) => r.name)

describe('destroySetPlan', () => {
  it('refuses an origin whose dependent is outside the set, naming it, and what stays for its sake', async () => {
    const plan = await destroySetPlan(P.path, ['base', 'a', 'c'])
    expect(names(plan.order.map((s) => s.ref))).toEqual(['c'])
    const a = plan.refused.find((r) => r.ref.name === 'a')!
    expect(a).toMatchObject({ rule: 'dependents' })
    // a2 stays, and so does a2's snapshot, which reads a's rootfs too
    expect(a.dependents).toEqual([
      { lxcpath: P.path, name: 'a2' },
      { lxcpath: `${P.path}/a2/snaps`, name: 'snap0' }
    ])
    expect(a.message).toBe(`a stays: a2, ${P.path}/a2/snaps/snap0 depend on it and would stay.`)
    const base = plan.refused.find((r) => r.ref.name === 'base')!
    expect(base.rule).toBe('dependents')
    expect(names(base.dependents).sort()).toEqual(['a', 'a2', 'b', 'snap0'])
    expect((await lxcLs(P.path)).sort()).toEqual(['a', 'a2', 'b', 'base', 'c', 'web'])
  })

  it('refuses a running member with the lifecycle rule, and what it depends on is not held by it', async () => {
    const plan = await destroySetPlan(P.path, ['web', 'c'])
    expect(names(plan.order.map((s) => s.ref))).toEqual(['c'])
    expect(plan.refused).toEqual([
      expect.objectContaining({ ref: { lxcpath: P.path, name: 'web' }, rule: 'running', dependents: [], message: expect.stringContaining('stop it before you destroy it') })
    ])
  })

  it('lets an origin go with all its clones, leaves first, each with its own snapshots; destroyed in that order, lxc-ls agrees', async () => {
    const plan = await destroySetPlan(P.path, ['base', 'b', 'a', 'a2'])
    expect(plan.refused).toEqual([])
    const order = names(plan.order.map((s) => s.ref))
    expect(order.sort()).toEqual(['a', 'a2', 'b', 'base'])
    const at = (n: string): number => names(plan.order.map((s) => s.ref)).indexOf(n)
    expect(at('a2')).toBeLessThan(at('a'))
    expect(at('a')).toBeLessThan(at('base'))
    expect(at('b')).toBeLessThan(at('base'))
    expect(names(plan.order.find((s) => s.ref.name === 'a2')!.snapshots)).toEqual(['snap0'])
    // only base's freed figure stands for the whole tree: the others are in it
    expect(plan.order.filter((s) => !s.dependentOfAnother).map((s) => s.ref.name)).toEqual(['base'])
    for (const step of plan.order) await destroyContainer(step.ref, { withDependents: step.snapshots.length > 0 })
    expect((await lxcLs(P.path)).sort()).toEqual(['c', 'web'])
  })

  it('names a member that does not exist', async () => {
    await expect(destroySetPlan(P.path, ['c', 'nosuch'])).rejects.toMatchObject({ message: expect.stringContaining('nosuch') })
  })
})
