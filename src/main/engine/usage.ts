// Disk usage that tells the truth about copy-on-write storage: per container and snapshot what
// only it holds, what it reads from its bases, what destroying it gives back, and for a base
// what its clones save; and per lineage tree what the tree holds. Where the filesystem already
// accounts for it (btrfs qgroups, zfs used/referenced) its figures are used and nothing is
// scanned; elsewhere one native scan per layer (each lower once, whatever shares it).
import { resolve } from 'node:path'
import type { ContainerRef, ContainerUsage, LineageTreeUsage } from '@shared/model'
import type { ContainerRecord } from './container'
import { driverFor } from './drivers/index'
import type { StorageUsage, UsageProbe } from './drivers/driver'
import { NO_FIGURES, restOfDir, TreeScans, figures, sharesExtents, type KnownFigures } from './fs/tree-usage'
import { defaultLxcpaths } from './global-config'
import { refKey } from './lineage/bookkeeping'
import { buildLineage } from './lineage/graph'
import type { Lineage } from './lineage/lineage'
import { scanLxcpaths } from './lxcpath'
import { notFound } from '@shared/errors'
import { say } from '@shared/engine-text'

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
  /** figures of trees known without a scan (usage-watch.ts keeps them live) */
  known?: KnownFigures
}

/** The usage of every container and snapshot of the lxcpaths (or of opts.names). */
export async function measureUsage(lxcpaths: string[], opts: MeasureOptions = {}): Promise<ContainerUsage[]> {
  return (await measureUsageReport(lxcpaths, opts)).containers
}

/**
 * What one record holds, as its driver measures it. A tree scan runs natively (off the event
 * loop) while the rest of the directory is walked here, so the two overlap.
 */
async function storageUsage(record: ContainerRecord, running: boolean, m: TreeScans, signal: AbortSignal | undefined): Promise<StorageUsage> {
  const skip = new Set<string>([resolve(record.dir, 'snaps')])
  const rest = (dataPath: string | null): number => {
    if (dataPath) skip.add(resolve(dataPath))
    return restOfDir(record.dir, skip)
  }
  const probe: UsageProbe = {
    ref: record.ref,
    running,
    signal,
    rest,
    scan: (path, xattrs) => m.scan(path, xattrs),
    async scanned(dataPath, xattrs) {
      // On btrfs/xfs a copy shares extents with its origin (reflink): those are counted as shared, not as its own.
      const shared = !xattrs && sharesExtents(dataPath)
      const pending = m.scan(dataPath, xattrs, shared)
      const restBytes = rest(dataPath)
      const r = await pending
      const sharedBytes = shared ? (r.sharedBytes ?? 0) : 0
      return { measured: figures(r), dataBytes: r.allocatedBytes - sharedBytes, fsShared: shared ? sharedBytes : null, source: 'scan', restBytes }
    }
  }
  if (!record.spec) return { measured: NO_FIGURES, dataBytes: 0, fsShared: null, source: 'scan', restBytes: rest(null) }
  return driverFor(record.spec.backend).usage(record.spec, probe)
}

/** Runs fn over items with at most `limit` at a time (each scan is multi-threaded already). */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** Who reads each record (its snapshots, what reads it as a lower): the edges by target, made once per report. */
function readersOf(lineage: Lineage): Map<string, string[]> {
  const byTarget = new Map<string, string[]>()
  for (const e of lineage.graph.edges) {
    // a copy (rsync of an upper) and a btrfs snapshot do not read their origin
    if (e.kind === 'cloned-from' || e.kind === 'copied-from') continue
    const list = byTarget.get(e.to) ?? []
    list.push(e.from)
    byTarget.set(e.to, list)
  }
  return byTarget
}

/**
 * Who must go with a record when it is destroyed: its snapshots and what reads it as a lower,
 * transitively. `readers` from readersOf: made again in each call, the index cost a report O(records x
 * edges) (~0.4 s of CPU and as much again in GC for 500 containers).
 */
function destroyClosure(readers: Map<string, string[]>, ref: ContainerRef): string[] {
  const out = new Set<string>([refKey(ref)])
  const queue = [refKey(ref)]
  while (queue.length) {
    for (const next of readers.get(queue.pop()!) ?? []) {
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
      if (!lineage.entries.has(refKey(ref))) throw notFound(say('no-container-or-snapshot', { ref: `${ref.lxcpath}/${ref.name}` }), `${ref.lxcpath}/${ref.name}`)
    }
  }
  // A row for what was asked for; hidden containers count in others' figures all the same.
  const shown = (key: string): boolean => (wanted ? wanted.has(key) : opts.all === true || !lineage.entries.get(key)!.hidden)
  // Measure what was asked for, plus everything its freed/saved figures depend on.
  const needed = new Set<string>()
  const readers = readersOf(lineage)
  for (const key of lineage.entries.keys()) {
    if (!shown(key)) continue
    for (const k of destroyClosure(readers, lineage.entries.get(key)!.record.ref)) needed.add(k)
  }
  const m = new TreeScans(opts.signal, opts.known ?? null)
  // Each lower is scanned once, whatever reads it (a dir origin's own scan is the same one),
  // started now so that it runs beside the records' scans.
  const lowerBytes = (lower: string): Promise<number> => m.scan(lower, false).then((r) => r.allocatedBytes, () => 0)
  for (const key of needed) {
    const spec = lineage.entries.get(key)?.record.spec
    if (spec && 'lowers' in spec) for (const lower of spec.lowers) void lowerBytes(lower)
  }
  const own = new Map<string, StorageUsage>()
  const keys = [...needed].filter((key) => lineage.entries.has(key)) // a missing node: nothing to measure
  const measured = new Map<string, StorageUsage>()
  await eachLimited(keys, 4, async (key) => {
    measured.set(key, await storageUsage(lineage.entries.get(key)!.record, states.get(key) ?? false, m, opts.signal))
  })
  for (const key of keys) own.set(key, measured.get(key)!) // in lineage order, as before
  // Shared bytes: what the filesystem accounts as read from elsewhere, else the layers a rootfs reads.
  const shared = new Map<string, number>()
  for (const [key, o] of own) {
    const spec = lineage.entries.get(key)!.record.spec
    if (o.fsShared !== null) shared.set(key, o.fsShared)
    else if (spec && 'lowers' in spec) {
      let bytes = 0
      for (const lower of spec.lowers) bytes += await lowerBytes(lower)
      shared.set(key, bytes)
    } else shared.set(key, 0)
  }

  // Exclusive: everything of its own (the data layer and the rest of its directory: config,
  // log, lxc_snapshots), so that `du -sx --exclude=snaps <lxcpath>/<name>` checks it and a
  // leaf's "freed if deleted" is exactly its exclusive, never more.
  const exclusive = (k: string): number => (own.get(k) ? own.get(k)!.dataBytes + own.get(k)!.restBytes : 0)
  const containers: ContainerUsage[] = []
  for (const [key, entry] of lineage.entries) {
    if (!shown(key)) continue
    const o = own.get(key)!
    const closure = destroyClosure(readers, entry.record.ref)
    const freed = closure.reduce((n, k) => n + exclusive(k), 0)
    const saved = closure.filter((k) => k !== key).reduce((n, k) => n + (shared.get(k) ?? 0), 0)
    containers.push({
      ref: entry.record.ref,
      backend: entry.record.backend,
      exclusiveBytes: exclusive(key),
      sharedBytes: shared.get(key) ?? 0,
      freedIfDeletedBytes: freed,
      savedByClonesBytes: saved,
      measured: o.measured,
      source: o.source,
      ...(o.sourceNote ? { sourceNote: o.sourceNote.text, sourceNoteSaid: o.sourceNote } : {})
    })
  }
  return { containers, trees: treeUsage(lineage, own, shared) }
}

/** Connected components of the lineage (lower, snapshot and clone edges), each summed once. */
function treeUsage(lineage: Lineage, own: Map<string, StorageUsage>, shared: Map<string, number>): LineageTreeUsage[] {
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
