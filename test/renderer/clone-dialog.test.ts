import { describe, expect, it } from 'vitest'
import type { BackendChoice } from '../../src/shared/model'
import { pickBackend, suggestName, useCloneDialog } from '../../src/renderer/src/stores/cloneDialog'

const none = new Set<string>()
describe('clone dialog: the name check is the engine\'s', () => {
  it('shows the engine\'s answer for the current name and drops an answer to an older one', async () => {
    useCloneDialog.getState().show({ lxcpath: '/p', name: 'base' }, '/p', none)
    useCloneDialog.getState().setName('café')
    let release: () => void = () => {}
    const slow = { checkName: async ({ name }: { name: string }) => { await new Promise<void>((r) => (release = r)); return { issue: { rule: 'uts' as const, values: { max: 64 }, message: name } } } }
    const pending = useCloneDialog.getState().checkName(slow)
    useCloneDialog.getState().setName('café2')
    release()
    await pending
    expect(useCloneDialog.getState()).toMatchObject({ name: 'café2', checking: true, nameIssue: null })
    await useCloneDialog.getState().checkName({ checkName: async () => ({ issue: null }) })
    expect(useCloneDialog.getState()).toMatchObject({ checking: false, nameIssue: null })
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
