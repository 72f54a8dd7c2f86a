// lxc-snapshot's snapshots: full containers under `<P>/<n>/snaps/snapN`, each with a `ts` and
// an optional `comment`; or, when a `<P>snaps` directory exists (LXC 1.0's layout, still
// honoured by LXC 5), under `<P>snaps/<n>/snapN`.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { ContainerRef, SnapshotInfo } from '@shared/model'
import { containerDirEntries, readContainer, type ContainerRecord } from '../container'
import { readRegularFile } from '../fs/regular-file'

/** LXC 1.0's `<P>snaps` root, when it exists (then LXC 5 keeps using it), else null. */
export function legacySnapshotRoot(lxcpath: string): string | null {
  const root = `${lxcpath.replace(/\/+$/, '')}snaps`
  return statSync(root, { throwIfNoEntry: false })?.isDirectory() ? root : null
}

/** The directory lxc-snapshot uses for a container's snapshots (get_snappath_dir). */
export function snapshotDir(lxcpath: string, name: string, legacyRoot = legacySnapshotRoot(lxcpath)): string {
  return legacyRoot === null ? join(lxcpath, name, 'snaps') : join(legacyRoot, name)
}

function readOptional(file: string): string | null {
  try {
    return readRegularFile(file).toString('utf8')
  } catch {
    return null
  }
}

export interface SnapshotRecord {
  info: SnapshotInfo
  record: ContainerRecord
}

function snapNumber(name: string): number {
  const m = /^snap(\d+)$/.exec(name)
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER
}

/**
 * Every entry of the snapshot dir that holds a config, ordered snap0, snap1, ...
 * `ownerEntries` (the owner directory's names) lets the common case, no snaps/, skip a failed readdir.
 */
export function readSnapshots(
  owner: ContainerRef,
  legacyRoot: string | null = legacySnapshotRoot(owner.lxcpath),
  ownerEntries: Set<string> | null = null
): SnapshotRecord[] {
  if (legacyRoot === null && ownerEntries && !ownerEntries.has('snaps')) return []
  const snapdir = snapshotDir(owner.lxcpath, owner.name, legacyRoot)
  let names: string[]
  try {
    names = readdirSync(snapdir)
  } catch {
    return []
  }
  names.sort((a, b) => snapNumber(a) - snapNumber(b) || (a < b ? -1 : a > b ? 1 : 0))
  const snapshots: SnapshotRecord[] = []
  for (const name of names) {
    const dir = join(snapdir, name)
    const present = containerDirEntries(dir)
    if (!present) continue
    const record = readContainer({ lxcpath: snapdir, name }, dir, present)
    const comment = readOptional(join(dir, 'comment'))
    snapshots.push({
      record,
      info: {
        name,
        snapdir,
        timestamp: readOptional(join(dir, 'ts'))?.trim() ?? null,
        comment: comment === null ? null : comment.replace(/\n$/, ''),
        backend: record.backend,
        rootfs: record.rootfs
      }
    })
  }
  return snapshots
}
