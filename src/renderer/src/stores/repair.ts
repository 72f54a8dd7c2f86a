// Repairs the engine offers for findings (a finding's `fix`): which one is running, and what
// the last one said, per container. The engine decides what to change; this only asks it.
import { create } from 'zustand'
import type { StrataApi } from '@shared/api'
import type { ContainerRef } from '@shared/model'
import { errorText, maybeSaidText } from '../i18n/said'

const key = (r: ContainerRef): string => `${r.lxcpath}/${r.name}`

interface RepairState {
  /** the container whose repair is running, or null */
  running: string | null
  /** per container: the engine's words on the last repair (done, or why it failed) */
  said: Map<string, { ok: boolean; message: string }>
  run(api: Pick<StrataApi, 'repairBookkeeping'>, ref: ContainerRef): Promise<void>
}

export const useRepair = create<RepairState>()((set, get) => ({
  running: null,
  said: new Map(),
  async run(api, ref) {
    if (get().running) return
    set({ running: key(ref) })
    let said: { ok: boolean; message: string }
    try {
      const done = await api.repairBookkeeping({ lxcpath: ref.lxcpath, name: ref.name })
      said = { ok: true, message: maybeSaidText(done.said, done.message) }
    } catch (e) {
      said = { ok: false, message: errorText(e) }
    }
    set({ running: null, said: new Map(get().said).set(key(ref), said) })
  }
}))
