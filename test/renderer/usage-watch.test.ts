// The usage store's watch, against an in-memory stand-in for the app's API (named so): the
// engine side of the same stream is tested for real in test/engine/usage-watch.test.ts.
import { beforeEach, describe, expect, it } from 'vitest'
import type { Events } from '../../src/shared/api'
import type { ContainerUsage } from '../../src/shared/model'
import { useUsage } from '../../src/renderer/src/stores/usage'

type Listener = (e: never) => void

/** An in-memory API: watchUsage answers a stream id; the test sends the stream's events. */
function fakeApi() {
  const listeners = new Map<string, Set<Listener>>()
  const closed: string[] = []
  const api = {
    watchUsage: async () => ({ streamId: 's7' }),
    closeStream: async ({ streamId }: { streamId: string }) => {
      closed.push(streamId)
      return { ok: true as const }
    },
    on: (event: string, cb: Listener) => {
      const set = listeners.get(event) ?? new Set()
      set.add(cb)
      listeners.set(event, set)
      return () => void set.delete(cb)
    }
  }
  const emit = <E extends keyof Events>(event: E, payload: Events[E]): void => {
    for (const cb of listeners.get(event) ?? []) cb(payload as never)
  }
  return { api: api as unknown as Parameters<ReturnType<typeof useUsage.getState>['watch']>[0], emit, closed, listeners }
}

const usage = (name: string, bytes: number): ContainerUsage => ({
  ref: { lxcpath: '/p', name },
  backend: 'dir',
  exclusiveBytes: bytes,
  sharedBytes: 0,
  freedIfDeletedBytes: bytes,
  savedByClonesBytes: 0,
  measured: { apparentBytes: bytes, allocatedBytes: bytes, files: 1, dirs: 1, hardlinkedInodes: 0, whiteouts: 0, opaqueDirs: 0 },
  source: 'scan'
})

describe('usage store: watch (in-memory API stand-in)', () => {
  beforeEach(() => useUsage.setState({ status: 'idle', byKey: new Map(), error: null, measuring: false, quotaNote: null }))

  it('shows measuring, then each update by itself, and closes its stream when stopped', async () => {
    const { api, emit, closed, listeners } = fakeApi()
    const stop = useUsage.getState().watch(api)
    expect(useUsage.getState()).toMatchObject({ status: 'measuring', measuring: true })
    await Promise.resolve()
    emit('streamData', { streamId: 's7', data: JSON.stringify({ measuring: true, projectQuota: { available: false, reason: 'Project quotas are not available on this kernel.' } }) })
    expect(useUsage.getState().quotaNote).toBe('Project quotas are not available on this kernel.')
    emit('streamData', { streamId: 's7', data: JSON.stringify({ measuring: false, containers: [usage('a', 100)] }) })
    expect(useUsage.getState()).toMatchObject({ status: 'ready', measuring: false })
    expect(useUsage.getState().byKey.get('/p/a')?.exclusiveBytes).toBe(100)
    // another stream's output is not ours
    emit('streamData', { streamId: 's8', data: JSON.stringify({ measuring: false, containers: [usage('a', 5)] }) })
    expect(useUsage.getState().byKey.get('/p/a')?.exclusiveBytes).toBe(100)
    // an overflow: a whole measurement runs; the last figures stay on screen, marked measuring
    emit('streamData', { streamId: 's7', data: JSON.stringify({ measuring: true }) })
    expect(useUsage.getState()).toMatchObject({ status: 'ready', measuring: true })
    emit('streamData', { streamId: 's7', data: JSON.stringify({ measuring: false, containers: [usage('a', 4196)] }) })
    expect(useUsage.getState().byKey.get('/p/a')?.exclusiveBytes).toBe(4196)
    stop()
    expect(closed).toEqual(['s7'])
    expect([...listeners.values()].every((s) => s.size === 0)).toBe(true)
  })

  it('a watch that ends with an error says so', async () => {
    const { api, emit } = fakeApi()
    const stop = useUsage.getState().watch(api)
    await Promise.resolve()
    emit('streamEnd', { streamId: 's7', error: { code: 'failed', message: 'the helper went away' } })
    expect(useUsage.getState()).toMatchObject({ status: 'unavailable', error: 'the helper went away', measuring: false })
    stop()
  })
})
