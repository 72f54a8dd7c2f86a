// A long operation's notes: said once with their English (the CLI prints that line) and as data,
// and carried by the counts that follow, so a UI that joins between a note and the end of its
// step still says what the operation is doing, in the user's language.
import { describe, expect, it } from 'vitest'
import { note, report } from '../../src/main/engine/context'
import { say } from '../../src/shared/engine-text'
import type { OpProgress } from '../../src/shared/model'

describe('progress notes', () => {
  it('a note gives its English once; the counts after it carry it as data, until the next note', () => {
    const seen: OpProgress[] = []
    const ctx = { onProgress: (p: OpProgress) => seen.push(p) }
    report(ctx, { phase: 'copy', files: 0 })
    const copying = say('progress-copy-of', { origin: '/p/base', backend: 'dir' })
    note(ctx, 'copy', copying)
    report({ ...ctx, progressTotals: false }, { phase: 'copy', files: 3, bytes: 10 })
    const registering = say('progress-registering', { name: '/p/c1' })
    note(ctx, 'register', registering)
    report(ctx, { phase: 'register', files: 1 })
    expect(seen).toEqual([
      { phase: 'copy', files: 0 },
      { phase: 'copy', message: 'copy of /p/base as dir', said: copying },
      { phase: 'copy', files: 3, bytes: 10, said: copying },
      { phase: 'register', message: 'registering /p/c1', said: registering },
      { phase: 'register', files: 1, said: registering }
    ])
    // another operation's listener has notes of its own
    const other: OpProgress[] = []
    report({ onProgress: (p) => other.push(p) }, { phase: 'copy', files: 1 })
    expect(other).toEqual([{ phase: 'copy', files: 1 }])
  })
})
