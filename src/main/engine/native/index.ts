/**
 * Typed wrapper around the strata_native N-API addon (build/Release/strata_native.node,
 * built by node-gyp from binding.gyp at `npm install`).
 *
 * Everything heavy runs on the addon's own pthreads, never on the event loop or the libuv
 * pool. Cancellation: an AbortSignal sets a flag that the C side checks between entries.
 * The addon is loaded lazily, so importing this module never fails; the first call reports
 * a clear error if the .node file is missing. STRATA_NATIVE overrides its path.
 */
import { existsSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PackedDiff } from './packed-diff'
import { cancelled, unavailable, type StrataError } from '@shared/errors'

export { PackedDiff } from './packed-diff'

type Handle = object
type Started<T> = [Promise<T>, Handle]

interface Addon {
  copyTree(src: string, dst: string, threads: number, onProgress: ((p: { files: number; bytes: number }) => void) | null, dropUnsupportedXattrs: boolean): Started<CopyResult>
  scanUsage(root: string, threads: number, xattrs: boolean, dirTimes?: boolean, shared?: boolean): Started<UsageResult & { dirTimes?: RawDirTimes }>
  watchTree(root: string, fanotify: boolean, onChange: (dirs: string[], overflow: boolean, error: string | null) => void): Handle
  unwatchTree(handle: Handle): void
  statDir(root: string, rel: string, xattrs: boolean): RawDirStats | null
  removeTree(path: string, keep?: string): Started<void>
  getXattrs(path: string): Started<Record<string, Buffer>>
  setXattr(path: string, name: string, value: Buffer): Started<void>
  mknod(path: string, mode: number, major: number, minor: number): Started<void>
  lockFile(path: string, wait: boolean): Started<{ fd: number; kind: number }>
  unlock(fd: number, kind: number): void
  cancel(handle: Handle): void
  readContainerDirs(lxcpath: string, plain?: PlainConfigQuery): RawContainerDir[]
  btrfsSubvolume(path: string): BtrfsSubvolume | null
  layerDiff(upper: string, lowers: string[], threads: number, aufs: boolean): Started<RawPackedDiff>
}

/** A btrfs subvolume's UUID and, for a snapshot, its parent's (as `btrfs subvolume show` prints them). */
export interface BtrfsSubvolume {
  uuid: string
  parentUuid: string | null
}

/** What makes a config plain (keys.ts PlainKeyRules), and the keys whose values a plain one returns. */
export interface PlainConfigQuery {
  exact: string[]
  netSubkeys: string[]
  families: string[]
  /** at most 4 */
  wanted: string[]
}

/** One container directory as readContainerDirs found it; `*Error` is an errno name. */
export interface RawContainerDir {
  name: string
  /** the text, or the bytes of a config that is not UTF-8; null for a plain config or an unreadable one */
  config: string | Buffer | null
  configError?: string
  /** for a plain config (asked for, and found to be one), the last value of each wanted key or null */
  plainValues: (string | null)[] | null
  rdepends: string | null
  rdependsError?: string
  snapshots: string | null
  snapshotsError?: string
  /** Strata's provenance record (lineage/provenance.ts), or null when absent or unreadable */
  provenance: string | null
  partial: boolean
  snaps: boolean
}

export interface CopyProgress {
  files: number
  bytes: number
  /** Not computed (there is no pre-scan); present for API compatibility. */
  totalFiles?: number
  totalBytes?: number
}

export interface CopyOptions {
  signal?: AbortSignal
  onProgress?: (p: CopyProgress) => void
  /** Worker threads; default min(8, cores) (more only helps with a cold cache). */
  threads?: number
  /**
   * The user accepted losing what the destination cannot keep: an xattr its filesystem does not
   * support (ENOTSUP) is counted in droppedXattrs instead of failing the copy. Default: it fails.
   */
  dropUnsupportedXattrs?: boolean
}

export interface CopyResult {
  /** Regular files whose data was copied (hard links to them are counted in `hardlinks`). */
  files: number
  bytes: number
  /** Directories created below dst (dst itself not counted), including skipped mountpoints. */
  dirs: number
  symlinks: number
  /** Entries created with link() because their inode had already been copied. */
  hardlinks: number
  /** Device nodes (incl. 0/0 overlay whiteouts), fifos and sockets. */
  specials: number
  /** Directories on another filesystem than src: recreated empty, never entered. */
  skippedMounts: number
  /** xattrs (ACLs and file capabilities among them) not set because dst's filesystem keeps none (dropUnsupportedXattrs) */
  droppedXattrs: number
}

export interface UsageOptions {
  signal?: AbortSignal
  /** Worker threads; default min(8, cores). Use 8+ for cold-cache scans. */
  threads?: number
  /** Read trusted.overlay.opaque / user.overlay.opaque on every directory. */
  xattrs?: boolean
  /** Also count the bytes of extents other files share (reflink copies, snapshots): `sharedBytes`. */
  shared?: boolean
}

export interface UsageResult {
  /** Sum of st_size, each inode once, root and directories included: equals `du -sx --apparent-size -B1`. */
  apparentBytes: number
  /** Sum of st_blocks*512, each inode once: equals `du -sx -B1`. */
  allocatedBytes: number
  /** Regular-file entries (hard links counted per name, like `find -type f`). */
  files: number
  /** Directories including the root, like `find -type d`. */
  dirs: number
  symlinks: number
  /** Device nodes, fifos and sockets, except whiteouts. */
  specials: number
  /** Distinct non-directory inodes with nlink > 1. */
  hardlinkedInodes: number
  /** Character devices 0/0, counted per directory entry. */
  whiteouts: number
  /** Directories with the overlay opaque xattr = "y" (only with opts.xattrs). */
  opaqueDirs: number
  /** Entries that could not be read (EACCES, vanished dirs, ...); the scan goes on, like du. */
  errors: number
  /** Directories on another filesystem: neither counted nor entered (du -x). */
  skippedMounts: number
  /** With opts.shared: allocated bytes in extents that other files use too (FIEMAP_EXTENT_SHARED), as `btrfs filesystem du` counts them. */
  sharedBytes?: number
}

/**
 * One directory's entries, as statDir measures them (latin1 strings: a name's bytes). `self` is
 * [ino, dev, size, allocated, opaque] of the directory; `stats` holds per entry, in `names`
 * order (NUL-separated), [ino, nlink, size, allocated, kind] with kind 0 file, 1 dir, 2 symlink,
 * 3 whiteout, 4 other special. Directories on another filesystem are left out.
 */
export interface RawDirStats {
  self: [number, number, number, number, number]
  names: string
  stats: Float64Array
  count: number
}

/** Every directory of a tree: relative paths joined by NUL, and per directory (same order) its own ctime and the newest ctime of its other entries, in ns. */
export interface RawDirTimes {
  rels: string
  ctimes: BigInt64Array
  newest: BigInt64Array
}

/** How an upper layer marks deletions and opaque dirs: overlay's 0/0 devices and xattr, or aufs's `.wh.` names. */
export type WhiteoutFormat = 'overlay' | 'aufs'

/** What diff.c hands back: every entry of the diff in one buffer (decoded by PackedDiff). */
export interface RawPackedDiff {
  buffer: ArrayBuffer
  count: number
  errors: number
}

export interface LockHandle {
  /** Unlocks and closes the fd. Idempotent. */
  release(): void
}

const ADDON_REL = join('build', 'Release', 'strata_native.node')

/** Walks up from this file (src/main/engine/native under vitest, out/main in a bundle) to package.json. */
export function findPackageRoot(start: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = resolve(start)
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const up = dirname(dir)
    if (up === dir) return undefined
    dir = up
  }
}

/**
 * Where the addon is: STRATA_NATIVE, else next to this (bundled) file, as an installed helper
 * keeps it in /usr/libexec/strata, else the package's build/Release.
 */
export function addonPath(): string {
  const env = process.env['STRATA_NATIVE']
  if (env) return resolve(env)
  const beside = join(dirname(fileURLToPath(import.meta.url)), 'strata_native.node')
  if (existsSync(beside)) return beside
  const root = findPackageRoot()
  return root ? join(root, ADDON_REL) : ADDON_REL
}

let cached: Addon | undefined
/** Why the addon could not be loaded: remembered, so the fallbacks do not probe the disk every call. */
let missing: StrataError | undefined

function addon(): Addon {
  if (cached) return cached
  if (missing) throw missing
  const p = addonPath()
  if (!existsSync(p)) {
    missing = unavailable(
      'native-addon',
      `strata native addon not found at ${p}: run \`npm install\` (or \`npx node-gyp rebuild\`) in the package root, or set STRATA_NATIVE to the .node file`
    )
    throw missing
  }
  try {
    cached = createRequire(import.meta.url)(p) as Addon
  } catch (err) {
    missing = unavailable('native-addon', `strata native addon at ${p} failed to load: ${(err as Error).message}`, { cause: err })
    throw missing
  }
  return cached
}

/** True when the addon can be loaded (callers fall back to cp -a / du otherwise). */
export function nativeAvailable(): boolean {
  try {
    addon()
    return true
  } catch {
    return false
  }
}

function abortError(what: string, signal: AbortSignal): StrataError {
  return cancelled(`${what} aborted`, { cause: signal.reason })
}

/** Runs a native job, wiring an AbortSignal to cancel(handle) and ECANCELED to a `cancelled` StrataError. */
async function run<T>(what: string, signal: AbortSignal | undefined, start: () => Started<T>): Promise<T> {
  if (signal?.aborted) throw abortError(what, signal)
  const a = addon()
  const [promise, handle] = start()
  const onAbort = (): void => a.cancel(handle)
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    return await promise
  } catch (err) {
    if (signal?.aborted && (err as NodeJS.ErrnoException).code === 'ECANCELED') {
      throw cancelled(`${what} aborted: ${(err as Error).message}`, { cause: signal.reason })
    }
    throw err
  } finally {
    signal?.removeEventListener('abort', onAbort)
  }
}

function checkThreads(threads: number | undefined): number {
  if (threads === undefined) return 0
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new RangeError(`threads must be an integer in 1..64, got ${threads}`)
  return threads
}

/**
 * Faithful tree copy, like `rsync -aHAX --numeric-ids src/ dst/` restricted to one filesystem:
 * owners, modes (setuid/setgid/sticky), atimes+mtimes of everything (symlinks and dirs too),
 * hard links, all xattrs (capabilities, ACLs, trusted.*), devices, fifos, sockets, sparse
 * files, overlay whiteouts and opaque dirs. Never follows a symlink; mountpoints below src are
 * recreated empty and not entered (counted in skippedMounts).
 *
 * dst must not exist (its parent must) or be an empty directory; dst gets src's metadata.
 * On error or abort the promise rejects (message names the path and errno text; `code` is the
 * errno name, a `cancelled` StrataError on abort) and the partial dst is left in place: the caller removes it,
 * e.g. with removeTree(dst).
 */
export async function copyTree(src: string, dst: string, opts: CopyOptions = {}): Promise<CopyResult> {
  const threads = checkThreads(opts.threads)
  const s = resolve(src)
  const d = resolve(dst)
  if (d === s || d.startsWith(s.endsWith('/') ? s : s + '/')) throw new Error(`copyTree: destination ${d} is inside source ${s}`)
  const cb = opts.onProgress
  const onProgress = cb
    ? (p: { files: number; bytes: number }): void => {
        try {
          cb(p)
        } catch {
          // a failing progress callback must not break the copy
        }
      }
    : null
  return run('copyTree', opts.signal, () => addon().copyTree(s, d, threads, onProgress, opts.dropUnsupportedXattrs === true))
}

/** `du -sx` in one multi-threaded pass, plus counts, whiteouts and opaque dirs. */
export async function scanUsage(root: string, opts: UsageOptions = {}): Promise<UsageResult> {
  const threads = checkThreads(opts.threads)
  return run('scanUsage', opts.signal, () => addon().scanUsage(resolve(root), threads, opts.xattrs ?? false, false, opts.shared ?? false))
}

/** A feed of the directories that change under root (latin1 paths); see watch.c. Call the answer to stop it. */
export function watchTree(root: string, how: 'fanotify' | 'inotify', onChange: (dirs: string[], overflow: boolean, error: string | null) => void): () => void {
  const a = addon()
  const handle = a.watchTree(root, how === 'fanotify', onChange)
  return () => a.unwatchTree(handle)
}

/** One directory's entries (root and rel are latin1 strings, rel relative to root; '' for root itself), or null when it is gone. */
export function statDir(root: string, rel: string, xattrs: boolean): RawDirStats | null {
  return addon().statDir(root, rel, xattrs)
}

/**
 * Each directory's ctime and the newest ctime among its other entries, for base-drift checks:
 * one multi-threaded lstat pass like scanUsage (never follows a symlink, never leaves the
 * root's filesystem), off the event loop.
 */
export async function dirTimes(root: string, opts: { signal?: AbortSignal; threads?: number } = {}): Promise<RawDirTimes> {
  const threads = checkThreads(opts.threads)
  const r = await run('scanUsage', opts.signal, () => addon().scanUsage(resolve(root), threads, false, true))
  if (!r.dirTimes) throw new Error('dirTimes: the native addon returned no directory times')
  return r.dirTimes
}

/**
 * `rm -rf` that never follows symlinks and never crosses a mountpoint (it stops with an error
 * instead). Refuses '/' and a path that is itself a mountpoint. A missing path is not an error.
 * With `keep` (a file name), the directory must hold a regular file of that name owned by this
 * user or root, checked on the directory as opened; it is removed last.
 */
export async function removeTree(path: string, opts: { signal?: AbortSignal; keep?: string } = {}): Promise<void> {
  const p = resolve(path)
  if (p === '/') throw new Error("removeTree: refusing to remove '/'")
  if (opts.keep !== undefined && (opts.keep.includes('/') || opts.keep === '' || opts.keep === '.' || opts.keep === '..'))
    throw new Error(`removeTree: ${opts.keep} is not a file name`)
  return run('removeTree', opts.signal, () => addon().removeTree(p, opts.keep))
}

/** All xattrs of path itself (lgetxattr: a symlink's own, never its target's). */
export async function getXattrs(path: string): Promise<Record<string, Buffer>> {
  return run('getXattrs', undefined, () => addon().getXattrs(path))
}

/** lsetxattr(path, name, value, 0). */
export async function setXattr(path: string, name: string, value: Buffer): Promise<void> {
  return run('setXattr', undefined, () => addon().setXattr(path, name, value))
}

/** mknod(path, mode, makedev(major, minor)); mode includes the type (fs.constants.S_IFCHR | 0o000 for a whiteout). */
export async function mknod(path: string, mode: number, major: number, minor: number): Promise<void> {
  return run('mknod', undefined, () => addon().mknod(path, mode, major, minor))
}

/** Creates an overlayfs whiteout (char device 0/0, mode 0). */
export async function mkWhiteout(path: string): Promise<void> {
  return mknod(path, 0o020000, 0, 0)
}

/**
 * Takes LXC's kind of lock on path: open O_CREAT|O_RDWR|O_NOFOLLOW|O_CLOEXEC 0600 (parents
 * 0755), then an OFD write lock on the whole file (flock if OFD locks give EINVAL, as LXC does).
 * Waits off the event loop by polling F_OFD_SETLK (1-25 ms backoff) so that it can be aborted;
 * a blocked F_OFD_SETLKW waiter (LXC) may therefore win the race after a release.
 * wait=false: rejects at once with code EAGAIN when the lock is held.
 * The lock lives until release() (or process exit); the file is never deleted, like LXC.
 */
export async function lockFile(path: string, opts: { signal?: AbortSignal; wait?: boolean } = {}): Promise<LockHandle> {
  const a = addon()
  const { fd, kind } = await run('lockFile', opts.signal, () => a.lockFile(resolve(path), opts.wait ?? true))
  let held = true
  return {
    release(): void {
      if (!held) return
      held = false
      a.unlock(fd, kind)
    }
  }
}

/** LXC's run dir (get_rundir): /run if we own it, else $XDG_RUNTIME_DIR, else $HOME/.cache/lxc/run/. */
export function lxcRunDir(): string {
  const euid = process.geteuid?.() ?? -1
  const egid = process.getegid?.() ?? -1
  try {
    const st = statSync('/run')
    if (st.uid === euid || st.gid === egid) return '/run'
  } catch {
    // no /run: fall through
  }
  const xdg = process.env['XDG_RUNTIME_DIR']
  if (xdg) return xdg
  const home = process.env['HOME']
  if (!home) throw new Error('lxcRunDir: neither /run (owned), XDG_RUNTIME_DIR nor HOME is usable')
  return `${home}/.cache/lxc/run/`
}

/**
 * The exact string LXC's lxclock_name() builds: `<rundir>/lxc/lock/<lxcpath>/.<name>`. An
 * absolute lxcpath gives a harmless '//' (e.g. /run/lxc/lock//var/lib/lxc/.c1): same file.
 */
export function lxcLockPath(lxcpath: string, name: string): string {
  return `${lxcRunDir()}/lxc/lock/${lxcpath}/.${name}`
}

/**
 * Every defined container of an lxcpath (a directory with a `config`, name not starting with
 * '.') with its config bytes, lxc_rdepends / lxc_snapshots text and `partial` / `snaps`
 * presence, read synchronously in one call. Throws an Error with `code` (ENOENT, EACCES, ...)
 * when the lxcpath itself cannot be read.
 */
/** The subvolume at path (its root directory), or null when it is none or the addon is missing. */
export function btrfsSubvolume(path: string): BtrfsSubvolume | null {
  return nativeAvailable() ? addon().btrfsSubvolume(path) : null
}

export function readContainerDirs(lxcpath: string, plain?: PlainConfigQuery): RawContainerDir[] {
  return plain ? addon().readContainerDirs(lxcpath, plain) : addon().readContainerDirs(lxcpath)
}

/**
 * An overlay upper against its lowers (top first) in one multi-threaded native pass: added,
 * modified (copied up), deleted (whiteouts) and opaque entries in walk order (a directory's line,
 * then its subtree), with bytes and shadowed lower bytes, packed in one buffer.
 * `errors` counts entries that could not be read (the diff goes on, like du).
 * `whiteouts: 'aufs'` reads an aufs upper, whose whiteouts and opaque dirs are `.wh.` names.
 */
export async function diffLayers(
  upper: string,
  lowers: string[],
  opts: { signal?: AbortSignal; threads?: number; whiteouts?: WhiteoutFormat } = {}
): Promise<PackedDiff> {
  const threads = checkThreads(opts.threads)
  const aufs = opts.whiteouts === 'aufs'
  const raw = await run('layerDiff', opts.signal, () => addon().layerDiff(resolve(upper), lowers.map((l) => resolve(l)), threads, aufs))
  return new PackedDiff(raw)
}
