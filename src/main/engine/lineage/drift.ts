// Base drift: an overlay clone reads its base's rootfs live, so a change to the base silently
// changes every clone on it. When Strata makes an overlay clone it records a fingerprint of the
// lower in a file of its own in the clone's directory (LXC ignores files it does not know);
// `strata check` recomputes it and names the directories that changed.
//
// The fingerprint is one hash per directory over its entries' (name, mode, size, mtime, ctime),
// lstat only: a file's content change moves its mtime/ctime, an add/remove/rename changes the
// directory's entry list, a chmod/chown moves ctime. That costs one lstat per entry (what du
// costs) and no reads of file data; hashing contents would cost reading the whole base. Per-
// directory hashes (bounded to MAX_DIRS) let the check name where the base changed, and the root
// hash covers everything even past the bound.
import { lstatSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { sha256 } from '../lazy-crypto'

export const FINGERPRINT_FILE = 'strata_base_fingerprint'
const MAX_DIRS = 50_000
const MAX_NAMED = 20

export interface BaseFingerprint {
  version: 1
  lower: string
  recordedAt: string
  /** hash over every directory hash, in walk order */
  root: string
  /** relative directory path ('' for the lower itself) -> hash of its entries */
  dirs: Record<string, string>
  /** more directories than MAX_DIRS: only the first ones are named */
  truncated: boolean
}

const SLASH = Buffer.from('/')

/** Per-directory hashes of a tree; never follows a symlink, never leaves the filesystem. */
export function fingerprintTree(lowerDir: string): Omit<BaseFingerprint, 'version' | 'lower' | 'recordedAt'> {
  const rootPath = Buffer.from(resolve(lowerDir))
  const top = lstatSync(rootPath, { bigint: true })
  const dirs: Record<string, string> = {}
  const all = sha256()
  let count = 0
  const walk = (abs: Buffer, rel: string): void => {
    let names: Buffer[]
    try {
      names = readdirSync(abs, { encoding: 'buffer' })
    } catch {
      names = []
    }
    names.sort(Buffer.compare)
    const h = sha256()
    const subdirs: [Buffer, string][] = []
    for (const n of names) {
      const child = Buffer.concat([abs, SLASH, n])
      const st = lstatSync(child, { bigint: true, throwIfNoEntry: false })
      if (!st) continue
      h.update(n).update(`\0${st.mode}:${st.size}:${st.mtimeNs}:${st.ctimeNs}\n`)
      if (st.isDirectory() && st.dev === top.dev) subdirs.push([child, rel ? `${rel}/${n.toString()}` : n.toString()])
    }
    const digest = h.digest('hex').slice(0, 32)
    all.update(`${rel}\0${digest}\n`)
    if (count++ < MAX_DIRS) dirs[rel] = digest
    for (const [c, r] of subdirs) walk(c, r)
  }
  walk(rootPath, '')
  return { root: all.digest('hex').slice(0, 32), dirs, truncated: count > MAX_DIRS }
}

/** Writes the clone's fingerprint of its lower (atomically); the clone op calls this once the clone exists. */
export function recordBaseFingerprint(cloneDir: string, lowerDir: string): BaseFingerprint {
  const fp: BaseFingerprint = { version: 1, lower: resolve(lowerDir), recordedAt: new Date().toISOString(), ...fingerprintTree(lowerDir) }
  const file = join(cloneDir, FINGERPRINT_FILE)
  writeFileSync(`${file}.tmp`, JSON.stringify(fp))
  renameSync(`${file}.tmp`, file)
  return fp
}

export function readBaseFingerprint(cloneDir: string): BaseFingerprint | null {
  try {
    const fp = JSON.parse(readFileSync(join(cloneDir, FINGERPRINT_FILE), 'utf8')) as BaseFingerprint
    return fp.version === 1 && typeof fp.root === 'string' ? fp : null
  } catch {
    return null
  }
}

export interface BaseDrift {
  lower: string
  recordedAt: string
  /** directories (relative to the lower, '/' for its top) whose entries changed, added or vanished */
  paths: string[]
  /** changed directories beyond those named */
  more: number
}

/**
 * Compares the lower with the clone's recorded fingerprint. Null when nothing was recorded or
 * nothing changed. `cache` lets many clones of one base share one walk of it.
 */
export function checkBaseDrift(
  cloneDir: string,
  lowerDir?: string,
  cache: Map<string, ReturnType<typeof fingerprintTree>> = new Map()
): BaseDrift | null {
  const fp = readBaseFingerprint(cloneDir)
  if (!fp) return null
  const lower = resolve(lowerDir ?? fp.lower)
  let now = cache.get(lower)
  if (!now) {
    try {
      now = fingerprintTree(lower)
    } catch {
      return null // a vanished lower is reported as origin-missing
    }
    cache.set(lower, now)
  }
  if (now.root === fp.root && lower === fp.lower) return null
  const changed: string[] = []
  for (const [rel, hash] of Object.entries(fp.dirs)) if (now.dirs[rel] !== hash) changed.push(rel)
  for (const rel of Object.keys(now.dirs)) if (!(rel in fp.dirs) && !fp.truncated) changed.push(rel)
  // A change inside a directory also moves that directory's mtime in its parent's listing:
  // name the deepest changed directories, not every ancestor.
  const parents = new Set(changed.map((p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : p === '' ? null : '')))
  const outer = changed.filter((p) => !parents.has(p))
  const paths = [...new Set(outer)].sort().map((p) => `/${p}`)
  return { lower, recordedAt: fp.recordedAt, paths: paths.slice(0, MAX_NAMED), more: Math.max(0, paths.length - MAX_NAMED) }
}
