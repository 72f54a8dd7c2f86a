// Strata's own record of where a copy clone came from. LXC records an origin only for clones
// that read it (lxc_rdepends / lxc_snapshots); a copy needs nothing of its origin, so LXC keeps
// nothing and the lineage would lose the relation. The record is a small file in the clone's
// own directory, beside LXC's bookkeeping and never mixed into it: lxc-copy copies only the
// config, the rootfs and the hook/fstab files the config names (LXC 5.0.2 do_lxcapi_clone), so
// an lxc-copy of the clone does not carry it; lxc-destroy removes the whole directory
// (lxc_rmdir_onedev), so it goes with the container. A config comment would be copied by
// lxc-copy and then name the wrong origin.
import { renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ContainerRef } from '@shared/model'
import { readRegularFile } from '../fs/regular-file'

export const PROVENANCE_FILE = 'strata_copied_from'

export interface Provenance {
  /** the container (or snapshot) the copy was made from */
  origin: ContainerRef
  /** when the copy was made, ISO 8601 */
  at: string
}

/** Writes the record into a container directory being built (atomically: a reader sees all or nothing). */
export function writeProvenance(dir: string, origin: ContainerRef, at = new Date()): void {
  const file = join(dir, PROVENANCE_FILE)
  const record: Provenance = { origin: { lxcpath: origin.lxcpath, name: origin.name }, at: at.toISOString() }
  writeFileSync(`${file}.tmp`, JSON.stringify(record) + '\n', { mode: 0o644 })
  renameSync(`${file}.tmp`, file)
}

/** The record of a container directory, or null if it has none or it is not one Strata wrote. */
export function readProvenance(dir: string): Provenance | null {
  let text: string
  try {
    text = readRegularFile(join(dir, PROVENANCE_FILE)).toString('utf8')
  } catch {
    return null // none (ENOENT), or not a regular file: no record is better than a false one
  }
  try {
    const p = JSON.parse(text) as Partial<Provenance>
    const o = p.origin
    if (!o || typeof o.lxcpath !== 'string' || typeof o.name !== 'string' || !o.lxcpath.startsWith('/') || o.name === '' || typeof p.at !== 'string') return null
    return { origin: { lxcpath: o.lxcpath, name: o.name }, at: p.at }
  } catch {
    return null
  }
}
