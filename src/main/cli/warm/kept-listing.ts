// The listing a warm worker keeps while it waits (DESIGN.md "The warm CLI"): for the lxcpaths the
// last `ls` listed and LXC's default one, the containers' records, read once with inotify watches
// set up BEFORE the read on everything the records come from: the lxcpath directory, each
// container directory (config, bookkeeping, provenance, the rootfs entry), its snaps/ and each
// snapshot's directory, and the directory of every file a config includes. When an `ls` comes, the
// feed is drained without blocking: no event and no overflow means the kept records are what a
// read would give now. A container whose directory changed is read again alone; an event on an
// lxcpath directory (a container came, went or was renamed), an overflow, or anything not kept
// gives the plain listing. What no watch covers is read fresh on every command: states (bound
// command sockets in /proc/net/unix, LXC asked for the active ones), whether a copy clone's origin
// still exists, and the "volatile" containers whose records come from outside their directory
// (zfs and btrfs lineage, a bare rootfs path elsewhere, includes that are relative or missing, a
// symlink in its directory), and whether LXC 1.0's <P>snaps root exists (an lxcpath with one is
// not kept).
import { existsSync, readdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { ContainerInfo, ContainerState } from '@shared/model'
import { expandConfigFile } from '../../engine/config/expand'
import { containerDirEntries, readContainer, type ContainerRecord } from '../../engine/container'
import type { LxcpathScan, ScannedContainer } from '../../engine/lineage/scan'
import { legacySnapshotRoot, readSnapshots, type SnapshotRecord } from '../../engine/lineage/snapshots'
import { containerInfos, defaultLxcpaths, definedContainers } from '../../engine/lxcpath'
import { commandSockets, readStates } from '../../engine/state'
import { parseOptions } from '../command'
import { listingText, LS_OPTIONS } from '../ls'
import { stdoutIsTerminal, writeStdout } from '../output'
import { markPhase } from '../phases'
import type { ProcessAddon } from './native'

interface KeptContainer {
  name: string
  record: ContainerRecord
  snapshots: SnapshotRecord[]
  /** its record depends on something no watch covers: read again on every command */
  volatile: boolean
}

interface KeptLxcpath {
  lxcpath: string
  containers: KeptContainer[]
  states: Map<string, ContainerState>
}

/** A watch's owners: a container of an lxcpath, or (name null) the lxcpath itself. */
interface Owner {
  lxcpath: string
  name: string | null
}

/** The last command's listing, already printed as a pipe or file gets it. */
interface KeptText {
  key: string
  text: string
  /** each copy clone's origin config and whether it existed (ContainerInfo.copiedFrom.exists) */
  origins: [string, boolean][]
}

let feed = -1
let addon: ProcessAddon | null = null
const owners = new Map<number, Owner[]>()
const kept = new Map<string, KeptLxcpath>()
let keptText: KeptText | null = null

/** As scanLxcpaths normalises an lxcpath. */
const normal = (p: string): string => p.replace(/(.)\/+$/, '$1')

const ENOENT = 2
const ENOTDIR = 20

/** A watch on `path` for `owner`: its wd, or -errno. */
function watchAt(path: string, owner: Owner): number {
  const wd = addon!.keepWatchAdd(feed, path)
  if (wd < 0) return wd
  const list = owners.get(wd)
  if (list) list.push(owner)
  else owners.set(wd, [owner])
  return wd
}

const watch = (path: string, owner: Owner): boolean => watchAt(path, owner) >= 0

/**
 * A directory that may hold what a record is read from: watched, or not there (gone since the
 * readdir: its parent's watch has that event) or not a directory (nothing is read from inside
 * it). False when it is there and cannot be watched (out of watches, unreadable).
 */
function watchedOrAbsent(path: string, owner: Owner): boolean {
  const wd = watchAt(path, owner)
  return wd >= 0 || wd === -ENOENT || wd === -ENOTDIR
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() || e.isSymbolicLink())
      .map((e) => e.name)
  } catch {
    return []
  }
}

/** True when a record comes from something outside its own directory that no watch covers. */
function volatileRecord(record: ContainerRecord): boolean {
  const spec = record.spec
  if (!spec) return false
  if (spec.backend === 'zfs' || spec.backend === 'btrfs') return true // lineage from the storage itself
  // a bare path's backend is detected by a stat of it: watched only as an entry of its own directory
  return spec.prefix === null && 'path' in spec && dirname(spec.path) !== record.dir
}

/**
 * The files a config includes, whose directories get watched; null when its record depends on
 * where it is read from or on files that are not there (relative or missing includes, ...).
 */
function includedFiles(record: ContainerRecord): string[] | null {
  if (record.problems.some((p) => p.rule.startsWith('include-'))) return null
  return expandConfigFile(record.configFile).files.filter((f) => f !== record.configFile)
}

/** A symlink in a container's or snapshot's directory leads out of what its watch sees. */
function holdsSymlink(dir: string): boolean {
  try {
    return readdirSync(dir, { withFileTypes: true }).some((e) => e.isSymbolicLink())
  } catch {
    return true
  }
}

function readOne(lxcpath: string, name: string): Omit<KeptContainer, 'volatile'> | null {
  const dir = `${lxcpath}/${name}`
  const entries = containerDirEntries(dir)
  if (!entries) return null
  const ref = { lxcpath, name }
  return { name, record: readContainer(ref, dir, entries, null), snapshots: readSnapshots(ref, null, entries) }
}

/** Watches, then reads, one lxcpath; null when it cannot be kept (it is then listed the plain way). */
function keepLxcpath(lxcpath: string): KeptLxcpath | null {
  if (!lxcpath.startsWith('/') || legacySnapshotRoot(lxcpath) !== null) return null
  if (!watch(lxcpath, { lxcpath, name: null })) return null
  for (const name of subdirs(lxcpath)) {
    const dir = `${lxcpath}/${name}`
    const owner = { lxcpath, name }
    if (!watchedOrAbsent(dir, owner) || !watchedOrAbsent(`${dir}/snaps`, owner)) return null
    for (const snap of subdirs(`${dir}/snaps`)) if (!watchedOrAbsent(`${dir}/snaps/${snap}`, owner)) return null
  }
  let defined: ReturnType<typeof definedContainers>
  try {
    defined = definedContainers(lxcpath)
  } catch {
    return null
  }
  const containers: KeptContainer[] = []
  for (const { name, entries, preread } of defined) {
    const ref = { lxcpath, name }
    const dir = `${lxcpath}/${name}`
    let c: KeptContainer = { name, record: readContainer(ref, dir, entries, preread), snapshots: readSnapshots(ref, null, entries), volatile: false }
    const records = [c.record, ...c.snapshots.map((s) => s.record)]
    c.volatile = records.some((r) => volatileRecord(r) || holdsSymlink(r.dir))
    // a plain config includes nothing; another one's includes are watched, then it is read again
    const parsed = preread?.plainValues ? records.slice(1) : records
    if (parsed.length > 0 && !c.volatile) {
      const files = parsed.map(includedFiles)
      if (files.some((f) => f === null)) c.volatile = true
      else {
        const outside = new Set(files.flatMap((f) => f ?? []).map((f) => dirname(f)))
        for (const d of outside) if (!watch(d, { lxcpath, name })) c.volatile = true
        if (outside.size > 0) c = { ...c, ...readOne(lxcpath, name)! }
      }
    }
    containers.push(c)
  }
  return { lxcpath, containers, states: new Map() }
}

/** The last `ls` command line a successor is told of (worker.ts `--keep-ls`), and what it lists. */
function lsRequest(argv: string[]): { lxcpaths: string[]; all: boolean; json: boolean } | null {
  const [name, ...args] = argv
  if (name !== 'ls' || args.includes('--help') || args.includes('-h') || args.includes('--')) return null
  try {
    const opts = parseOptions(args, LS_OPTIONS)
    return { lxcpaths: [...new Set((opts.lxcpath ?? defaultLxcpaths()).map(normal))], all: opts.all === true, json: opts.json === true }
  } catch {
    return null
  }
}

const textKey = (r: { lxcpaths: string[]; all: boolean; json: boolean }): string => JSON.stringify(r)

function originChecks(infos: ContainerInfo[]): [string, boolean][] {
  return infos.filter((c) => c.copiedFrom).map((c) => [`${c.copiedFrom!.ref.lxcpath}/${c.copiedFrom!.ref.name}/config`, c.copiedFrom!.exists])
}

/**
 * Keeps the lxcpaths of the last `ls` (lastLs: its argv, or null) and LXC's default lxcpath, and
 * that command's output. Called by a waiting worker before it accepts a command.
 */
export async function keepListing(processAddon: ProcessAddon, lastLs: string[] | null): Promise<void> {
  addon = processAddon
  try {
    feed = addon.keepWatchOpen()
  } catch {
    return
  }
  const last = lastLs ? lsRequest(lastLs) : null
  const paths = new Set([...(last?.lxcpaths ?? []), ...defaultLxcpaths().map(normal)])
  const sockets = commandSockets()
  for (const p of paths) {
    const k = keepLxcpath(p)
    if (!k) continue
    k.states = await readStates(p, k.containers.map((c) => c.name), sockets)
    kept.set(p, k)
  }
  if (last && last.lxcpaths.every((p) => kept.has(p))) {
    const infos = containerInfos(last.lxcpaths.map((p) => scanOf(kept.get(p)!, kept.get(p)!.containers, kept.get(p)!.states)), { all: last.all })
    keptText = { key: textKey(last), text: listingText(infos, last.lxcpaths.length > 1, last.json), origins: originChecks(infos) }
  }
}

function scanOf(k: KeptLxcpath, containers: KeptContainer[], states: Map<string, ContainerState>): LxcpathScan {
  const scanned: ScannedContainer[] = containers.map((c) => ({ record: c.record, snapshots: c.snapshots, state: states.get(c.name) ?? 'unknown' }))
  return { lxcpath: k.lxcpath, containers: scanned, error: null }
}

const sameStates = (a: Map<string, ContainerState>, b: Map<string, ContainerState>): boolean => a.size === b.size && [...a].every(([n, s]) => b.get(n) === s)

/**
 * Serves `strata ls` from the kept listing, or returns null when it cannot (the caller then runs
 * it the plain way): another command, an lxcpath not kept, one the root helper would list, or a
 * change no single container's re-read covers. The caller's fds, env and cwd are already in place.
 */
export async function serveKeptLs(argv: string[]): Promise<number | null> {
  // STRATA_WARM_KEEP=0: the worker's fresh listing, as after a change (the bench compares the two)
  if (feed < 0 || kept.size === 0 || process.env.STRATA_WARM_KEEP === '0') return null
  const req = lsRequest(argv)
  if (!req || !req.lxcpaths.every((p) => kept.has(p))) return null
  // the root helper's lxcpaths are its to list (root-helper.ts); a user's own are kept
  if (process.geteuid?.() !== 0 && (await import('../root-helper')).needsRootHelper(req.lxcpaths, 'read')) return null
  // LXC 1.0's <P>snaps root, once it exists, holds every container's snapshots (not watched: the lxcpath's parent)
  if (req.lxcpaths.some((p) => legacySnapshotRoot(p) !== null)) return null
  const drained = addon!.keepWatchDrain(feed)
  if (drained.overflow) return null
  const dirty = new Set<string>()
  for (const wd of drained.wds) {
    for (const o of owners.get(wd) ?? [{ lxcpath: '', name: null }]) {
      if (o.name === null) {
        if (req.lxcpaths.includes(o.lxcpath) || o.lxcpath === '') return null
      } else dirty.add(`${o.lxcpath}/${o.name}`)
    }
  }
  let changed = false
  const sockets = commandSockets()
  const scans: LxcpathScan[] = []
  for (const p of req.lxcpaths) {
    const k = kept.get(p)!
    const containers: KeptContainer[] = []
    for (const c of k.containers) {
      if (!c.volatile && !dirty.has(`${p}/${c.name}`)) {
        containers.push(c)
        continue
      }
      const again = readOne(p, c.name)
      if (!again) return null // no longer a container: the plain listing says so
      if (!changed && JSON.stringify([again.record, again.snapshots]) !== JSON.stringify([c.record, c.snapshots])) changed = true
      containers.push({ ...again, volatile: c.volatile })
    }
    const states = await readStates(p, containers.map((c) => c.name), sockets)
    if (!sameStates(states, k.states)) changed = true
    scans.push(scanOf(k, containers, states))
  }
  markPhase('kept-check')
  const fresh = keptText && !changed && keptText.key === textKey(req) && !stdoutIsTerminal() && keptText.origins.every(([f, was]) => existsSync(f) === was)
  const text = fresh ? keptText!.text : listingText(containerInfos(scans, { all: req.all }), scans.length > 1, req.json)
  if (text !== '') writeStdout(text)
  markPhase(fresh ? 'kept-output' : 'output')
  return 0
}

/** The worker's successor is told the last `ls` (its argv) so that it keeps what that listed. */
export function isLs(argv: string[]): boolean {
  return lsRequest(argv) !== null
}

