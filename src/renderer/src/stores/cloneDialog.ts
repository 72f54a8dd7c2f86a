// The clone dialog: origin, target lxcpath, name, copy vs snapshot and backend, with the
// compatibility choices and the name check as you type both from the engine (checkName):
// the dialog holds no rule of its own. pickBackend and suggestName are pure, for tests.
import { create } from 'zustand'
import type { StrataApi } from '@shared/api'
import type { NameIssue } from '@shared/names'
import type { Backend, BackendChoice, ContainerRef } from '@shared/model'
import { errorText } from '../i18n/said'

export type CloneMode = 'copy' | 'snapshot'

/** Keep the current backend if still allowed; else LXC's default if allowed; else the first allowed. */
export function pickBackend(choices: BackendChoice[], mode: CloneMode, current: Backend | null): Backend | null {
  const mine = choices.filter((c) => c.mode === mode)
  if (current && mine.some((c) => c.backend === current && c.allowed)) return current
  return (mine.find((c) => c.isDefault && c.allowed) ?? mine.find((c) => c.allowed))?.backend ?? null
}

/** `base-clone`, `base-clone2`, ... : the first not taken. */
export function suggestName(origin: string, taken: ReadonlySet<string>): string {
  const stem = `${origin}-clone`.slice(0, 60)
  if (!taken.has(stem)) return stem
  for (let i = 2; ; i++) if (!taken.has(`${stem}${i}`)) return `${stem}${i}`
}

interface CloneDialogState {
  open: boolean
  origin: ContainerRef | null
  lxcpath: string
  name: string
  mode: CloneMode
  backend: Backend | null
  choices: BackendChoice[]
  loading: boolean
  error: string | null
  /** the engine's verdict on `name` in `lxcpath`; `checking` until the answer for the current name arrives */
  nameIssue: NameIssue | null
  checking: boolean
  checkName(api: Pick<StrataApi, 'checkName'>): Promise<void>
  show(origin: ContainerRef, lxcpath: string, taken: ReadonlySet<string>): void
  close(): void
  setName(n: string): void
  setMode(m: CloneMode): void
  setBackend(b: Backend): void
  setLxcpath(p: string, api: Pick<StrataApi, 'cloneChoices'>): Promise<void>
  loadChoices(api: Pick<StrataApi, 'cloneChoices'>): Promise<void>
}

export const useCloneDialog = create<CloneDialogState>()((set, get) => ({
  open: false,
  origin: null,
  lxcpath: '',
  name: '',
  mode: 'snapshot',
  backend: null,
  choices: [],
  loading: false,
  error: null,
  nameIssue: null,
  checking: false,
  async checkName(api) {
    const { name, lxcpath } = get()
    set({ checking: true })
    try {
      const { issue } = await api.checkName({ lxcpath, name })
      // a later keystroke already asked again: this answer is about an older name
      if (get().name === name && get().lxcpath === lxcpath) set({ nameIssue: issue, checking: false })
    } catch (e) {
      if (get().name === name) set({ nameIssue: { rule: 'empty', values: {}, message: errorText(e) }, checking: false })
    }
  },
  show: (origin, lxcpath, taken) =>
    set({ open: true, origin, lxcpath, name: suggestName(origin.name, taken), mode: 'snapshot', backend: null, choices: [], error: null, nameIssue: null, checking: true }),
  close: () => set({ open: false, origin: null, choices: [], error: null }),
  setName: (name) => set({ name, checking: true }),
  setMode: (mode) => set({ mode, backend: pickBackend(get().choices, mode, get().backend) }),
  setBackend: (backend) => set({ backend }),
  async setLxcpath(lxcpath, api) {
    set({ lxcpath, checking: true })
    await get().loadChoices(api)
  },
  async loadChoices(api) {
    const { origin, lxcpath } = get()
    if (!origin) return
    set({ loading: true, error: null })
    try {
      const choices = await api.cloneChoices({ origin, lxcpath })
      // Snapshot first when the origin can be snapshotted at all, else copy.
      const mode: CloneMode = choices.some((c) => c.mode === get().mode && c.allowed) ? get().mode : get().mode === 'snapshot' ? 'copy' : 'snapshot'
      set({ choices, mode, backend: pickBackend(choices, mode, get().backend), loading: false })
    } catch (e) {
      set({ loading: false, error: errorText(e) })
    }
  }
}))
