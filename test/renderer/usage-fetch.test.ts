// The usage store's one-off measurement, against an in-memory stand-in for the app's API (named
// so): asked after something else (the first view's paint), it shows as measuring from the start.
import { beforeEach, describe, expect, it } from 'vitest'
import type { ContainerUsage } from '../../src/shared/model'
import { useUsage } from '../../src/renderer/src/stores/usage'

const figure = { ref: { lxcpath: '/p', name: 'c1' }, exclusiveBytes: 4096 } as ContainerUsage

describe('usage store: fetch (in-memory API stand-in)', () => {
  beforeEach(() => useUsage.setState({ status: 'idle', byKey: new Map(), error: null, measuring: false, quotaNote: null }))

  it('is measuring at once, and asks only once `after` settles', async () => {
    const asked: unknown[] = []
    const api = { usage: async (p: unknown) => (asked.push(p), [figure]) }
    let paint: () => void = () => undefined
    const painted = new Promise<void>((r) => (paint = r))
    const done = useUsage.getState().fetch(api as never, false, painted)
    expect(useUsage.getState().status).toBe('measuring')
    await Promise.resolve()
    expect(asked).toEqual([])
    paint()
    await done
    expect(asked).toEqual([{ all: false }])
    expect(useUsage.getState().status).toBe('ready')
    expect(useUsage.getState().byKey.get('/p/c1')?.exclusiveBytes).toBe(4096)
  })

  it('is unavailable, with the reason, when what it waited for failed', async () => {
    const api = { usage: async () => [figure] }
    await useUsage.getState().fetch(api as never, false, Promise.reject(new Error('listing failed')))
    expect(useUsage.getState().status).toBe('unavailable')
    expect(useUsage.getState().error).toMatch(/listing failed/)
  })
})
