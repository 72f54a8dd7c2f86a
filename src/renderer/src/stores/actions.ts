// Lifecycle actions on containers (start, stop, restart, freeze, unfreeze): each one a task in
// main, shown in the task bar with its outcome; an action a container's state does not allow is
// never sent (the buttons say why, from shared/lifecycle.ts). `error` is a call main refused
// outright (before any task began).
import { create } from 'zustand'
import type { StrataApi } from '@shared/api'
import type { ContainerInfo, ContainerRef } from '@shared/model'
import { containerRefusal, type LifecycleAction } from '@shared/lifecycle'
import { useTasks } from './tasks'
import { errorText } from '../i18n/said'

type LifecycleApi = Pick<StrataApi, 'startContainer' | 'stopContainer' | 'restartContainer' | 'freezeContainer' | 'unfreezeContainer'>

const CALL: Record<LifecycleAction, (api: LifecycleApi, ref: ContainerRef) => Promise<{ taskId: string }>> = {
  start: (api, ref) => api.startContainer(ref),
  stop: (api, ref) => api.stopContainer(ref),
  restart: (api, ref) => api.restartContainer(ref),
  freeze: (api, ref) => api.freezeContainer(ref),
  unfreeze: (api, ref) => api.unfreezeContainer(ref)
}

/** The containers `action` applies to, in their current state. */
export function applicable(action: LifecycleAction, list: readonly ContainerInfo[]): ContainerInfo[] {
  return list.filter((c) => containerRefusal(action, c) === null)
}

interface ActionState {
  error: string | null
  clear(): void
  run(api: LifecycleApi, action: LifecycleAction, containers: readonly ContainerInfo[]): Promise<void>
}

export const useActionError = create<ActionState>()((set) => ({
  error: null,
  clear: () => set({ error: null }),
  async run(api, action, containers) {
    set({ error: null })
    const errors: string[] = []
    for (const c of applicable(action, containers)) {
      const ref = { lxcpath: c.lxcpath, name: c.name }
      try {
        await useTasks.getState().start(action, c.name, () => CALL[action](api, ref), ref)
      } catch (e) {
        errors.push(`${c.name}: ${errorText(e)}`)
      }
    }
    set({ error: errors.length ? errors.join('; ') : null })
  }
}))
