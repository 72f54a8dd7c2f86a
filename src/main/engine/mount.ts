// What is mounted (/proc/self/mountinfo) and Strata's own mounts of container rootfs at private
// mountpoints (for browsing, and for measuring or copying a stopped container). What is mounted
// is always read from mountinfo, never remembered: a record file per mount only says which
// container a mountpoint belongs to, so that a crash leaves nothing Strata cannot find and
// clean. How a rootfs is mounted is its driver's business (container-mount.ts).
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Backend, ContainerRef } from '@shared/model'
import { lxcRunDir } from './native'
import { failed, isStrataError, refused } from '@shared/errors'
import { run, toolFailure } from './tools'
import { ROOTFS_MOUNT } from './fs/rootfs-mount'
import { sha256 } from './lazy-crypto'

// ---- /proc/self/mountinfo ----

export interface MountinfoEntry {
  id: number
  parent: number
  /** major:minor */
  dev: string
  /** the path inside the mounted filesystem that is the mount's root (a bind mount's source) */
  root: string
  mountpoint: string
  options: string[]
  fstype: string
  source: string
  superOptions: string[]
}

/** The kernel escapes space, tab, newline and backslash in mountinfo as \ooo. */
function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))
}

export function parseMountinfo(text: string): MountinfoEntry[] {
  const entries: MountinfoEntry[] = []
  for (const line of text.split('\n')) {
    if (!line) continue
    const f = line.split(' ')
    const sep = f.indexOf('-', 6)
    if (sep < 0 || f.length < sep + 3) continue
    entries.push({
      id: Number(f[0]),
      parent: Number(f[1]),
      dev: f[2]!,
      root: unescapeMountinfo(f[3]!),
      mountpoint: unescapeMountinfo(f[4]!),
      options: f[5]!.split(','),
      fstype: f[sep + 1]!,
      source: unescapeMountinfo(f[sep + 2]!),
      superOptions: (f[sep + 3] ?? '').split(',')
    })
  }
  return entries
}

export function readMountinfo(file = '/proc/self/mountinfo'): MountinfoEntry[] {
  return parseMountinfo(readFileSync(file, 'utf8'))
}

/** The mount a path lives on: the entry with the longest mountpoint prefix (the last one wins when stacked). */
export function mountOf(path: string, mounts: readonly MountinfoEntry[] = readMountinfo()): MountinfoEntry | null {
  const p = resolve(path)
  let best: MountinfoEntry | null = null
  for (const m of mounts) {
    const mp = m.mountpoint
    const inside = p === mp || mp === '/' || p.startsWith(mp.endsWith('/') ? mp : `${mp}/`)
    if (inside && (!best || mp.length >= best.mountpoint.length)) best = m
  }
  return best
}

/** The mountpoints at `path` or below it, each once (the path resolved as the kernel shows mountpoints). */
export function mountpointsAtOrUnder(path: string, mounts: readonly MountinfoEntry[] = readMountinfo()): string[] {
  let real: string
  try {
    real = realpathSync(path)
  } catch {
    return []
  }
  const below = real === '/' ? '/' : `${real}/`
  return [...new Set(mounts.map((m) => m.mountpoint).filter((mp) => mp === real || mp.startsWith(below)))]
}

// ---- Strata's mounts ----

export type MountPurpose = 'user' | 'scan'

/** What Strata writes next to its mountpoints: which container a mountpoint shows. */
export interface MountRecord {
  lxcpath: string
  name: string
  mountpoint: string
  readOnly: boolean
  purpose: MountPurpose
  pid: number
  /** whose driver mounted it */
  backend?: Backend
  /** what that driver mounted for it and must release again (a zfs dataset) */
  held?: string
}

export interface StrataMount {
  ref: ContainerRef
  mountpoint: string
  readOnly: boolean
  purpose: MountPurpose
  /** the process that made it */
  pid: number
  fstype: string
  source: string
}

export interface StaleMount {
  mountpoint: string
  ref: ContainerRef | null
  reason: string
  mounted: boolean
}

/** Strata's own directory for mountpoints and their records: `<LXC's rundir>/strata/mounts`. */
export function strataMountDir(): string {
  return join(lxcRunDir(), 'strata', 'mounts')
}

function mountKey(ref: ContainerRef): string {
  const hash = sha256().update(`${resolve(ref.lxcpath)}\0${ref.name}`).digest('hex').slice(0, 12)
  const readable = ref.name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40)
  return `${readable}-${hash}`
}

function recordFile(ref: ContainerRef): string {
  return join(strataMountDir(), `${mountKey(ref)}.json`)
}

function readRecords(): MountRecord[] {
  const dir = strataMountDir()
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  const records: MountRecord[] = []
  for (const n of names) {
    if (!n.endsWith('.json')) continue
    try {
      records.push(JSON.parse(readFileSync(join(dir, n), 'utf8')) as MountRecord)
    } catch {
      // a torn record: findStaleMounts reports the mountpoint without it
    }
  }
  return records
}

function isUnder(path: string, dir: string): boolean {
  return path.startsWith(`${dir}/`)
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Every container mount Strata made that the kernel still has, from /proc/self/mountinfo. */
export function listStrataMounts(mounts: readonly MountinfoEntry[] = readMountinfo()): StrataMount[] {
  const found: StrataMount[] = []
  for (const r of readRecords()) {
    const m = [...mounts].reverse().find((e) => e.mountpoint === r.mountpoint)
    if (!m) continue
    found.push({
      ref: { lxcpath: r.lxcpath, name: r.name },
      mountpoint: r.mountpoint,
      readOnly: m.options.includes('ro'),
      purpose: r.purpose,
      pid: r.pid,
      fstype: m.fstype,
      source: m.source
    })
  }
  return found
}

/** The mount Strata holds for a container, or null. */
export function strataMountOf(ref: ContainerRef): StrataMount | null {
  const key = `${resolve(ref.lxcpath)}\0${ref.name}`
  return listStrataMounts().find((m) => `${resolve(m.ref.lxcpath)}\0${m.ref.name}` === key) ?? null
}

/**
 * Mounts left behind by a crash or by a vanished container: a scan mount whose process is gone,
 * a mount of a container that no longer exists, a mountpoint in Strata's dir with no record,
 * and records of mounts the kernel no longer has.
 */
export function findStaleMounts(mounts: readonly MountinfoEntry[] = readMountinfo()): StaleMount[] {
  const dir = strataMountDir()
  const stale: StaleMount[] = []
  const records = readRecords()
  const recorded = new Set(records.map((r) => r.mountpoint))
  for (const r of records) {
    const ref = { lxcpath: r.lxcpath, name: r.name }
    const mounted = mounts.some((m) => m.mountpoint === r.mountpoint)
    if (!mounted) stale.push({ mountpoint: r.mountpoint, ref, reason: 'recorded, but no longer mounted', mounted })
    else if (r.purpose === 'scan' && !pidAlive(r.pid)) stale.push({ mountpoint: r.mountpoint, ref, reason: `mounted for a scan by process ${r.pid}, which is gone`, mounted })
    else if (!existsSync(join(r.lxcpath, r.name, 'config'))) stale.push({ mountpoint: r.mountpoint, ref, reason: `the container ${r.lxcpath}/${r.name} no longer exists`, mounted })
  }
  const seen = new Set<string>()
  for (const m of mounts) {
    if (!isUnder(m.mountpoint, dir) || recorded.has(m.mountpoint) || seen.has(m.mountpoint)) continue
    seen.add(m.mountpoint)
    stale.push({ mountpoint: m.mountpoint, ref: null, reason: 'mounted in Strata\'s mount directory without a record', mounted: true })
  }
  return stale
}

/** Unmounts and forgets every stale mount; returns what was cleaned. */
export async function cleanStaleMounts(): Promise<StaleMount[]> {
  const stale = findStaleMounts()
  for (const s of stale) {
    if (s.mounted) await umountPath(s.mountpoint, true)
    if (isUnder(s.mountpoint, strataMountDir())) tryRmdir(s.mountpoint)
    if (s.ref) forgetRecord(s.ref)
  }
  return stale
}

function tryRmdir(path: string): void {
  try {
    rmdirSync(path)
  } catch {
    // not empty or already gone: leave it
  }
}

function forgetRecord(ref: ContainerRef): void {
  try {
    unlinkSync(recordFile(ref))
  } catch {
    // already gone
  }
}

async function umountPath(path: string, lazyIfBusy: boolean): Promise<void> {
  try {
    await run('umount', [path], { timeoutMs: 30_000 })
  } catch (err) {
    if (!lazyIfBusy) throw err
    await run('umount', ['-l', path], { timeoutMs: 30_000 })
  }
}

export interface StrataMountRequest {
  /** where to mount; default a fresh directory under strataMountDir() */
  path?: string
  readOnly: boolean
  purpose: MountPurpose
  /** the backend whose driver mounts it (and releases what it held) */
  backend: Backend
}

function show(ref: ContainerRef): string {
  return `${ref.lxcpath}/${ref.name}`
}

/**
 * Mounts a container's rootfs with `mount` (its driver's work) at a private mountpoint: the
 * record goes first, so that a crash between the two leaves nothing findStaleMounts misses;
 * whatever fails is undone. `mount` returns what its driver holds for release(), if anything.
 */
export async function addStrataMount(ref: ContainerRef, req: StrataMountRequest, mount: (at: string) => Promise<string | undefined>): Promise<StrataMount> {
  const dir = strataMountDir()
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const mountpoint = resolve(req.path ?? join(dir, mountKey(ref)))
  const made = !existsSync(mountpoint)
  if (made) mkdirSync(mountpoint, { recursive: !req.path, mode: 0o700 })
  else if (!statSync(mountpoint).isDirectory()) throw refused('mountpoint-not-directory', `the mountpoint ${mountpoint} is not a directory`, mountpoint)
  else if (readdirSync(mountpoint).length > 0) throw refused('mountpoint-not-empty', `the mountpoint ${mountpoint} is not empty`, mountpoint)

  const rec: MountRecord = { lxcpath: ref.lxcpath, name: ref.name, mountpoint, readOnly: req.readOnly, purpose: req.purpose, pid: process.pid, backend: req.backend }
  writeFileSync(recordFile(ref), JSON.stringify(rec))
  try {
    const held = await mount(mountpoint)
    if (held !== undefined) writeFileSync(recordFile(ref), JSON.stringify({ ...rec, held }))
    // Private propagation: the mount must not show up inside containers LXC starts later.
    await run('mount', ['--make-private', mountpoint], { timeoutMs: 15_000 })
  } catch (err) {
    if (readMountinfo().some((m) => m.mountpoint === mountpoint)) await umountPath(mountpoint, true).catch(() => undefined)
    if (made) tryRmdir(mountpoint)
    forgetRecord(ref)
    // a refusal stands as it is; a tool's or mountRootfs's failure is told as this mount failing
    if (isStrataError(err) && !toolFailure(err) && err.rule !== ROOTFS_MOUNT) throw err
    throw failed(`cannot mount ${show(ref)} at ${mountpoint}: ${toolFailure(err)?.stderr || (err as Error).message}`, { subject: show(ref), cause: err })
  }
  const m = strataMountOf(ref)
  if (!m) throw failed(`mounted ${show(ref)} at ${mountpoint}, but /proc/self/mountinfo does not show it`, { subject: show(ref) })
  return m
}

/** Unmounts Strata's mount of a container and forgets it; its record (for the driver's release), or null when there was none. */
export async function removeStrataMount(ref: ContainerRef): Promise<MountRecord | null> {
  const m = strataMountOf(ref)
  const rec = readRecords().find((r) => r.lxcpath === ref.lxcpath && r.name === ref.name) ?? null
  if (!m) {
    if (rec) forgetRecord(ref)
    return null
  }
  try {
    await umountPath(m.mountpoint, false)
  } catch (err) {
    const why = toolFailure(err)?.stderr || (err as Error).message
    throw failed(`cannot unmount ${show(ref)} from ${m.mountpoint}: ${why}`, { subject: show(ref), cause: err })
  }
  if (isUnder(m.mountpoint, strataMountDir())) tryRmdir(m.mountpoint)
  forgetRecord(ref)
  return rec ?? { lxcpath: ref.lxcpath, name: ref.name, mountpoint: m.mountpoint, readOnly: m.readOnly, purpose: m.purpose, pid: m.pid }
}

/** Runs fn with the rootfs mounted read-only by `mount` for a scan or a copy (reusing Strata's mount of it if there is one). */
export async function withScanMount<T>(ref: ContainerRef, backend: Backend, mount: (at: string) => Promise<string | undefined>, fn: (root: string) => Promise<T>): Promise<T> {
  const existing = strataMountOf(ref)
  if (existing) return fn(existing.mountpoint)
  const m = await addStrataMount(ref, { readOnly: true, purpose: 'scan', backend }, mount)
  try {
    return await fn(m.mountpoint)
  } finally {
    await removeStrataMount(ref)
  }
}
