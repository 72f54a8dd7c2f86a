// What a task is and how it stands: the words the task drawer and the toasts both say of a task
// (tasks.<kind>.<status>). Below both stores, so neither imports the other for them.
import type { LifecycleAction } from '@shared/lifecycle'

export type TaskKind = 'clone' | 'create' | 'snapshot' | 'copyToHost' | 'destroy' | LifecycleAction
export type TaskStatus = 'running' | 'done' | 'failed' | 'cancelled'
