// lxc-snapshot's ts read back as the moment it names (local time), and what is not one refused.
import { describe, expect, it } from 'vitest'
import { parseSnapshotTime } from '@shared/snapshot-time'
import { snapshotTimestamp } from '../../src/main/engine/ops/snapshot'

describe('parseSnapshotTime', () => {
  it('reads back what Strata (and lxc-snapshot) writes, to the second', () => {
    const now = new Date(2026, 11, 4, 14, 32, 54)
    expect(parseSnapshotTime(snapshotTimestamp(now))?.getTime()).toBe(now.getTime())
    expect(parseSnapshotTime('2026:12:04 14:32:54')?.getTime()).toBe(new Date(2026, 11, 4, 14, 32, 54).getTime())
  })
  it('is null for what is not a timestamp, also one that would roll over into another day', () => {
    for (const bad of [null, undefined, '', '2026-12-04 14:32:54', '2026:13:40 10:00:00', '2026:02:30 10:00:00', '2026:12:04 25:00:00', 'x']) expect(parseSnapshotTime(bad), String(bad)).toBeNull()
  })
})
