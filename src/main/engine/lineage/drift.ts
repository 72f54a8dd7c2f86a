// Base drift: an overlay clone reads its base's rootfs live, so a change to the base silently
// changes every clone on it. When Strata makes an overlay clone it records, in a file of its own
// in the clone's directory (LXC ignores files it does not know), the moment it was made as the
// kernel stamps file times; `strata check` then names the directories of the base holding
// anything whose ctime is at or after that moment.
//
// ctime is the one time nobody can set: an edited file, a chmod or chown, a new or renamed
// entry (and, in its directory, a removed one) all move it to "now", and a restore that puts
// old mtimes back still moves it. So the clone costs one small file whatever the size of the
// base, and only the check walks it: one lstat per entry (what du costs), no hashing, no reads
// of file data, on the native addon's threads off the event loop (a plain-Node walk without it).
// (A base on a network filesystem is stamped by the server's clock.)
import { lstatSync, readdirSync, readFileSync, renameSync, writeFileSync, type BigIntStats } from 'node:fs'
import { join, resolve } from 'node:path'
import type { LxcpathScan } from './scan'
import { dirTimes, nativeAvailable } from '../native/index'
import { refKey } from './bookkeeping'
import { goneLowers } from '../rootfs'

export const FINGERPRINT_FILE = 'strata_base_fingerprint'
const MAX_NAMED = 20

export interface BaseFingerprint {
  version: 2
  lower: string
  recordedAt: string
  /** the clone's moment as the kernel stamps file times: ns since the epoch, decimal */
  sinceNs: string
}

/** What Strata 0.1 wrote: hashes of the lower's directories, and the time it took them. */
interface LegacyFingerprint {
  version: 1
  lower: string
  recordedAt: string
}

/** Each directory of a lower, once per lower however many clones share it. */
interface DirTimes {
  /** relative to the lower, '' for the lower itself */
  rel: string
  /** the directory's own ctime: its entries were added, removed or renamed then */
  ctimeNs: bigint
  /** the newest ctime among its other entries (files, links, devices) */
  newestEntryNs: bigint
}

export type LowerTimes = DirTimes[]

/** Where checks find and keep the walks of lowers: a Map for one read, a LowerWalkCache across reads. */
export interface LowerWalks {
  get(lower: string): LowerTimes | undefined
  set(lower: string, times: LowerTimes): unknown
}

/**
 * Walks of lowers kept for a while: a long-lived engine (the app, the root helper) reads the
 * lineage again on every change, and a base of 50k entries costs ~0.3 s to walk. A base that
 * changes is then reported up to `maxAgeMs` late; `strata check` always walks afresh.
 */
export class LowerWalkCache implements LowerWalks {
  /** What the app's engine and the root helper use: a burst of change events shares one walk. */
  static readonly FOR_LONG_LIVED_ENGINE_MS = 15_000

  private readonly walks = new Map<string, { at: number; times: LowerTimes }>()
  constructor(private readonly maxAgeMs: number) {}

  get(lower: string): LowerTimes | undefined {
    const walk = this.walks.get(lower)
    if (walk && Date.now() - walk.at <= this.maxAgeMs) return walk.times
    this.walks.delete(lower)
    return undefined
  }

  set(lower: string, times: LowerTimes): this {
    this.walks.set(lower, { at: Date.now(), times })
    return this
  }
}

const SLASH = Buffer.from('/')

/** Every directory's times (see lowerTimesJs), on the native addon's threads when it is there. */
export async function lowerTimes(lowerDir: string): Promise<LowerTimes> {
  if (!nativeAvailable()) return lowerTimesJs(lowerDir)
  const raw = await dirTimes(lowerDir)
  const rels = raw.rels.split('\0')
  return rels.map((rel, i) => ({ rel, ctimeNs: raw.ctimes[i] as bigint, newestEntryNs: raw.newest[i] as bigint }))
}

/**
 * Every directory's times; never follows a symlink, never leaves the lower's filesystem. Paths
 * are walked as bytes, so names that are not UTF-8 are measured too.
 */
export function lowerTimesJs(lowerDir: string): LowerTimes {
  const rootPath = Buffer.from(resolve(lowerDir))
  const top = lstatSync(rootPath, { bigint: true })
  const dirs: DirTimes[] = []
  const walk = (abs: Buffer, rel: string, self: BigIntStats): void => {
    let names: Buffer[]
    try {
      names = readdirSync(abs, { encoding: 'buffer' })
    } catch {
      names = []
    }
    const entry: DirTimes = { rel, ctimeNs: self.ctimeNs, newestEntryNs: 0n }
    dirs.push(entry)
    for (const n of names) {
      const child = Buffer.concat([abs, SLASH, n])
      const st = lstatSync(child, { bigint: true, throwIfNoEntry: false })
      if (!st) continue
      if (st.isDirectory()) {
        if (st.dev === top.dev) walk(child, rel ? `${rel}/${n.toString()}` : n.toString(), st)
      } else if (st.ctimeNs > entry.newestEntryNs) {
        entry.newestEntryNs = st.ctimeNs
      }
    }
  }
  walk(rootPath, '', top)
  return dirs
}

/**
 * Records when the clone in `cloneDir` was made (atomically); the clone op calls this once the
 * clone exists. The moment is the ctime the kernel gives a new file now, so that it compares
 * exactly with the base's ctimes (file times come from a coarser clock than Date.now).
 */
export function recordBaseFingerprint(cloneDir: string, lowerDir: string): BaseFingerprint {
  const file = join(cloneDir, FINGERPRINT_FILE)
  writeFileSync(`${file}.tmp`, '')
  const sinceNs = lstatSync(`${file}.tmp`, { bigint: true }).ctimeNs
  const fp: BaseFingerprint = { version: 2, lower: resolve(lowerDir), recordedAt: new Date().toISOString(), sinceNs: String(sinceNs) }
  writeFileSync(`${file}.tmp`, JSON.stringify(fp))
  renameSync(`${file}.tmp`, file)
  return fp
}

export function readBaseFingerprint(cloneDir: string): BaseFingerprint | null {
  try {
    const fp = JSON.parse(readFileSync(join(cloneDir, FINGERPRINT_FILE), 'utf8')) as BaseFingerprint | LegacyFingerprint
    if (fp.version === 2 && /^\d+$/.test(fp.sinceNs)) return fp
    // A 0.1 fingerprint: its time was taken right after the clone was made.
    const ms = fp.version === 1 ? Date.parse(fp.recordedAt) : NaN
    return Number.isFinite(ms) ? { version: 2, lower: fp.lower, recordedAt: fp.recordedAt, sinceNs: String(BigInt(ms) * 1_000_000n) } : null
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
 * Compares the lower with the moment the clone was made. Null when nothing was recorded or
 * nothing changed since. `cache` lets many clones of one base share one walk of it.
 */
export async function checkBaseDrift(cloneDir: string, lowerDir?: string, cache: LowerWalks = new Map()): Promise<BaseDrift | null> {
  const fp = readBaseFingerprint(cloneDir)
  if (!fp) return null
  const lower = resolve(lowerDir ?? fp.lower)
  let times = cache.get(lower)
  if (!times) {
    try {
      times = await lowerTimes(lower)
    } catch {
      return null // a vanished lower is reported as origin-missing
    }
    cache.set(lower, times)
  }
  const since = BigInt(fp.sinceNs)
  const changed = times.filter((d) => d.ctimeNs >= since || d.newestEntryNs >= since).map((d) => d.rel)
  if (changed.length === 0) return null
  // A new or removed subdirectory also changes its parent: name the deepest changed directories.
  const parents = new Set(changed.map((p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : p === '' ? null : '')))
  const paths = changed
    .filter((p) => !parents.has(p))
    .sort()
    .map((p) => `/${p}`)
  return { lower, recordedAt: fp.recordedAt, paths: paths.slice(0, MAX_NAMED), more: Math.max(0, paths.length - MAX_NAMED) }
}

/**
 * The drift of every overlay/aufs clone and snapshot in the scans whose lowers all exist (a
 * missing one is an origin-missing finding instead), by refKey. One walk per lower, in turn, so
 * clones of one base share it.
 */
export async function baseDrifts(scans: readonly LxcpathScan[], walks: LowerWalks = new Map()): Promise<Map<string, BaseDrift>> {
  const drifts = new Map<string, BaseDrift>()
  for (const scan of scans) {
    for (const c of scan.containers) {
      for (const { record } of [c, ...c.snapshots]) {
        const spec = record.spec
        if (!spec || !('lowers' in spec) || !spec.lowers[0] || goneLowers(spec).length) continue
        const drift = await checkBaseDrift(record.dir, spec.lowers[0], walks)
        if (drift) drifts.set(refKey(record.ref), drift)
      }
    }
  }
  return drifts
}
