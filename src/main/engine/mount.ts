// Mounting a container's rootfs (any backend) at a private mountpoint of Strata's own, for
// browsing and for measuring it while it is stopped. What is mounted is always read from
// /proc/self/mountinfo, never remembered: a record file per mount only says which container a
// mountpoint belongs to, so that a crash leaves nothing Strata cannot find and clean.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { ContainerRef, ContainerState, RootfsSpec } from '@shared/model'
import { readContainer } from './container'
import { lxcRunDir } from './native'
import { readStates } from './state'
import { run, ToolError } from './tools'
import { sha256 } from './lazy-crypto'

export class MountError extends Error {
  constructor(
    readonly ref: ContainerRef | null,
    message: string
  ) {
    super(message)
    this.name = 'MountError'
  }
}

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

// ---- overlay options ----

/**
 * The filesystem type name to mount overlays with: `overlay` (kernel >= 4.0), or the legacy
 * `overlayfs` of Ubuntu's old kernels when /proc/filesystems lists only that; null when neither.
 */
export function overlayFsType(procFilesystems = '/proc/filesystems'): 'overlay' | 'overlayfs' | null {
  let text: string
  try {
    text = readFileSync(procFilesystems, 'utf8')
  } catch {
    return null
  }
  const names = new Set(text.split('\n').map((l) => l.split('\t').pop()?.trim()))
  if (names.has('overlay')) return 'overlay'
  if (names.has('overlayfs')) return 'overlayfs'
  return null
}

/** overlayfs parses its options itself: `\` escapes a `:` inside a layer path and a `,` inside any path. */
function escapeLayer(path: string): string {
  return path.replace(/([\\:,])/g, '\\$1')
}

export interface OverlayLayers {
  /** top layer first, as in `lowerdir=` */
  lowers: string[]
  upper: string
  /** default: LXC's rule, `dirname(upper)/work` */
  workdir?: string
}

/**
 * The mount options for an overlay. Read-only puts the upper on top of the lowers as one more
 * read-only layer: the kernel then writes nothing (no workdir, no copy-up, no index) and the
 * upper can even be in use by LXC at the same time. Read-write mounts it as LXC does.
 */
export function overlayMountOptions(layers: OverlayLayers, readOnly: boolean): string {
  if (layers.lowers.length === 0) throw new MountError(null, `an overlay needs at least one lower layer (upper ${layers.upper})`)
  if (readOnly) return `ro,lowerdir=${[layers.upper, ...layers.lowers].map(escapeLayer).join(':')}`
  const workdir = layers.workdir ?? join(dirname(layers.upper), 'work')
  return `lowerdir=${layers.lowers.map(escapeLayer).join(':')},upperdir=${escapeLayer(layers.upper)},workdir=${escapeLayer(workdir)}`
}

/** The last overlayfs line the kernel logged: it says why a mount was refused (mount(8) only says "wrong fs type"). */
async function kernelOverlayMessage(): Promise<string | null> {
  try {
    const r = await run('dmesg', [], { timeoutMs: 5000 })
    const lines = String(r.stdout)
      .split('\n')
      .filter((l) => /overlayfs:/.test(l))
    const last = lines[lines.length - 1]
    return last ? last.replace(/^\[[^\]]*\]\s*/, '') : null
  } catch {
    return null
  }
}

/**
 * Why an overlay mount failed, in words: a missing layer, a workdir that is missing or on another
 * filesystem than the upper, no overlay support, or (found by a test mount of empty directories
 * on the same filesystem) a filesystem that cannot hold an overlay layer at all.
 */
export async function explainOverlayFailure(layers: OverlayLayers, readOnly: boolean, fstype = overlayFsType()): Promise<string> {
  if (!fstype) return 'this kernel has no overlay filesystem (/proc/filesystems lists neither overlay nor overlayfs; try `modprobe overlay`)'
  for (const lower of layers.lowers) {
    const st = statSync(lower, { throwIfNoEntry: false })
    if (!st) return `its lower layer ${lower} does not exist`
    if (!st.isDirectory()) return `its lower layer ${lower} is not a directory`
  }
  const up = statSync(layers.upper, { throwIfNoEntry: false })
  if (!up) return `its upper layer ${layers.upper} does not exist`
  if (!up.isDirectory()) return `its upper layer ${layers.upper} is not a directory`
  if (!readOnly) {
    const workdir = layers.workdir ?? join(dirname(layers.upper), 'work')
    const wk = statSync(workdir, { throwIfNoEntry: false })
    if (!wk) return `its workdir ${workdir} does not exist (overlay needs an empty directory there, on the same filesystem as the upper)`
    if (wk.dev !== up.dev) return `its workdir ${workdir} is on another filesystem than its upper ${layers.upper}; overlay requires both on the same one`
  }
  // Test mounts with empty layers on the same filesystems tell "this filesystem cannot do it" from "these layers are wrong".
  for (const dir of [dirname(layers.upper), ...layers.lowers.map((l) => dirname(l))]) {
    const why = await testOverlayOn(dir, fstype, !readOnly && dir === dirname(layers.upper))
    if (why) {
      const fs = mountOf(dir)
      return `the filesystem holding ${dir} (${fs?.fstype ?? 'unknown'} on ${fs?.mountpoint ?? '?'}) cannot be used as an overlay ${dir === dirname(layers.upper) ? 'upper' : 'lower'} layer: a test mount failed (${why})`
    }
  }
  const kernel = await kernelOverlayMessage()
  return `the kernel refused these layers${kernel ? `: ${kernel}` : ''}`
}

/** Mounts an overlay of empty directories made in `dir`; returns null if it works, else the reason. */
async function testOverlayOn(dir: string, fstype: string, withUpper: boolean): Promise<string | null> {
  let base: string
  try {
    base = mkdtempSync(join(dir, '.strata-ovltest-'))
  } catch (err) {
    return `cannot make a test directory in ${dir}: ${(err as Error).message}`
  }
  const [l1, l2, u, w, m] = ['l1', 'l2', 'u', 'w', 'm'].map((n) => join(base, n)) as [string, string, string, string, string]
  for (const d of [l1, l2, u, w, m]) mkdirSync(d)
  const options = withUpper ? `lowerdir=${escapeLayer(l1)},upperdir=${escapeLayer(u)},workdir=${escapeLayer(w)}` : `ro,lowerdir=${escapeLayer(l1)}:${escapeLayer(l2)}`
  try {
    await run('mount', ['-t', fstype, '-o', options, 'strata-test', m], { timeoutMs: 15_000 })
    await run('umount', [m], { timeoutMs: 15_000 })
    return null
  } catch (err) {
    return (await kernelOverlayMessage()) ?? (err instanceof ToolError ? err.stderr || err.message : String(err))
  } finally {
    rmSync(base, { recursive: true, force: true })
  }
}

// ---- Strata's mounts ----

export type MountPurpose = 'user' | 'scan'

/** What Strata writes next to its mountpoints: which container a mountpoint shows. */
interface MountRecord {
  lxcpath: string
  name: string
  mountpoint: string
  readOnly: boolean
  purpose: MountPurpose
  pid: number
  /** for zfs: a dataset Strata itself mounted and must unmount again */
  zfsDataset?: string
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

export interface MountOptions {
  /** where to mount; default a fresh directory under strataMountDir() */
  path?: string
  /** mount read-write (refused while the container runs) */
  readWrite?: boolean
  purpose?: MountPurpose
}

function show(ref: ContainerRef): string {
  return `${ref.lxcpath}/${ref.name}`
}

const RUNNING: ReadonlySet<ContainerState> = new Set(['starting', 'running', 'stopping', 'aborting', 'freezing', 'frozen', 'thawed', 'unknown'])

async function containerState(ref: ContainerRef): Promise<ContainerState> {
  // Snapshots (under <P>/<n>/snaps) never run; asking LXC costs nothing when no socket is bound.
  return (await readStates(ref.lxcpath, [ref.name])).get(ref.name) ?? 'unknown'
}

/** ext3/ext4 replay their journal even on a read-only mount unless told `noload`. */
async function blockFsType(device: string): Promise<string | null> {
  try {
    return String((await run('blkid', ['-o', 'value', '-s', 'TYPE', device], { timeoutMs: 10_000 })).stdout).trim() || null
  } catch {
    return null
  }
}

/**
 * Mounts the container's rootfs at a private mountpoint: read-only unless asked, and never
 * read-write while it runs. A block-device rootfs (loop, lvm, rbd) of a running container is
 * refused outright: LXC has that filesystem mounted, and a second mount of it corrupts it.
 * If Strata already has it mounted, that mount is returned.
 */
export async function mountContainer(ref: ContainerRef, opts: MountOptions = {}): Promise<StrataMount> {
  const record = readContainer(ref)
  if (!existsSync(record.configFile)) throw new MountError(ref, `${show(ref)} is not a container: it has no config file`)
  const spec = record.spec
  if (!spec) throw new MountError(ref, `${show(ref)} has no usable rootfs in its config (${record.problems[0]?.message ?? 'lxc.rootfs.path is not set'})`)
  const existing = strataMountOf(ref)
  if (existing) {
    if (opts.readWrite && existing.readOnly) throw new MountError(ref, `${show(ref)} is already mounted read-only at ${existing.mountpoint}; unmount it first`)
    return existing
  }
  const readOnly = !opts.readWrite
  const state = await containerState(ref)
  const running = RUNNING.has(state)
  if (!readOnly && running) {
    throw new MountError(ref, `${show(ref)} is ${state}: Strata never mounts a running container's rootfs read-write beside LXC; stop it first or mount it read-only`)
  }
  const backend = record.backend ?? spec.backend
  if (running && (backend === 'loop' || backend === 'lvm' || backend === 'rbd' || backend === 'nbd')) {
    throw new MountError(ref, `${show(ref)} is ${state} and its rootfs is a ${backend} block device that LXC has mounted: a second mount of the same filesystem would corrupt it`)
  }

  const dir = strataMountDir()
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const mountpoint = resolve(opts.path ?? join(dir, mountKey(ref)))
  const made = !existsSync(mountpoint)
  if (made) mkdirSync(mountpoint, { recursive: !opts.path, mode: 0o700 })
  else if (!statSync(mountpoint).isDirectory()) throw new MountError(ref, `the mountpoint ${mountpoint} is not a directory`)
  else if (readdirSync(mountpoint).length > 0) throw new MountError(ref, `the mountpoint ${mountpoint} is not empty`)

  const rec: MountRecord = { lxcpath: ref.lxcpath, name: ref.name, mountpoint, readOnly, purpose: opts.purpose ?? 'user', pid: process.pid }
  // The record goes first: if we crash between it and the mount, findStaleMounts still sees it.
  writeFileSync(recordFile(ref), JSON.stringify(rec))
  try {
    await mountSpec(ref, spec, mountpoint, readOnly, rec)
    writeFileSync(recordFile(ref), JSON.stringify(rec))
    // Private propagation: the mount must not show up inside containers LXC starts later.
    await run('mount', ['--make-private', mountpoint], { timeoutMs: 15_000 })
  } catch (err) {
    if (readMountinfo().some((m) => m.mountpoint === mountpoint)) await umountPath(mountpoint, true).catch(() => undefined)
    if (made) tryRmdir(mountpoint)
    forgetRecord(ref)
    if (err instanceof MountError) throw err
    throw new MountError(ref, `cannot mount ${show(ref)} at ${mountpoint}: ${err instanceof ToolError ? err.stderr || err.message : (err as Error).message}`)
  }
  const m = strataMountOf(ref)
  if (!m) throw new MountError(ref, `mounted ${show(ref)} at ${mountpoint}, but /proc/self/mountinfo does not show it`)
  return m
}

async function mountSpec(ref: ContainerRef, spec: RootfsSpec, mountpoint: string, readOnly: boolean, rec: MountRecord): Promise<void> {
  const bind = async (src: string): Promise<void> => {
    if (!statSync(src, { throwIfNoEntry: false })?.isDirectory()) throw new MountError(ref, `${show(ref)}'s rootfs ${src} is not a directory`)
    await run('mount', ['--bind', src, mountpoint], { timeoutMs: 30_000 })
    if (readOnly) await run('mount', ['-o', 'remount,bind,ro', mountpoint], { timeoutMs: 30_000 })
  }
  const block = async (device: string, loop: boolean): Promise<void> => {
    const type = await blockFsType(device)
    const o = [readOnly ? 'ro' : 'rw', ...(loop ? ['loop'] : []), ...(readOnly && (type === 'ext3' || type === 'ext4') ? ['noload'] : [])]
    await run('mount', ['-o', o.join(','), device, mountpoint], { timeoutMs: 30_000 })
  }
  switch (spec.backend) {
    case 'overlay':
    case 'aufs': {
      const fstype = overlayFsType()
      const layers: OverlayLayers = { lowers: spec.lowers, upper: spec.upper }
      if (!fstype) throw new MountError(ref, `cannot mount ${show(ref)}: ${await explainOverlayFailure(layers, readOnly, null)}`)
      try {
        await run('mount', ['-t', fstype, '-o', overlayMountOptions(layers, readOnly), `strata-${ref.name}`, mountpoint], { timeoutMs: 30_000 })
      } catch (err) {
        if (!(err instanceof ToolError)) throw err
        throw new MountError(ref, `cannot mount ${show(ref)}'s overlay at ${mountpoint}: ${await explainOverlayFailure(layers, readOnly, fstype)}`)
      }
      return
    }
    case 'dir':
    case 'btrfs':
      return bind(spec.path)
    case 'zfs': {
      let path = spec.path
      if (!path.startsWith('/')) {
        const r = await run('zfs', ['get', '-H', '-o', 'value', 'mountpoint,mounted', spec.path], { timeoutMs: 30_000 })
        const [mp, mounted] = String(r.stdout).split('\n')
        if (!mp || !mp.startsWith('/')) throw new MountError(ref, `${show(ref)}'s zfs dataset ${spec.path} has no mountpoint (${mp})`)
        if (mounted !== 'yes') {
          await run('zfs', ['mount', spec.path], { timeoutMs: 60_000 })
          rec.zfsDataset = spec.path
        }
        path = mp
      }
      return bind(path)
    }
    case 'loop':
      return block(spec.path, true)
    case 'lvm':
    case 'rbd':
      return block(spec.path, false)
    case 'nbd':
      throw new MountError(ref, `${show(ref)} uses nbd, which Strata does not mount (it needs qemu-nbd to attach ${spec.path})`)
  }
}

/** Unmounts Strata's mount of a container; false when there was none. */
export async function unmountContainer(ref: ContainerRef): Promise<boolean> {
  const m = strataMountOf(ref)
  const rec = readRecords().find((r) => r.lxcpath === ref.lxcpath && r.name === ref.name)
  if (!m) {
    if (rec) forgetRecord(ref)
    return false
  }
  try {
    await umountPath(m.mountpoint, false)
  } catch (err) {
    const why = err instanceof ToolError ? err.stderr || err.message : (err as Error).message
    throw new MountError(ref, `cannot unmount ${show(ref)} from ${m.mountpoint}: ${why}`)
  }
  if (rec?.zfsDataset) await run('zfs', ['umount', rec.zfsDataset], { timeoutMs: 60_000 }).catch(() => undefined)
  if (isUnder(m.mountpoint, strataMountDir())) tryRmdir(m.mountpoint)
  forgetRecord(ref)
  return true
}

/** Runs fn with the container mounted read-only (reusing Strata's mount if there is one). */
export async function withMountedRootfs<T>(ref: ContainerRef, fn: (root: string) => Promise<T>): Promise<T> {
  const existing = strataMountOf(ref)
  if (existing) return fn(existing.mountpoint)
  const m = await mountContainer(ref, { purpose: 'scan' })
  try {
    return await fn(m.mountpoint)
  } finally {
    await unmountContainer(ref)
  }
}
