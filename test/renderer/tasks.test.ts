import { beforeEach, describe, expect, it } from 'vitest'
import { fraction, secondsLeft, useTasks, withDone, withProgress, type TaskMap } from '../../src/renderer/src/stores/tasks'

const s = (): ReturnType<typeof useTasks.getState> => useTasks.getState()
const running: TaskMap = { t1: { id: 't1', kind: 'clone', name: 'c', status: 'running', progress: null, error: null, diagnosis: null, result: null, startedAt: 0, endedAt: null, firstMeasure: null } }

describe('tasks store', () => {
  beforeEach(() => useTasks.setState({ tasks: {}, early: { progress: [], done: [] } }))

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
})
