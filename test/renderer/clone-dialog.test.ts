import { describe, expect, it } from 'vitest'
import type { BackendChoice } from '../../src/shared/model'
import { pickBackend, suggestName, useCloneDialog, validateCloneName } from '../../src/renderer/src/stores/cloneDialog'

const none = new Set<string>()
const rule = (name: string, opts: Partial<Parameters<typeof validateCloneName>[1]> = {}): string | null =>
  validateCloneName(name, { taken: none, ...opts })?.rule ?? null

describe('clone dialog: name validation', () => {
  it('applies LXC\'s rules in order and names the rule broken', () => {
    expect(rule('')).toBe('empty')
    expect(rule('a/b')).toBe('slash')
    expect(rule('.x')).toBe('dot')
    expect(rule('x'.repeat(255), { keepUtsName: true })).toBe('bytes')
    expect(rule('a:b')).toBe('colon') // the engine's rule for every new name, whatever the backend
    expect(rule('x'.repeat(65))).toBe('uts')
    expect(rule('x'.repeat(64))).toBeNull()
    expect(rule('bad name')).toBe('chars')
    expect(rule('ok-name_1.2')).toBeNull()
  })
  it('counts bytes, not characters', () => {
    expect(rule('é'.repeat(33))).toBe('uts') // 66 bytes
  })
  it('a name taken in the target lxcpath is refused with the name and the lxcpath', () => {
    expect(validateCloneName('base', { taken: new Set(['base']), lxcpath: '/p' })).toEqual({ rule: 'taken', values: { name: 'base', lxcpath: '/p' } })
  })
})

const choices: BackendChoice[] = [
  { backend: 'dir', mode: 'copy', allowed: true, reason: null, isDefault: false },
  { backend: 'overlay', mode: 'copy', allowed: false, reason: 'overlay can only be used for snapshots', isDefault: true },
  { backend: 'loop', mode: 'copy', allowed: true, reason: null, isDefault: false },
  { backend: 'overlay', mode: 'snapshot', allowed: true, reason: null, isDefault: true },
  { backend: 'dir', mode: 'snapshot', allowed: false, reason: 'always overlay', isDefault: false }
]

describe('clone dialog: backend and name defaults', () => {
  it('keeps an allowed choice, else LXC\'s default if allowed, else the first allowed', () => {
    expect(pickBackend(choices, 'copy', 'loop')).toBe('loop')
    expect(pickBackend(choices, 'copy', null)).toBe('dir')
    expect(pickBackend(choices, 'snapshot', 'dir')).toBe('overlay')
    expect(pickBackend([], 'snapshot', null)).toBeNull()
  })
  it('suggests the first free `<origin>-clone[N]`', () => {
    expect(suggestName('base', none)).toBe('base-clone')
    expect(suggestName('base', new Set(['base-clone', 'base-clone2']))).toBe('base-clone3')
  })
  it('loading choices switches to copy when the origin cannot be snapshotted', async () => {
    const st = useCloneDialog.getState()
    st.show({ lxcpath: '/p', name: 'l' }, '/p', none)
    await useCloneDialog.getState().loadChoices({ cloneChoices: async () => choices.filter((c) => c.mode === 'copy') })
    expect(useCloneDialog.getState()).toMatchObject({ mode: 'copy', backend: 'dir', loading: false, error: null })
    await useCloneDialog.getState().loadChoices({ cloneChoices: async () => Promise.reject(new Error('l has no rootfs')) })
    expect(useCloneDialog.getState().error).toBe('l has no rootfs')
  })
})
