// Discovery: the containers of one or more lxcpaths, each with its snapshots and state.
// LXC's rule for a defined container: a directory `<P>/<n>` holding a file `config`.
// Names starting with `.` are hidden containers: always scanned (a hidden clone still depends
// on its origin), listed only when asked. Strata's own work in progress is never a container.
import { existsSync, readdirSync } from 'node:fs'
import type { ConfigProblem, ContainerInfo, CopiedFrom, Finding, LineageGraph } from '@shared/model'
import { plainKeyRules } from './config/keys'
import { containerDirEntries, PLAIN_CONFIG_KEYS, readContainer, type ContainerRecord, type PrereadContainer } from './container'
import { driverFor, storageOutside } from './drivers/index'
import { defaultLxcpaths } from './global-config'
import { baseDrifts, type BaseDrift, type LowerWalks } from './lineage/drift'
import { buildLineage, withoutHidden } from './lineage/graph'
import { RDEPENDS_FILE, refKey, SNAPSHOTS_FILE } from './lineage/bookkeeping'
import type { LxcpathScan } from './lineage/scan'
import { legacySnapshotRoot, readSnapshots } from './lineage/snapshots'
import { isHiddenName, isStrataWorkName } from '@shared/names'
import { nativeAvailable, readContainerDirs, type PlainConfigQuery } from './native'
import { commandSockets, readStates } from './state'
import { refused } from '@shared/errors'
import { say } from '@shared/engine-text'

export { defaultLxcpaths }

function unreadable(lxcpath: string, err: NodeJS.ErrnoException): Finding {
  const said =
    err.code === 'ENOENT'
      ? say('lxcpath-missing', { lxcpath })
      : err.code === 'ENOTDIR'
        ? say('lxcpath-not-dir', { lxcpath })
        : err.code === 'EACCES' || err.code === 'EPERM'
          ? say('lxcpath-not-readable', { lxcpath })
          : say('lxcpath-unreadable', { lxcpath, error: err.message })
  return {
    severity: 'error',
    code: 'lxcpath-unreadable',
    subject: { lxcpath, name: '' },
    file: lxcpath,
    message: said.text,
    said
  }

}

interface DefinedContainer {
  name: string
  entries: Set<string>
  preread: PrereadContainer | null
}

/** In JS: a readdir, then a few probes per container. */
export function definedContainersJs(lxcpath: string): DefinedContainer[] {
  const found: DefinedContainer[] = []
  for (const entry of readdirSync(lxcpath, { withFileTypes: true })) {
    if (isStrataWorkName(entry.name)) continue
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue
    const entries = containerDirEntries(`${lxcpath}/${entry.name}`)
    if (entries) found.push({ name: entry.name, entries, preread: null })
  }
  return found
}

let plainQuery: PlainConfigQuery | undefined

/** With the native addon: every config and bookkeeping file of the lxcpath in one call. */
export function definedContainersNative(lxcpath: string): DefinedContainer[] {
  plainQuery ??= { ...plainKeyRules(), wanted: [...PLAIN_CONFIG_KEYS] }
  return readContainerDirs(lxcpath, plainQuery).filter((d) => !isStrataWorkName(d.name)).map((d) => {
    const entries = new Set<string>(['config'])
    if (d.snaps) entries.add('snaps')
    // An unreadable file falls back to the JS path for that container, which reports why; it
    // must then know which files are there, as containerDirEntries would.
    const unreadable = d.configError || d.rdependsError || d.snapshotsError
    if (unreadable) {
      if (d.rdepends !== null || d.rdependsError) entries.add(RDEPENDS_FILE)
      if (d.snapshots !== null || d.snapshotsError) entries.add(SNAPSHOTS_FILE)
      if (d.partial) entries.add('partial')
    }
    return { name: d.name, entries, preread: unreadable ? null : d }
  })
}

/** The defined containers of one lxcpath, sorted as lxc-ls sorts them. */
export function definedContainers(lxcpath: string): DefinedContainer[] {
  const found = nativeAvailable() ? definedContainersNative(lxcpath) : definedContainersJs(lxcpath)
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

export async function scanLxcpath(lxcpath: string, sockets = commandSockets()): Promise<LxcpathScan> {
  let defined: DefinedContainer[]
  try {
    defined = definedContainers(lxcpath)
  } catch (err) {
    return { lxcpath, containers: [], error: unreadable(lxcpath, err as NodeJS.ErrnoException) }
  }
  const states = await readStates(
    lxcpath,
    defined.map((d) => d.name),
    sockets
  )
  const legacyRoot = legacySnapshotRoot(lxcpath)
  const containers = defined.map(({ name, entries, preread }) => {
    const ref = { lxcpath, name }
    return {
      record: readContainer(ref, `${lxcpath}/${name}`, entries, preread),
      snapshots: readSnapshots(ref, legacyRoot, entries),
      state: states.get(name) ?? 'unknown'
    }
  })
  return { lxcpath, containers, error: null }
}

/** Scans each lxcpath once (duplicates dropped); unreadable ones carry their error. */
export async function scanLxcpaths(lxcpaths: readonly string[] = defaultLxcpaths()): Promise<LxcpathScan[]> {
  const unique = [...new Set(lxcpaths.map((p) => p.replace(/(.)\/+$/, '$1')))]
  const sockets = commandSockets()
  return Promise.all(unique.map((p) => scanLxcpath(p, sockets)))
}

/** What a listing shows: `all` adds the hidden containers (names starting with `.`). */
export interface ListOptions {
  all?: boolean
  /**
   * each container's problems include its lineage findings (the app's listing: its Problems
   * column counts what the details panel shows), base drift read through these walks
   */
  lineageFindings?: LowerWalks
}

/** A lineage finding as one of its subject's problems (its config's own errors are there already). */
function findingProblem(f: Finding, configFile: string): ConfigProblem {
  return { file: f.file ?? configFile, line: 0, rule: f.code, message: f.message, severity: f.severity, finding: f.code, ...(f.said ? { said: f.said } : {}) }
}

/** The lineage findings of each container, by refKey, without the config errors its problems hold already. */
function findingsBySubject(findings: readonly Finding[]): Map<string, Finding[]> {
  const by = new Map<string, Finding[]>()
  for (const f of findings) {
    if (f.code === 'config-error') continue
    const key = refKey(f.subject)
    const list = by.get(key)
    if (list) list.push(f)
    else by.set(key, [f])
  }
  return by
}

/** A container's config problems, then its lineage findings when the listing carries them. */
function lineageProblems(record: ContainerRecord, findings: Map<string, Finding[]> | null): ConfigProblem[] {
  const own = findings?.get(refKey(record.ref))
  return own ? [...record.problems, ...own.map((f) => findingProblem(f, record.configFile))] : record.problems
}

/**
 * The containers of the given lxcpaths with their lineage, as `strata ls --json` prints them.
 * Hidden containers are rows only with `all`, but always count as dependents and origins.
 */
export function containerInfos(scans: readonly LxcpathScan[], opts: ListOptions = {}, drifts?: ReadonlyMap<string, BaseDrift>): ContainerInfo[] {
  const lineage = buildLineage(scans, drifts)
  const findings = opts.lineageFindings ? findingsBySubject(lineage.graph.findings) : null
  const infos: ContainerInfo[] = []
  for (const scan of scans) {
    for (const { record, snapshots, state } of scan.containers) {
      const hidden = isHiddenName(record.ref.name)
      if (hidden && !opts.all) continue
      const dependsOn = lineage.dependsOn(record.ref)
      infos.push({
        name: record.ref.name,
        lxcpath: record.ref.lxcpath,
        hidden,
        config: record.configFile,
        backend: record.backend,
        rootfs: record.rootfs,
        state,
        origin: dependsOn[dependsOn.length - 1] ?? null,
        dependsOn,
        copiedFrom: copiedFrom(record),
        dependents: lineage.dependents(record.ref),
        snapshots: snapshots.map((s) => s.info),
        legacy: record.legacy,
        problems: lineageProblems(record, findings),
        layered: record.spec !== null && driverFor(record.spec.backend).capabilities.whiteouts !== undefined,
        storageOutside: storageOutside(record.spec, record.dir),
        idMap: record.idMap
      })
    }
  }
  return infos
}

/** A copy clone's recorded origin; whether it is still there is asked of the disk (it may be in an lxcpath not scanned). */
function copiedFrom(record: ContainerRecord): CopiedFrom | null {
  const p = record.provenance
  if (!p) return null
  return { ref: p.origin, at: p.at, exists: existsSync(`${p.origin.lxcpath}/${p.origin.name}/config`) }
}

/** The lineage graph of the given lxcpaths; unreadable lxcpaths appear as findings. */
export async function readLineage(lxcpaths: readonly string[] = defaultLxcpaths(), lowerWalks?: LowerWalks, opts: ListOptions = {}): Promise<LineageGraph> {
  const scans = await scanLxcpaths(lxcpaths)
  const { graph } = buildLineage(scans, await baseDrifts(scans, lowerWalks))
  return opts.all ? graph : withoutHidden(graph)
}

export async function listContainers(lxcpaths: readonly string[] = defaultLxcpaths(), opts: ListOptions = {}): Promise<ContainerInfo[]> {
  const scans = await scanLxcpaths(lxcpaths)
  const failed = scans.find((s) => s.error)
  if (failed?.error) throw refused(failed.error.code, failed.error.said ?? failed.error.message, failed.lxcpath)
  return containerInfos(scans, opts, opts.lineageFindings ? await baseDrifts(scans, opts.lineageFindings) : undefined)
}
