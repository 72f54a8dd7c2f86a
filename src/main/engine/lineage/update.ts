// Edits of an origin's lxc_snapshots, each under the origin's LXC lock (as LXC's mod_rdep).
// Removal matches whole `<lxcpath>\n<name>\n` pairs, never a substring (LXC's bug corrupts
// a neighbouring entry whose lxcpath ends with ours). Writes go to a temporary file that is
// renamed over the old one, so a crash leaves either the old or the new list.
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { giveToUser } from '../identity'
import { join } from 'node:path'
import type { ContainerRef } from '@shared/model'
import { withLxcLock } from '../lock'
import { formatRefPairs, readSnapshotsRecord, refKey, RDEPENDS_FILE, SNAPSHOTS_FILE } from './bookkeeping'

function dirOf(ref: ContainerRef): string {
  return join(ref.lxcpath, ref.name)
}

export function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.strata-tmp`
  writeFileSync(tmp, text, { mode: 0o644 })
  giveToUser(tmp)
  renameSync(tmp, file)
}

/** Appends `dependent` to origin's lxc_snapshots (a 1.x count is incremented); no duplicate. */
export async function addDependent(origin: ContainerRef, dependent: ContainerRef): Promise<void> {
  const dir = dirOf(origin)
  if (!existsSync(dir)) return
  await withLxcLock(origin, () => {
    const file = join(dir, SNAPSHOTS_FILE)
    const record = readSnapshotsRecord(dir)
    if (record?.format === 'count' && record.count > 0) return writeAtomically(file, `${record.count + 1}\n`)
    const entries = record?.format === 'list' ? record.entries : []
    if (record?.format === 'garbled') {
      // keep the unreadable text (LXC treats it as "has clones") and add ours after it
      const text = record.text.endsWith('\n') ? record.text : `${record.text}\n`
      return writeAtomically(file, text + formatRefPairs([dependent]))
    }
    if (entries.some((e) => e.lxcpath === dependent.lxcpath && e.name === dependent.name)) return
    // text that is not a pair (LXC's removal leaves such) is kept, last: `strata check` names it
    const leftover = record?.format === 'list' ? (record.leftover ?? '') : ''
    writeAtomically(file, formatRefPairs([...entries, dependent]) + leftover)
  })
}

/**
 * Removes exactly `dependent`'s own entry from origin's lxc_snapshots (pairs equal as written,
 * else equal once `//` and trailing `/` are folded); deletes the file when nothing is left.
 * An LXC 1.x count goes down by one and stays, also at 0, as LXC 5's mod_rdep leaves it; a
 * count that already says 0 is removed (mod_rdep removes it too, then fails to update it).
 */
export async function removeDependent(origin: ContainerRef, dependent: ContainerRef): Promise<void> {
  const dir = dirOf(origin)
  if (!existsSync(dir)) return
  await withLxcLock(origin, () => {
    const file = join(dir, SNAPSHOTS_FILE)
    const record = readSnapshotsRecord(dir)
    if (!record || record.format === 'garbled') return
    if (record.format === 'count') {
      if (record.count === 0) rmSync(file, { force: true })
      else writeAtomically(file, `${record.count - 1}\n`)
      return
    }
    let i = record.entries.findIndex((e) => e.lxcpath === dependent.lxcpath && e.name === dependent.name)
    if (i < 0) i = record.entries.findIndex((e) => refKey(e) === refKey(dependent))
    if (i < 0) return
    const rest = record.entries.filter((_, j) => j !== i)
    if (rest.length === 0 && record.leftover === null) rmSync(file, { force: true })
    else writeAtomically(file, formatRefPairs(rest) + (record.leftover ?? ''))
  })
}

export function writeRdepends(containerDir: string, deps: readonly ContainerRef[]): void {
  const file = join(containerDir, RDEPENDS_FILE)
  if (deps.length === 0) rmSync(file, { force: true })
  else writeAtomically(file, formatRefPairs(deps))
}
