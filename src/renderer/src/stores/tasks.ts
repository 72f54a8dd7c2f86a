// Long operations (clone, create, start, stop, ...) running in main: one entry per task with its latest
// progress, fed by taskProgress / taskDone events. Pure reducers are exported for tests.
import { create } from 'zustand'
import type { Events, StrataApi } from '@shared/api'
import type { ContainerRef, OpProgress, StartDiagnosis } from '@shared/model'
import type { LifecycleAction } from '@shared/lifecycle'

export type TaskKind = 'clone' | 'create' | LifecycleAction
export type TaskStatus = 'running' | 'done' | 'failed' | 'cancelled'

export interface Task {
  id: string
  kind: TaskKind
  /** the container being made, or acted on */
  name: string
  /** the container acted on (lifecycle tasks), where the task bar can open its log */
  ref?: ContainerRef
  status: TaskStatus
  progress: OpProgress | null
  error: string | null
  /** a failed start: LXC's log lines of it and the known causes */
  diagnosis: StartDiagnosis | null
  /** the container a clone or create made */
  result: ContainerRef | null
}

export type TaskMap = Record<string, Task>

/** 0..1 when the engine reports totals, else null (the bar is then indeterminate). */
export function fraction(p: OpProgress | null): number | null {
  if (!p) return null
  if (p.totalBytes && p.bytes !== undefined) return Math.min(1, p.bytes / p.totalBytes)
  if (p.totalFiles && p.files !== undefined) return Math.min(1, p.files / p.totalFiles)
  return null
}

export function withProgress(tasks: TaskMap, ev: Events['taskProgress']): TaskMap {
  const t = tasks[ev.taskId]
  if (!t || t.status !== 'running') return tasks
  return { ...tasks, [ev.taskId]: { ...t, progress: ev.progress } }
}

export function withDone(tasks: TaskMap, ev: Events['taskDone']): TaskMap {
  const t = tasks[ev.taskId]
  if (!t) return tasks
  const status: TaskStatus = ev.cancelled ? 'cancelled' : ev.error ? 'failed' : 'done'
  const made = ev.result && 'name' in ev.result ? ev.result : null
  return {
    ...tasks,
    [ev.taskId]: { ...t, status, error: ev.cancelled ? null : (ev.error?.message ?? null), diagnosis: ev.error?.diagnosis ?? null, result: made }
  }
}

interface TasksState {
  tasks: TaskMap
  /** events that arrived before the call that started the task returned its id */
  early: { progress: Events['taskProgress'][]; done: Events['taskDone'][] }
  start(kind: TaskKind, name: string, call: () => Promise<{ taskId: string }>, ref?: ContainerRef): Promise<string>
  progress(ev: Events['taskProgress']): void
  done(ev: Events['taskDone']): void
  cancel(api: Pick<StrataApi, 'cancelTask'>, id: string): Promise<void>
  dismiss(id: string): void
}

export const useTasks = create<TasksState>()((set, get) => ({
  tasks: {},
  early: { progress: [], done: [] },
  async start(kind, name, call, ref) {
    const { taskId } = await call()
    // One line per container for its lifecycle: a new action replaces the last one's outcome.
    const kept = Object.fromEntries(Object.entries(get().tasks).filter(([, x]) => !(ref && x.ref && x.status !== 'running' && x.name === name && x.ref.lxcpath === ref.lxcpath)))
    let tasks: TaskMap = { ...kept, [taskId]: { id: taskId, kind, name, ...(ref ? { ref } : {}), status: 'running', progress: null, error: null, diagnosis: null, result: null } }
    const { progress, done } = get().early
    for (const p of progress.filter((e) => e.taskId === taskId)) tasks = withProgress(tasks, p)
    for (const d of done.filter((e) => e.taskId === taskId)) tasks = withDone(tasks, d)
    set({
      tasks,
      early: { progress: progress.filter((e) => e.taskId !== taskId), done: done.filter((e) => e.taskId !== taskId) }
    })
    return taskId
  },
  progress(ev) {
    if (!get().tasks[ev.taskId]) return set({ early: { ...get().early, progress: [...get().early.progress, ev].slice(-50) } })
    set({ tasks: withProgress(get().tasks, ev) })
  },
  done(ev) {
    if (!get().tasks[ev.taskId]) return set({ early: { ...get().early, done: [...get().early.done, ev].slice(-50) } })
    set({ tasks: withDone(get().tasks, ev) })
  },
  async cancel(api, id) {
    try {
      await api.cancelTask({ taskId: id })
    } catch {
      /* it ended meanwhile; taskDone says how */
    }
  },
  dismiss(id) {
    const rest = { ...get().tasks }
    delete rest[id]
    set({ tasks: rest })
  }
}))
