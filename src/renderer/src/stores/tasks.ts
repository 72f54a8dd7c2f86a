// Long operations (clone, create, start, stop, ...) running in main: one entry per task with its latest
// progress, fed by taskProgress / taskDone events. Pure reducers are exported for tests.
import { create } from 'zustand'
import type { Events, StrataApi } from '@shared/api'
import type { ContainerRef, OpProgress, StartDiagnosis } from '@shared/model'
import { useToasts } from './toasts'
import type { TaskKind, TaskStatus } from './task-kinds'
import { errorDataText, errorText } from '../i18n/said'

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
  /** ms since the epoch: when it started, and when it ended (for the history and the time left) */
  startedAt: number
  endedAt: number | null
  /** the first progress report that had a total, to estimate the time left from the rate since */
  firstMeasure: { at: number; done: number } | null
  /** a call the app tracks itself (not an engine task): nothing to cancel */
  local?: true
  /** a failure the user has not seen in the drawer yet: the bell asks for attention until it is opened */
  unread?: true
}

/** Seconds left at the rate since the first measured report, or null when there is no rate yet. */
export function secondsLeft(task: Task, now: number): number | null {
  const f = fraction(task.progress)
  if (f === null || !task.firstMeasure || f <= task.firstMeasure.done) return null
  const rate = (f - task.firstMeasure.done) / Math.max(1, now - task.firstMeasure.at)
  return Math.max(0, Math.round((1 - f) / rate / 1000))
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
  const f = fraction(ev.progress)
  const firstMeasure = t.firstMeasure ?? (f === null ? null : { at: Date.now(), done: f })
  return { ...tasks, [ev.taskId]: { ...t, progress: ev.progress, firstMeasure } }
}

export function withDone(tasks: TaskMap, ev: Events['taskDone']): TaskMap {
  const t = tasks[ev.taskId]
  if (!t) return tasks
  const status: TaskStatus = ev.cancelled ? 'cancelled' : ev.error ? 'failed' : 'done'
  const made = ev.result && 'name' in ev.result ? ev.result : null
  return {
    ...tasks,
    [ev.taskId]: ended({ ...t, error: ev.cancelled ? null : (ev.error ? errorDataText(ev.error) : null), diagnosis: ev.error?.diagnosis ?? null, result: made }, status)
  }
}

/** The task ended with `status`, now: a failure is unread until the drawer is seen (the bell asks for attention). */
function ended(t: Task, status: TaskStatus): Task {
  return { ...t, status, endedAt: Date.now(), ...(status === 'failed' ? { unread: true as const } : {}) }
}

interface TasksState {
  tasks: TaskMap
  /** events that arrived before the call that started the task returned its id */
  early: { progress: Events['taskProgress'][]; done: Events['taskDone'][] }
  start(kind: TaskKind, name: string, call: () => Promise<{ taskId: string }>, ref?: ContainerRef): Promise<string>
  /** a plain call shown as a task of its own (a snapshot for each of a selection); resolves when it ends */
  track(kind: TaskKind, name: string, ref: ContainerRef, call: () => Promise<unknown>): Promise<boolean>
  progress(ev: Events['taskProgress']): void
  done(ev: Events['taskDone']): void
  cancel(api: Pick<StrataApi, 'cancelTask'>, id: string): Promise<void>
  dismiss(id: string): void
  /** the finished ones leave the history */
  clearFinished(): void
  /** the task drawer is open */
  drawerOpen: boolean
  /** opening it takes the task toasts away (the drawer says the same); closing it leaves every failure read */
  setDrawerOpen(open: boolean): void
}

/** A task's failure, not yet seen in the drawer: what the bell's attention state counts. */
export const unreadFailures = (tasks: TaskMap): number => Object.values(tasks).filter((t) => t.unread).length

/**
 * The end of a task, told once: a toast while the drawer is closed (a failure's with its first
 * cause and "Show details"), nothing while it is open, since the drawer lists it already. The
 * drawer never opens by itself (as GNOME's and Cockpit's notifications): the bell marks the failure.
 */
function announce(t: Task | undefined): void {
  if (!t || useTasks.getState().drawerOpen) return
  const variant = t.status === 'done' ? 'success' : t.status === 'failed' ? 'danger' : 'warning'
  useToasts.getState().push({ variant, kind: t.kind, status: t.status, name: t.name, taskId: t.id })
}

function read(tasks: TaskMap): TaskMap {
  if (!unreadFailures(tasks)) return tasks
  const seen: TaskMap = {}
  for (const [id, t] of Object.entries(tasks)) {
    const { unread, ...rest } = t
    seen[id] = unread ? rest : t
  }
  return seen
}

export const useTasks = create<TasksState>()((set, get) => ({
  tasks: {},
  drawerOpen: false,
  setDrawerOpen(drawerOpen) {
    if (drawerOpen) useToasts.getState().clear()
    // what was listed while it was open has been seen
    set(drawerOpen ? { drawerOpen } : { drawerOpen, tasks: read(get().tasks) })
  },
  clearFinished: () => set({ tasks: Object.fromEntries(Object.entries(get().tasks).filter(([, t]) => t.status === 'running')) }),
  early: { progress: [], done: [] },
  async start(kind, name, call, ref) {
    const { taskId } = await call()
    // One line per container for its lifecycle: a new action replaces the last one's outcome.
    const kept = Object.fromEntries(Object.entries(get().tasks).filter(([, x]) => !(ref && x.ref && x.status !== 'running' && x.name === name && x.ref.lxcpath === ref.lxcpath)))
    let tasks: TaskMap = { ...kept, [taskId]: { id: taskId, kind, name, ...(ref ? { ref } : {}), status: 'running', progress: null, error: null, diagnosis: null, result: null, startedAt: Date.now(), endedAt: null, firstMeasure: null } }
    const { progress, done } = get().early
    for (const p of progress.filter((e) => e.taskId === taskId)) tasks = withProgress(tasks, p)
    for (const d of done.filter((e) => e.taskId === taskId)) tasks = withDone(tasks, d)
    set({
      tasks,
      early: { progress: progress.filter((e) => e.taskId !== taskId), done: done.filter((e) => e.taskId !== taskId) }
    })
    if (tasks[taskId]!.status !== 'running') announce(tasks[taskId])
    return taskId
  },
  async track(kind, name, ref, call) {
    const id = `local-${Date.now()}-${Math.random().toString(36).slice(2)}`
    const task: Task = { id, kind, name, ref, status: 'running', progress: null, error: null, diagnosis: null, result: null, startedAt: Date.now(), endedAt: null, firstMeasure: null, local: true }
    set({ tasks: { ...get().tasks, [id]: task } })
    let error: string | null = null
    try {
      await call()
    } catch (e) {
      error = errorText(e)
    }
    const end = ended({ ...get().tasks[id]!, error }, error === null ? 'done' : 'failed')
    set({ tasks: { ...get().tasks, [id]: end } })
    announce(end)
    return error === null
  },
  progress(ev) {
    if (!get().tasks[ev.taskId]) return set({ early: { ...get().early, progress: [...get().early.progress, ev].slice(-50) } })
    set({ tasks: withProgress(get().tasks, ev) })
  },
  done(ev) {
    if (!get().tasks[ev.taskId]) return set({ early: { ...get().early, done: [...get().early.done, ev].slice(-50) } })
    set({ tasks: withDone(get().tasks, ev) })
    announce(get().tasks[ev.taskId])
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
