// The destroy plan the app's dialog shows comes from the engine, on a real lxcpath made by LXC:
// the direct dependents that refuse a plain destroy, and everything --with-dependents would
// remove, leaves first; and the name check the dialogs ask as you type.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { destroyPlan } from '../../src/main/engine/ops/destroy'
import { checkNewName } from '../../src/main/engine/names'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'
import { addCloneTree, lxcLs } from './helpers'

let P: TestLxcpath

beforeAll(async () => {
  P = await makeLxcpath('strata-destroy-plan-')
  await addCloneTree(P) // base <- a (overlay snapshot clone) <- a2 (a clone of the clone), base <- b
}, 120_000)
afterAll(async () => P?.cleanup())

describe('destroyPlan', () => {
  it('names what refuses a plain destroy and what --with-dependents removes, leaves first, changing nothing', async () => {
    const plan = await destroyPlan({ lxcpath: P.path, name: 'base' })
    expect(plan.dependents.map((d) => d.name).sort()).toEqual(['a', 'a2', 'b'])
    const order = plan.withDependents.map((d) => d.name)
    expect(order.sort()).toEqual(['a', 'a2', 'b'])
    const removal = (await destroyPlan({ lxcpath: P.path, name: 'base' })).withDependents.map((d) => d.name)
    expect(removal.indexOf('a2')).toBeLessThan(removal.indexOf('a'))
    expect(await destroyPlan({ lxcpath: P.path, name: 'b' })).toEqual({ dependents: [], withDependents: [] })
    expect((await lxcLs(P.path)).sort()).toEqual(['a', 'a2', 'b', 'base'])
  })
})

describe('checkNewName', () => {
  it('applies the one rule, counts the hostname in bytes, accepts letters of any script, and says a name is taken', () => {
    expect(checkNewName(P.path, 'café').issue).toBeNull()
    expect(checkNewName(P.path, 'x'.repeat(300)).issue).toMatchObject({ rule: 'uts', values: { max: 64 } })
    expect(checkNewName(P.path, 'a b').issue).toMatchObject({ rule: 'space' })
    expect(checkNewName(P.path, 'base').issue).toMatchObject({ rule: 'taken', values: { name: 'base', lxcpath: P.path } })
  })
})
