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
})
