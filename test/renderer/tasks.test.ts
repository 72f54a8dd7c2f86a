import { beforeEach, describe, expect, it } from 'vitest'
import { fraction, secondsLeft, unreadFailures, useTasks, withDone, withProgress, type TaskMap } from '../../src/renderer/src/stores/tasks'
import { useToasts } from '../../src/renderer/src/stores/toasts'

const s = (): ReturnType<typeof useTasks.getState> => useTasks.getState()
const running: TaskMap = { t1: { id: 't1', kind: 'clone', name: 'c', status: 'running', progress: null, error: null, diagnosis: null, result: null, startedAt: 0, endedAt: null, firstMeasure: null } }

describe('tasks store', () => {
  beforeEach(() => {
    useTasks.setState({ tasks: {}, early: { progress: [], done: [] }, drawerOpen: false })
    useToasts.setState({ list: [] })
  })

  it('fraction: from bytes or files when totals are known, else indeterminate', () => {
    expect(fraction(null)).toBeNull()
    expect(fraction({ phase: 'copy' })).toBeNull()
    expect(fraction({ phase: 'copy', bytes: 50, totalBytes: 200 })).toBe(0.25)
    expect(fraction({ phase: 'copy', files: 3, totalFiles: 4 })).toBe(0.75)
    expect(fraction({ phase: 'copy', bytes: 300, totalBytes: 200 })).toBe(1)
  })

  it('time left: from the rate since the first report that had a total, none before', () => {
    const t = { ...running.t1!, progress: { phase: 'copy', bytes: 60, totalBytes: 100 }, firstMeasure: { at: 1000, done: 0.2 } }
    // 40 % in 4 s: the remaining 40 % take 4 s more
    expect(secondsLeft(t, 5000)).toBe(4)
    expect(secondsLeft({ ...t, firstMeasure: null }, 5000)).toBeNull()
    expect(secondsLeft({ ...t, progress: { phase: 'copy' } }, 5000)).toBeNull()
  })

  it('progress updates a running task; done records success, failure in words, or cancel', () => {
    const p = withProgress(running, { taskId: 't1', progress: { phase: 'copy', bytes: 1, totalBytes: 2 } })
    expect(p.t1!.progress?.phase).toBe('copy')
    expect(withProgress(running, { taskId: 'nope', progress: { phase: 'x' } })).toBe(running)
    const ok = withDone(p, { taskId: 't1', result: { lxcpath: '/p', name: 'c' } })
    expect(ok.t1).toMatchObject({ status: 'done', result: { lxcpath: '/p', name: 'c' }, error: null })
    // A late progress event after the end changes nothing.
    expect(withProgress(ok, { taskId: 't1', progress: { phase: 'late' } })).toBe(ok)
    expect(withDone(p, { taskId: 't1', error: { code: 'refused', rule: 'target-exists', message: 'c already exists' } }).t1).toMatchObject({ status: 'failed', error: 'c already exists' })
    expect(withDone(p, { taskId: 't1', error: { code: 'cancelled', message: 'cancelled' }, cancelled: true }).t1).toMatchObject({ status: 'cancelled', error: null })
  })

  it('start registers the task and applies events that arrived before its id', async () => {
    s().progress({ taskId: 't9', progress: { phase: 'copy' } })
    s().done({ taskId: 't9', result: { lxcpath: '/p', name: 'n' } })
    const id = await s().start('clone', 'n', async () => ({ taskId: 't9' }))
    expect(id).toBe('t9')
    expect(s().tasks.t9).toMatchObject({ status: 'done', progress: { phase: 'copy' }, kind: 'clone', name: 'n' })
    expect(s().early).toEqual({ progress: [], done: [] })
    s().dismiss('t9')
    expect(s().tasks).toEqual({})
  })

  it('cancel asks main by task id and swallows "already finished"', async () => {
    const asked: string[] = []
    await s().cancel({ cancelTask: async ({ taskId }) => (asked.push(taskId), { ok: true as const }) }, 't3')
    await s().cancel({ cancelTask: async () => Promise.reject(new Error('task t4 is not running')) }, 't4')
    expect(asked).toEqual(['t3'])
  })

  it('a failure is told once: a toast while the drawer is closed (which stays closed), none while it is open; closing it reads the failures', async () => {
    await s().start('destroy', 'd', async () => ({ taskId: 't5' }))
    s().done({ taskId: 't5', error: { code: 'refused', message: 'd has clones' } })
    expect(s().drawerOpen).toBe(false)
    expect(useToasts.getState().list).toMatchObject([{ variant: 'danger', kind: 'destroy', status: 'failed', taskId: 't5' }])
    expect(unreadFailures(s().tasks)).toBe(1)
    // a snapshot is a call the app tracks itself: the same rule
    await s().track('snapshot', 'c', { lxcpath: '/p', name: 'c' }, async () => Promise.reject(new Error('no room')))
    expect(s().drawerOpen).toBe(false)
    expect(useToasts.getState().list).toHaveLength(2)
    expect(unreadFailures(s().tasks)).toBe(2)
    // opening the drawer takes the toasts away; closing it leaves the failures read
    s().setDrawerOpen(true)
    expect(useToasts.getState().list).toEqual([])
    expect(unreadFailures(s().tasks)).toBe(2)
    await s().track('snapshot', 'c', { lxcpath: '/p', name: 'c' }, async () => Promise.reject(new Error('no room')))
    expect(useToasts.getState().list).toEqual([])
    s().setDrawerOpen(false)
    expect(unreadFailures(s().tasks)).toBe(0)
    expect(Object.values(s().tasks).filter((t) => t.status === 'failed')).toHaveLength(3)
  })
})
