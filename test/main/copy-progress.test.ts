// A copy between hosts as one task's progress (hosts/host-copy.ts copyProgress): the exporter's
// counts, thinned out; the importer's notes, except the one that would flip the bar back to a
// note on every write. The clock is vitest's, set by hand.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { OpProgress } from '../../src/shared/model'
import { copyProgress } from '../../src/main/hosts/host-copy'

describe("a copy's progress as the task drawer gets it", () => {
  beforeEach(() => void vi.useFakeTimers({ now: 1_000_000 }))
  afterEach(() => void vi.useRealTimers())

  it('passes the first count, drops counts within 100 ms of it, and the importer\'s "receiving" once counts flow; keeps its later notes', () => {
    const seen: OpProgress[] = []
    const on = copyProgress((p) => void seen.push(p))
    const counted = (bytes: number): OpProgress => ({ phase: 'copy', bytes, totalBytes: 1000, files: 1, totalFiles: 10 })
    on({ phase: 'copy', message: 'receiving c1 (10 files)' })
    on(counted(100))
    on(counted(200))
    on({ phase: 'copy', message: 'receiving c1 (10 files)' })
    vi.setSystemTime(1_000_150)
    on(counted(900))
    on({ phase: 'config', message: 'MAC addresses renewed' })
    expect(seen).toEqual([{ phase: 'copy', message: 'receiving c1 (10 files)' }, counted(100), counted(900), { phase: 'config', message: 'MAC addresses renewed' }])
  })
})
