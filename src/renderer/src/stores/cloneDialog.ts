// The clone dialog: origin, target lxcpath, name, copy vs snapshot and backend, with the
// compatibility choices from main and name validation as you type. validateCloneName and
// pickBackend are pure, for tests.
import { create } from 'zustand'
import type { StrataApi } from '@shared/api'
import { newContainerNameProblem } from '@shared/names'
import type { Backend, BackendChoice, ContainerRef } from '@shared/model'

export type CloneMode = 'copy' | 'snapshot'

/** An i18n key under `clone.invalid.` and its values, or null when the name is fine. */
export type NameProblem = { rule: 'empty' | 'slash' | 'dot' | 'bytes' | 'colon' | 'uts' | 'chars' | 'taken'; values?: Record<string, string | number> }

const bytes = (s: string): number => new TextEncoder().encode(s).length

/**
 * A new container name, as the engine judges it (shared/names.ts, whatever the backend): the
 * rules LXC needs named one by one for the dialog's words, any other refusal of the engine's
 * rule as `chars`, and not already taken in the target lxcpath.
 */
export function validateCloneName(name: string, opts: { keepUtsName?: boolean; taken: ReadonlySet<string>; lxcpath?: string }): NameProblem | null {
  if (name.length === 0) return { rule: 'empty' }
  if (name.includes('/')) return { rule: 'slash' }
  if (name.startsWith('.')) return { rule: 'dot' }
  if (bytes(name) > 254) return { rule: 'bytes', values: { max: 254 } }
  if (name.includes(':')) return { rule: 'colon' }
  if (!opts.keepUtsName && bytes(name) > 64) return { rule: 'uts', values: { max: 64 } }
  if (newContainerNameProblem(name, { keepUtsName: opts.keepUtsName }) !== null) return { rule: 'chars' }
  if (opts.taken.has(name)) return { rule: 'taken', values: { name, lxcpath: opts.lxcpath ?? '' } }
  return null
}

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
  show: (origin, lxcpath, taken) =>
    set({ open: true, origin, lxcpath, name: suggestName(origin.name, taken), mode: 'snapshot', backend: null, choices: [], error: null }),
  close: () => set({ open: false, origin: null, choices: [], error: null }),
  setName: (name) => set({ name }),
  setMode: (mode) => set({ mode, backend: pickBackend(get().choices, mode, get().backend) }),
  setBackend: (backend) => set({ backend }),
  async setLxcpath(lxcpath, api) {
    set({ lxcpath })
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
      set({ loading: false, error: e instanceof Error ? e.message : String(e) })
    }
  }
}))
