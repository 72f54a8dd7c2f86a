import { beforeEach, describe, expect, it } from 'vitest'
import { useSelection } from '../../src/renderer/src/stores/selection'

const s = (): ReturnType<typeof useSelection.getState> => useSelection.getState()

describe('selection store', () => {
  beforeEach(() => s().clear())
  it('select replaces, toggle adds and removes', () => {
    s().select('/p/a')
    s().toggle('/p/b')
    expect(s().keys).toEqual(['/p/a', '/p/b'])
    expect(s().focus).toBe('/p/b')
    s().toggle('/p/b')
    expect(s().keys).toEqual(['/p/a'])
    expect(s().focus).toBe('/p/a')
    s().select('/p/c')
    expect(s().keys).toEqual(['/p/c'])
  })
  it('prune drops vanished containers and moves the focus', () => {
    s().setAll(['/p/a', '/p/b'])
    s().prune(new Set(['/p/a']))
    expect(s().keys).toEqual(['/p/a'])
    expect(s().focus).toBe('/p/a')
  })
  it('range selects from the anchor (the last plain or ctrl click) to the key, in the order given, either way', () => {
    const order = ['/p/a', '/p/b', '/p/c', '/p/d', '/p/e']
    s().select('/p/b')
    s().range('/p/d', order)
    expect(s().keys).toEqual(['/p/b', '/p/c', '/p/d'])
    expect(s().focus).toBe('/p/d')
    // the anchor stays: a second shift-click re-draws the range from it, upwards
    s().range('/p/a', order)
    expect(s().keys).toEqual(['/p/a', '/p/b'])
    s().toggle('/p/e')
    s().range('/p/c', order)
    expect(s().keys).toEqual(['/p/c', '/p/d', '/p/e'])
  })
  it('range without an anchor, or with the anchor filtered out, selects the key alone', () => {
    s().range('/p/c', ['/p/a', '/p/c'])
    expect(s().keys).toEqual(['/p/c'])
    s().select('/p/x')
    s().range('/p/a', ['/p/a', '/p/c'])
    expect(s().keys).toEqual(['/p/a'])
  })
})
