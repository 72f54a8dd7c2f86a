// What an origin's lxc_snapshots should hold, and the change that gets it there: the one repair
// `strata check` offers for that file. lxc-destroy refuses to destroy a container while the
// file exists at all (a count of 0, an empty file, leftover text), and LXC's own removal only
// ever takes away whole substrings, so a file that went wrong stays wrong until it is rewritten.
// Pure: integrity.ts words the fix with it, ops/repair.ts carries it out under LXC's lock.
import type { ContainerRef } from '@shared/model'
import { formatRefPairs, refKey, type SnapshotsRecord } from './bookkeeping'
import { say, type Said } from '@shared/engine-text'

export interface SnapshotsFix {
  /** the file's new contents, or null: remove the file */
  text: string | null
  /** what the fix would change, in a sentence that names the file */
  description: Said
  /** the same, once done */
  done: Said
}

function show(ref: ContainerRef): string {
  return `${ref.lxcpath}/${ref.name}`
}

function list(refs: readonly ContainerRef[]): string {
  return refs.map(show).join(', ')
}

/** A change told in both tenses: [would do, did]. */
type Words = [Said, Said]

function fix(text: string | null, [description, done]: Words): SnapshotsFix {
  return { text, description, done }
}

/** Changes said in turn: "a; b; c". */
const inTurn = (parts: Said[]): Said => parts.reduceRight((then, first) => say('joined', { first, then }))

/**
 * The fix for `file` (the lxc_snapshots of `origin`, read as `record`, null if absent), or null
 * when it already says what is true. `dependents`: what was found to depend on origin;
 * `exists`: whether a container an entry names is still there. Entries that name an existing
 * container are kept as written (LXC matches them byte for byte); a 1.x count stays a count.
 */
export function planSnapshotsFix(
  file: string,
  origin: ContainerRef,
  record: SnapshotsRecord | null,
  dependents: readonly ContainerRef[],
  exists: (ref: ContainerRef) => boolean
): SnapshotsFix | null {
  const name = origin.name
  if (record === null) {
    if (dependents.length === 0) return null
    const v = { file, dependents: list(dependents) }
    return fix(formatRefPairs(dependents), [say('fix-create', v), say('fixed-create', v)])
  }
  if (record.format === 'count') {
    if (dependents.length === record.count && record.count > 0) return null
    if (dependents.length === 0) {
      if (record.empty) return fix(null, [say('fix-remove-empty', { file, name }), say('fixed-remove-empty', { file, name })])
      const v = { file, count: record.count, name }
      return fix(null, [say('fix-remove-count', v), say('fixed-remove-count', v)])
    }
    const v = { file, from: record.count, to: dependents.length, dependents: list(dependents) }
    return fix(`${dependents.length}\n`, [say('fix-set-count', v), say('fixed-set-count', v)])
  }
  const kept = record.format === 'list' ? record.entries.filter(exists) : []
  const gone = record.format === 'list' ? record.entries.filter((e) => !exists(e)) : []
  const added = dependents.filter((d) => !kept.some((k) => refKey(k) === refKey(d)))
  const changes: Words[] = []
  if (record.format === 'garbled') changes.push([say('fix-drop-garbled'), say('fixed-drop-garbled')])
  if (gone.length) changes.push([say('fix-drop-gone', { entries: list(gone) }), say('fixed-drop-gone', { entries: list(gone) })])
  if (record.format === 'list' && record.leftover !== null) {
    const text = JSON.stringify(record.leftover)
    changes.push([say('fix-drop-leftover', { text }), say('fixed-drop-leftover', { text })])
  }
  if (added.length) changes.push([say('fix-add', { entries: list(added) }), say('fixed-add', { entries: list(added) })])
  if (changes.length === 0) return null
  const entries = [...kept, ...added]
  if (entries.length === 0) return fix(null, [say('fix-remove', { file, name }), say('fixed-remove', { file, name })])
  const told = (tense: 0 | 1): Said => inTurn(changes.map((c) => c[tense]))
  return fix(formatRefPairs(entries), [say('fix-rewrite', { file, changes: told(0) }), say('fixed-rewrite', { file, changes: told(1) })])
}
