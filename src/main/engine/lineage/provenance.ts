// Strata's own record of where a copy clone came from. LXC records an origin only for clones
// that read it (lxc_rdepends / lxc_snapshots); a copy needs nothing of its origin, so LXC keeps
// nothing and the lineage would lose the relation. The record is a small file in the clone's
// own directory, beside LXC's bookkeeping and never mixed into it: lxc-copy copies only the
// config, the rootfs and the hook/fstab files the config names (LXC 5.0.2 do_lxcapi_clone), so
// an lxc-copy of the clone does not carry it; lxc-destroy removes the whole directory
// (lxc_rmdir_onedev), so it goes with the container. A config comment would be copied by
// lxc-copy and then name the wrong origin.
// A restore in place rebuilds the container's directory from a snapshot: Strata's restore
// writes the record into the rebuilt directory; LXC's (lxc-snapshot -r) rebuilds it keeping
// only `snaps/` (LXC 5.0.2 container_destroy: lxc_rmdir_onedev(path, "snaps")), so each
// snapshot Strata takes of a copy keeps the owner's record too (OWNER_PROVENANCE_FILE, a name
// of its own: the snapshot itself was not copied from there), and a directory without a record
// reads it from its snapshots.
import { readdirSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ContainerRef } from '@shared/model'
import { readRegularFile } from '../fs/regular-file'

export const PROVENANCE_FILE = 'strata_copied_from'
/** In a snapshot's directory: the record of the container it is a snapshot of. */
export const OWNER_PROVENANCE_FILE = 'strata_owner_copied_from'

export interface Provenance {
  /** the container (or snapshot) the copy was made from */
  origin: ContainerRef
  /** when the copy was made, ISO 8601 */
  at: string
}

/** Writes the record into a container directory being built (atomically: a reader sees all or nothing). */
export function writeProvenance(dir: string, origin: ContainerRef, at = new Date()): void {
  const file = join(dir, PROVENANCE_FILE)
  writeFileSync(`${file}.tmp`, provenanceText({ origin, at: at.toISOString() }), { mode: 0o644 })
  renameSync(`${file}.tmp`, file)
}

/** The file's contents for a record (what a snapshot or a restore writes into the directory it builds). */
export function provenanceText(p: Provenance): string {
  return JSON.stringify({ origin: { lxcpath: p.origin.lxcpath, name: p.origin.name }, at: p.at }) + '\n'
}

/**
 * The record of a container directory, or null if it has none or it is not one Strata wrote;
 * without its own, the one its newest snapshot keeps (a restore in place by LXC drops its own).
 * `hasSnaps`: false when the caller knows the directory has no `snaps` (no snapshot to ask).
 */
export function readProvenance(dir: string, hasSnaps = true): Provenance | null {
  return ownOrSnapshotsProvenance(dir, parseRecord(join(dir, PROVENANCE_FILE)), hasSnaps)
}

/** readProvenance, for a caller that has read the directory's own record (`text`: null if none). */
export function provenanceFromText(dir: string, text: string | null, hasSnaps: boolean): Provenance | null {
  return ownOrSnapshotsProvenance(dir, text === null ? null : parseRecordText(text), hasSnaps)
}

function ownOrSnapshotsProvenance(dir: string, own: Provenance | null, hasSnaps: boolean): Provenance | null {
  if (own || !hasSnaps) return own
  let snaps: string[]
  try {
    snaps = readdirSync(join(dir, 'snaps')).filter((n) => /^snap[0-9]+$/.test(n))
  } catch {
    return null
  }
  snaps.sort((a, b) => Number(b.slice(4)) - Number(a.slice(4)))
  for (const snap of snaps) {
    const kept = parseRecord(join(dir, 'snaps', snap, OWNER_PROVENANCE_FILE))
    if (kept) return kept
  }
  return null
}

function parseRecord(file: string): Provenance | null {
  let text: string
  try {
    // Most containers have no record: a stat that does not throw spares a listing an error
    // object (with its stack) per container.
    const st = statSync(file, { throwIfNoEntry: false })
    if (!st) return null
    text = readRegularFile(file, st).toString('utf8')
  } catch {
    return null // none (ENOENT), or not a regular file: no record is better than a false one
  }
  return parseRecordText(text)
}

function parseRecordText(text: string): Provenance | null {
  try {
    const p = JSON.parse(text) as Partial<Provenance>
    const o = p.origin
    if (!o || typeof o.lxcpath !== 'string' || typeof o.name !== 'string' || !o.lxcpath.startsWith('/') || o.name === '' || typeof p.at !== 'string') return null
    return { origin: { lxcpath: o.lxcpath, name: o.name }, at: p.at }
  } catch {
    return null
  }
}
