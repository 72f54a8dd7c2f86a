// One size formatter for the CLI and the app: one decimal from KiB up, so columns line up.
import { describe, expect, it } from 'vitest'
import { formatBytes } from '../../src/shared/format-bytes'

describe('formatBytes', () => {
  it('is exact below 1 KiB and keeps one decimal above, in the given locale', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(1023)).toBe('1023 B')
    expect(formatBytes(1536)).toBe('1.5 KiB')
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB')
    expect(formatBytes(900 * 1024 ** 2)).toBe('900.0 MiB')
    expect(formatBytes(1536, 'de')).toBe('1,5 KiB')
  })
})
