// Start/stop and other user actions: which are running, and the last error to show.
import { create } from 'zustand'
import type { StrataApi } from '@shared/api'
import type { ContainerRef } from '@shared/model'

interface ActionState {
  busy: boolean
  error: string | null
  clear(): void
  run(api: Pick<StrataApi, 'startContainer' | 'stopContainer'>, op: 'start' | 'stop', refs: ContainerRef[]): Promise<void>
}

export const useActionError = create<ActionState>()((set) => ({
  busy: false,
  error: null,
  clear: () => set({ error: null }),
  async run(api, op, refs) {
    set({ busy: true, error: null })
    const errors: string[] = []
    // One at a time: LXC serialises on its own locks anyway, and errors stay attributable.
    for (const r of refs) {
      const ref = { lxcpath: r.lxcpath, name: r.name }
      try {
        await (op === 'start' ? api.startContainer(ref) : api.stopContainer(ref))
      } catch (e) {
        errors.push(`${r.name}: ${e instanceof Error ? e.message : String(e)}`)
      }
    }
    set({ busy: false, error: errors.length ? errors.join('; ') : null })
  }
}))
