// Short notices that fade by themselves (PatternFly toasts): what finished, what failed. Each
// one is translated where it is drawn, so a language switch reaches them too. The task drawer
// keeps the full history; while it is open it is the notice, and no toast repeats it.
import { create } from 'zustand'
import type { TaskKind, TaskStatus } from './task-kinds'

export type ToastVariant = 'success' | 'danger' | 'warning' | 'info'
export interface Toast {
  id: number
  variant: ToastVariant
  /** the task whose end it tells (its words are tasks.<kind>.<status>) */
  kind: TaskKind
  status: TaskStatus
  name: string
  /** the task drawer can show more (a failure's diagnosis) */
  taskId?: string
}

interface ToastsState {
  list: Toast[]
  push(t: Omit<Toast, 'id'>): void
  remove(id: number): void
  /** all of them go (the task drawer opened, and says the same) */
  clear(): void
}

let next = 1

export const useToasts = create<ToastsState>()((set, get) => ({
  list: [],
  // at most four on screen: the oldest gives way
  push: (t) => set({ list: [...get().list, { ...t, id: next++ }].slice(-4) }),
  remove: (id) => set({ list: get().list.filter((t) => t.id !== id) }),
  clear: () => set({ list: [] })
}))
