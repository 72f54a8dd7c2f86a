// What an origin's lxc_snapshots should hold, and the change that gets it there: the one repair
// `strata check` offers for that file. lxc-destroy refuses to destroy a container while the
// file exists at all (a count of 0, an empty file, leftover text), and LXC's own removal only
// ever takes away whole substrings, so a file that went wrong stays wrong until it is rewritten.
// Pure: integrity.ts words the fix with it, ops/repair.ts carries it out under LXC's lock.
import type { ContainerRef } from '@shared/model'
import { formatRefPairs, refKey, type SnapshotsRecord } from './bookkeeping'

export interface SnapshotsFix {
  /** the file's new contents, or null: remove the file */
  text: string | null
  /** what the fix would change, in a sentence that names the file */
  description: string
  /** the same, once done */
  done: string
}

function show(ref: ContainerRef): string {
  return `${ref.lxcpath}/${ref.name}`
}

function list(refs: readonly ContainerRef[]): string {
  return refs.map(show).join(', ')
}

/** A change told in both tenses: [would do, did]. */
type Words = [string, string]

function fix(text: string | null, [description, done]: Words): SnapshotsFix {
  return { text, description, done }
}

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
  const none = `nothing depends on ${origin.name}`
  if (record === null) {
    if (dependents.length === 0) return null
    const what = `${file} listing ${list(dependents)}`
    return fix(formatRefPairs(dependents), [`create ${what}`, `created ${what}`])
  }
  if (record.format === 'count') {
    if (dependents.length === record.count && record.count > 0) return null
    if (dependents.length === 0) {
      const held = record.empty ? 'empty' : `the LXC 1.x count ${record.count}`
      return fix(null, [`remove ${file} (${held}): ${none}`, `removed ${file} (${held}): ${none}`])
    }
    const what = `the LXC 1.x count in ${file} from ${record.count} to ${dependents.length} (${list(dependents)})`
    return fix(`${dependents.length}\n`, [`set ${what}`, `set ${what}`])
  }
  const kept = record.format === 'list' ? record.entries.filter(exists) : []
  const gone = record.format === 'list' ? record.entries.filter((e) => !exists(e)) : []
  const added = dependents.filter((d) => !kept.some((k) => refKey(k) === refKey(d)))
  const changes: Words[] = []
  const drop = (what: string): Words => [`drop ${what}`, `dropped ${what}`]
  if (record.format === 'garbled') changes.push(drop('its text, which is neither a count nor lxcpath/name pairs'))
  if (gone.length) changes.push(drop(`the entries of ${list(gone)}, which no longer exist`))
  if (record.format === 'list' && record.leftover !== null) changes.push(drop(`the leftover text ${JSON.stringify(record.leftover)}`))
  if (added.length) changes.push([`add ${list(added)}`, `added ${list(added)}`])
  if (changes.length === 0) return null
  const told = (tense: 0 | 1): string => changes.map((c) => c[tense]).join('; ')
  const entries = [...kept, ...added]
  if (entries.length === 0) return fix(null, [`remove ${file}: ${none}`, `removed ${file}: ${none}`])
  return fix(formatRefPairs(entries), [`rewrite ${file}: ${told(0)}`, `rewrote ${file}: ${told(1)}`])
}
