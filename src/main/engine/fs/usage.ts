// Disk usage that tells the truth about copy-on-write storage: per container and snapshot what
// only it holds, what it reads from its bases, what destroying it gives back, and for a base
// what its clones save; and per lineage tree what the tree holds. Where the filesystem already
// accounts for it (btrfs qgroups, zfs used/referenced) its figures are used and nothing is
// scanned; elsewhere one native scan per layer (each lower once, whatever shares it).
import { lstatSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ContainerRef, ContainerUsage, LineageTreeUsage, UsageFigures } from '@shared/model'
import type { ContainerRecord } from '../container'
import { defaultLxcpaths } from '../global-config'
import { normalLxcpath, refKey } from '../lineage/bookkeeping'
import { buildLineage, type Lineage } from '../lineage/graph'
import { scanLxcpaths } from '../lxcpath'
import { withMountedRootfs } from '../mount'
import { scanUsage, type UsageResult } from '../native'
import { run } from '../tools'

export interface UsageReport {
  containers: ContainerUsage[]
  trees: LineageTreeUsage[]
}

export interface MeasureOptions {
  /** only these containers/snapshots (their bases and dependents are measured as needed) */
  names?: ContainerRef[]
  /** without names: hidden containers (names starting with `.`) and their snapshots get rows too */
  all?: boolean
  signal?: AbortSignal
}

/** The usage of every container and snapshot of the lxcpaths (or of opts.names). */
export async function measureUsage(lxcpaths: string[], opts: MeasureOptions = {}): Promise<ContainerUsage[]> {
  return (await measureUsageReport(lxcpaths, opts)).containers
}

const EMPTY: UsageFigures = { apparentBytes: 0, allocatedBytes: 0, files: 0, dirs: 0, hardlinkedInodes: 0, whiteouts: 0, opaqueDirs: 0 }

function figures(r: UsageResult): UsageFigures {
  return {
    apparentBytes: r.apparentBytes,
    allocatedBytes: r.allocatedBytes,
    files: r.files,
    dirs: r.dirs,
    hardlinkedInodes: r.hardlinkedInodes,
    whiteouts: r.whiteouts,
    opaqueDirs: r.opaqueDirs
  }
}

/** What one record holds by itself. */
interface Own {
  /** its data: an overlay upper, a dir rootfs, a subvolume, a dataset, an image */
  measured: UsageFigures
  dataBytes: number
  /** bytes it reads from elsewhere, as the filesystem accounts them (btrfs/zfs), else null */
  fsShared: number | null
  /** everything else in its directory (config, overlay workdir, ...), allocated bytes */
  restBytes: number
  source: ContainerUsage['source']
  /** why the filesystem's accounting was not used */
  sourceNote?: string
}

/**
 * Allocated bytes of a container directory without its data and without `snaps/` (measured
 * on their own). These are a handful of small files, so a plain walk is fine here; it never
 * follows a symlink and never leaves the filesystem.
 */
function restOfDir(dir: string, skip: ReadonlySet<string>): number {
  const root = lstatSync(dir, { throwIfNoEntry: false })
  if (!root) return 0
  // Names are bytes (LXC allows any): walk with Buffers, never decoding them.
  const skipped = [...skip].map((p) => Buffer.from(p))
  const seen = new Set<string>()
  let total = root.blocks * 512
  const walk = (path: Buffer): void => {
    let names: Buffer[]
    try {
      names = readdirSync(path, { encoding: 'buffer' })
    } catch {
      return
    }
    for (const n of names) {
      const child = Buffer.concat([path, SLASH, n])
      if (skipped.some((s) => s.equals(child))) continue
      const st = lstatSync(child, { throwIfNoEntry: false })
      if (!st || st.dev !== root.dev) continue
      if (st.nlink > 1 && !st.isDirectory()) {
        const k = `${st.ino}`
        if (seen.has(k)) continue
        seen.add(k)
      }
      total += st.blocks * 512
      if (st.isDirectory()) walk(child)
    }
  }
  walk(Buffer.from(resolve(dir)))
  return total
}

const SLASH = Buffer.from('/')

class Measurer {
  private scans = new Map<string, Promise<UsageResult>>()
  constructor(private signal: AbortSignal | undefined) {}

  /** One scan per path, whoever asks. */
  scan(path: string, xattrs: boolean): Promise<UsageResult> {
    const key = resolve(path)
    let p = this.scans.get(key)
    if (!p) {
      p = scanUsage(key, { signal: this.signal, xattrs })
      this.scans.set(key, p)
    }
    return p
  }

  /**
   * What one record holds. Its data is scanned natively (off the event loop) while the rest of
   * its directory is walked here, so the two overlap.
   */
  async own(record: ContainerRecord, running: boolean): Promise<Own> {
    const spec = record.spec
    const skip = new Set<string>([resolve(record.dir, 'snaps')])
    const rest = (dataPath: string | null): number => {
      if (dataPath) skip.add(resolve(dataPath))
      return restOfDir(record.dir, skip)
    }
    /** Scans dataPath and walks the rest of the directory meanwhile. */
    const scanned = async (dataPath: string, xattrs: boolean): Promise<Own> => {
      const pending = this.scan(dataPath, xattrs)
      const restBytes = rest(dataPath)
      const r = await pending
      return { measured: figures(r), dataBytes: r.allocatedBytes, fsShared: null, source: 'scan', restBytes }
    }
    if (!spec) return { measured: EMPTY, dataBytes: 0, fsShared: null, source: 'scan', restBytes: rest(null) }
    switch (spec.backend) {
      case 'overlay':
      case 'aufs':
        return scanned(spec.upper, true)
      case 'btrfs': {
        const q = await btrfsQgroup(spec.path)
        if ('figures' in q) {
          const { referenced, exclusive } = q.figures
          return { measured: { ...EMPTY, allocatedBytes: referenced }, dataBytes: exclusive, fsShared: Math.max(0, referenced - exclusive), source: 'btrfs-qgroup', restBytes: rest(spec.path) }
        }
        return { ...(await scanned(spec.path, false)), sourceNote: `scanned: ${q.reason}` }
      }
      case 'zfs': {
        if (spec.path.startsWith('/')) return { ...(await scanned(spec.path, false)), sourceNote: `scanned: ${spec.path} is a path, not a zfs dataset` }
        const z = await zfsUsage(spec.path)
        if ('figures' in z) {
          const { used, referenced, usedByDataset } = z.figures
          return { measured: { ...EMPTY, allocatedBytes: referenced }, dataBytes: used, fsShared: Math.max(0, referenced - usedByDataset), source: 'zfs', restBytes: rest(null) }
        }
        // Without zfs there is no mountpoint to scan either: say so rather than guess.
        return { measured: EMPTY, dataBytes: 0, fsShared: null, source: 'scan', restBytes: rest(null), sourceNote: `not measured: ${z.reason}` }
      }
      case 'dir':
        return scanned(spec.path, false)
      case 'loop': {
        // The image is what the disk holds; its contents are counted only when it can be mounted (stopped).
        const st = lstatSync(spec.path, { throwIfNoEntry: false })
        const image = st ? st.blocks * 512 : 0
        let measured = { ...EMPTY, allocatedBytes: image }
        if (!running && st) measured = await withMountedRootfs(record.ref, async (root) => figures(await scanUsage(root, { signal: this.signal })))
        return { measured, dataBytes: image, fsShared: null, source: 'scan', restBytes: rest(spec.path) }
      }
      default: {
        // lvm, rbd, nbd: a block device outside the container dir; its size is what it holds.
        const size = await blockDeviceSize(spec.path)
        return { measured: { ...EMPTY, allocatedBytes: size }, dataBytes: size, fsShared: null, source: 'scan', restBytes: rest(null) }
      }
    }
  }
}

/** Runs fn over items with at most `limit` at a time (each scan is multi-threaded already). */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

async function blockDeviceSize(device: string): Promise<number> {
  try {
    return Number(String((await run('blockdev', ['--getsize64', device], { timeoutMs: 10_000 })).stdout).trim()) || 0
  } catch {
    return 0
  }
}

/** The filesystem's own figures, or why they cannot be used (then the data is scanned). */
export type Accounted<T> = { figures: T } | { reason: string }

/** The first line of a failed tool's stderr (or its message), to quote in a reason. */
function toolText(err: unknown): string {
  const e = err as { stderr?: string; message?: string }
  return (e.stderr?.trim() || e.message || String(err)).split('\n')[0]!.replace(/^ERROR:\s*/, '')
}

/**
 * btrfs's own accounting for a subvolume: its level-0 qgroup (0/<subvolume id>). Usable only
 * when `path` is a subvolume's root (a plain directory would report the enclosing subvolume),
 * quotas are enabled and the qgroup data is consistent (no rescan running or needed).
 */
export async function btrfsQgroup(path: string): Promise<Accounted<{ referenced: number; exclusive: number }>> {
  const st = lstatSync(path, { throwIfNoEntry: false })
  if (!st?.isDirectory()) return { reason: `${path} is not a directory` }
  // 256 is BTRFS_FIRST_FREE_OBJECTID: the inode of every subvolume's root directory.
  if (st.ino !== 256) return { reason: `${path} is not a btrfs subvolume (its qgroup would be the enclosing subvolume's)` }
  let id: string
  try {
    id = String((await run('btrfs', ['inspect-internal', 'rootid', path], { timeoutMs: 10_000 })).stdout).trim()
  } catch (err) {
    return { reason: `btrfs cannot tell the subvolume of ${path}: ${toolText(err)}` }
  }
  let r
  try {
    r = await run('btrfs', ['qgroup', 'show', '--raw', '-f', path], { timeoutMs: 30_000 })
  } catch (err) {
    const text = toolText(err)
    if (/quotas not enabled/i.test(text)) return { reason: `btrfs quotas are not enabled on the filesystem of ${path} (btrfs quota enable)` }
    return { reason: `btrfs qgroup show ${path} failed: ${text}` }
  }
  const warning = String(r.stderr)
  if (/inconsistent|rescan/i.test(warning)) return { reason: `btrfs qgroup data of ${path} is not consistent (${warning.trim().split('\n')[0]!.replace(/^WARNING:\s*/, '')})` }
  for (const line of String(r.stdout).split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f[0] === `0/${id}` && f.length >= 3) {
      const referenced = Number(f[1])
      const exclusive = Number(f[2])
      if (Number.isSafeInteger(referenced) && Number.isSafeInteger(exclusive)) return { figures: { referenced, exclusive } }
    }
  }
  return { reason: `btrfs has no qgroup 0/${id} for ${path}` }
}

export interface ZfsFigures {
  /** the dataset with its snapshots (and children): what destroying it all gives back */
  used: number
  /** what the dataset reads, its own data and its origin's alike */
  referenced: number
  /** what only the dataset itself holds, not its snapshots */
  usedByDataset: number
}

/** zfs's own accounting for a dataset, read by property name (never by output order). */
export async function zfsUsage(dataset: string): Promise<Accounted<ZfsFigures>> {
  let r
  try {
    r = await run('zfs', ['get', '-Hp', '-o', 'property,value', 'used,referenced,usedbydataset', dataset], { timeoutMs: 30_000 })
  } catch (err) {
    return { reason: `zfs cannot tell the usage of ${dataset}: ${toolText(err)}` }
  }
  const values = new Map<string, number>()
  for (const line of String(r.stdout).split('\n')) {
    const [property, value] = line.split('\t')
    if (property && value !== undefined && /^\d+$/.test(value)) values.set(property, Number(value))
  }
  const used = values.get('used')
  const referenced = values.get('referenced')
  const usedByDataset = values.get('usedbydataset')
  if (used === undefined || referenced === undefined || usedByDataset === undefined) {
    return { reason: `zfs reported no used/referenced/usedbydataset for ${dataset}` }
  }
  return { figures: { used, referenced, usedByDataset } }
}

/** Who must go with a record when it is destroyed: its snapshots and what reads it as a lower, transitively. */
function destroyClosure(lineage: Lineage, ref: ContainerRef): string[] {
  const byTarget = new Map<string, string[]>()
  for (const e of lineage.graph.edges) {
    // a copy (rsync of an upper) and a btrfs snapshot do not read their origin
    if (e.kind === 'cloned-from' || e.kind === 'copied-from') continue
    const list = byTarget.get(e.to) ?? []
    list.push(e.from)
    byTarget.set(e.to, list)
  }
  const out = new Set<string>([refKey(ref)])
  const queue = [refKey(ref)]
  while (queue.length) {
    for (const next of byTarget.get(queue.pop()!) ?? []) {
      if (!out.has(next)) {
        out.add(next)
        queue.push(next)
      }
    }
  }
  return [...out]
}

/** Usage per container and snapshot, plus per lineage tree. */
export async function measureUsageReport(lxcpaths: string[] = defaultLxcpaths(), opts: MeasureOptions = {}): Promise<UsageReport> {
  const scans = await scanLxcpaths(lxcpaths)
  const lineage = buildLineage(scans)
  const states = new Map<string, boolean>()
  for (const s of scans) for (const c of s.containers) states.set(refKey(c.record.ref), c.state !== 'stopped')

  const wanted = opts.names ? new Set(opts.names.map(refKey)) : null
  if (opts.names) {
    for (const ref of opts.names) {
      if (!lineage.entries.has(refKey(ref))) throw new Error(`no container or snapshot ${ref.lxcpath}/${ref.name}: it has no config file there`)
    }
  }
  // A row for what was asked for; hidden containers count in others' figures all the same.
  const shown = (key: string): boolean => (wanted ? wanted.has(key) : opts.all === true || !lineage.entries.get(key)!.hidden)
  // Measure what was asked for, plus everything its freed/saved figures depend on.
  const needed = new Set<string>()
  for (const key of lineage.entries.keys()) {
    if (!shown(key)) continue
    for (const k of destroyClosure(lineage, lineage.entries.get(key)!.record.ref)) needed.add(k)
  }
  const m = new Measurer(opts.signal)
  // A lower that is some measured record's dir rootfs is known from that record's own scan;
  // any other lower is scanned once, started now so that it runs beside the records' scans.
  const dirData = new Set<string>()
  for (const key of needed) {
    const spec = lineage.entries.get(key)?.record.spec
    if (spec?.backend === 'dir') dirData.add(normalLxcpath(resolve(spec.path)))
  }
  const lowerScans = new Map<string, Promise<number>>()
  for (const key of needed) {
    const spec = lineage.entries.get(key)?.record.spec
    if (!spec || (spec.backend !== 'overlay' && spec.backend !== 'aufs')) continue
    for (const lower of spec.lowers) {
      const k = normalLxcpath(resolve(lower))
      if (dirData.has(k) || lowerScans.has(k)) continue
      const p = m.scan(lower, false).then((r) => r.allocatedBytes, () => 0)
      lowerScans.set(k, p)
    }
  }
  const own = new Map<string, Own>()
  const keys = [...needed].filter((key) => lineage.entries.has(key)) // a missing node: nothing to measure
  const measured = new Map<string, Own>()
  await eachLimited(keys, 4, async (key) => {
    measured.set(key, await m.own(lineage.entries.get(key)!.record, states.get(key) ?? false))
  })
  for (const key of keys) own.set(key, measured.get(key)!) // in lineage order, as before
  // Shared bytes: an overlay reads its lowers (each scanned once, or taken from its owner's data).
  const shared = new Map<string, number>()
  const dataByPath = new Map<string, number>()
  for (const [key, o] of own) {
    const spec = lineage.entries.get(key)!.record.spec
    if (spec && 'path' in spec && spec.backend === 'dir') dataByPath.set(normalLxcpath(resolve(spec.path)), o.dataBytes)
  }
  for (const [key, o] of own) {
    const spec = lineage.entries.get(key)!.record.spec
    if (o.fsShared !== null) shared.set(key, o.fsShared)
    else if (spec && (spec.backend === 'overlay' || spec.backend === 'aufs')) {
      let bytes = 0
      for (const lower of spec.lowers) {
        const k = normalLxcpath(resolve(lower))
        bytes += dataByPath.get(k) ?? (await (lowerScans.get(k) ?? m.scan(lower, false).then((r) => r.allocatedBytes, () => 0)))
      }
      shared.set(key, bytes)
    } else shared.set(key, 0)
  }

  const containers: ContainerUsage[] = []
  for (const [key, entry] of lineage.entries) {
    if (!shown(key)) continue
    const o = own.get(key)!
    const closure = destroyClosure(lineage, entry.record.ref)
    const freed = closure.reduce((n, k) => n + (own.get(k) ? own.get(k)!.dataBytes + own.get(k)!.restBytes : 0), 0)
    const saved = closure.filter((k) => k !== key).reduce((n, k) => n + (shared.get(k) ?? 0), 0)
    containers.push({
      ref: entry.record.ref,
      backend: entry.record.backend,
      exclusiveBytes: o.dataBytes,
      sharedBytes: shared.get(key) ?? 0,
      freedIfDeletedBytes: freed,
      savedByClonesBytes: saved,
      measured: o.measured,
      source: o.source,
      ...(o.sourceNote ? { sourceNote: o.sourceNote } : {})
    })
  }
  return { containers, trees: treeUsage(lineage, own, shared) }
}

/** Connected components of the lineage (lower, snapshot and clone edges), each summed once. */
function treeUsage(lineage: Lineage, own: Map<string, Own>, shared: Map<string, number>): LineageTreeUsage[] {
  const parent = new Map<string, string>()
  const find = (k: string): string => {
    let r = k
    while (parent.get(r) !== undefined && parent.get(r) !== r) r = parent.get(r)!
    parent.set(k, r)
    return r
  }
  for (const k of own.keys()) parent.set(k, k)
  for (const e of lineage.graph.edges) {
    if (!own.has(e.from) || !own.has(e.to)) continue
    parent.set(find(e.from), find(e.to))
  }
  const groups = new Map<string, string[]>()
  for (const k of own.keys()) {
    const r = find(k)
    groups.set(r, [...(groups.get(r) ?? []), k])
  }
  const trees: LineageTreeUsage[] = []
  for (const members of groups.values()) {
    const refs = members.map((k) => lineage.entries.get(k)!.record.ref)
    const root =
      refs.find((r) => lineage.dependsOn(r).length === 0 && lineage.entries.get(refKey(r))!.kind === 'container') ?? refs[0]!
    trees.push({
      root,
      members: refs,
      allocatedBytes: members.reduce((n, k) => n + own.get(k)!.dataBytes + own.get(k)!.restBytes, 0),
      savedByClonesBytes: members.reduce((n, k) => n + (shared.get(k) ?? 0), 0)
    })
  }
  return trees.sort((a, b) => b.allocatedBytes - a.allocatedBytes)
}
