import { describe, expect, it } from 'vitest'
import type { ContainerInfo } from '../../src/shared/model'
import { nextSort, visibleContainers } from '../../src/renderer/src/stores/containers'

const c = (name: string, extra: Partial<ContainerInfo> = {}): ContainerInfo => ({
  name, lxcpath: '/p', config: `/p/${name}/config`, backend: 'dir', rootfs: null, state: 'stopped',
  origin: null, dependsOn: [], dependents: [], snapshots: [], legacy: false, problems: [], layered: false, storageOutside: null, idMap: [], ...extra
})

const list = [
  c('base', { dependents: [{ lxcpath: '/p', name: 'snap1' }, { lxcpath: '/p', name: 'snap2' }] }),
  c('snap1', { backend: 'overlay', origin: { lxcpath: '/p', name: 'base' }, state: 'running' }),
  c('copy1')
]

describe('visibleContainers', () => {
  it('sorts by name ascending and descending', () => {
    expect(visibleContainers(list, '', { key: 'name', dir: 'asc' }).map((x) => x.name)).toEqual(['base', 'copy1', 'snap1'])
    expect(visibleContainers(list, '', { key: 'name', dir: 'desc' }).map((x) => x.name)).toEqual(['snap1', 'copy1', 'base'])
  })
  it('sorts numbers numerically with the name as tie-break', () => {
    expect(visibleContainers(list, '', { key: 'dependents', dir: 'desc' }).map((x) => x.name)).toEqual(['base', 'copy1', 'snap1'])
  })
  it('filters on name, state, backend and origin, case-insensitively', () => {
    const names = (f: string): string[] => visibleContainers(list, f, { key: 'name', dir: 'asc' }).map((x) => x.name)
    expect(names('OVERLAY')).toEqual(['snap1'])
    expect(names('running')).toEqual(['snap1'])
    expect(names('base')).toEqual(['base', 'snap1'])
    expect(names('  ')).toHaveLength(3)
  })
  it('does not mutate its input', () => {
    const before = list.map((x) => x.name)
    visibleContainers(list, '', { key: 'name', dir: 'desc' })
    expect(list.map((x) => x.name)).toEqual(before)
  })
})

describe('nextSort', () => {
  it('flips the direction on the same column, resets on another', () => {
    expect(nextSort({ key: 'name', dir: 'asc' }, 'name')).toEqual({ key: 'name', dir: 'desc' })
    expect(nextSort({ key: 'name', dir: 'desc' }, 'state')).toEqual({ key: 'state', dir: 'asc' })
  })
})

describe('useContainers.fetch', () => {
  it('keeps the newest listing when an older one is answered after it (a frozen state must not come back after unfreeze)', async () => {
    const { useContainers } = await import('../../src/renderer/src/stores/containers')
    let answerOld: (l: ContainerInfo[]) => void = () => undefined
    const older = new Promise<ContainerInfo[]>((r) => (answerOld = r))
    const first = useContainers.getState().fetch({ listContainers: () => older })
    await useContainers.getState().fetch({ listContainers: async () => [c('base', { state: 'running' })] })
    answerOld([c('base', { state: 'frozen' })])
    await first
    expect(useContainers.getState().list.map((x) => x.state)).toEqual(['running'])
    // answers in order are all applied
    await useContainers.getState().fetch({ listContainers: async () => [c('base', { state: 'stopped' })] })
    expect(useContainers.getState().list.map((x) => x.state)).toEqual(['stopped'])
  })
})
