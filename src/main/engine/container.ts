// Reads one container directory (or one snapshot) into a plain record: its config (with
// includes expanded), rootfs spec, bookkeeping files and markers. Never throws for a broken
// container: what cannot be read becomes a problem on the record, so a listing goes on.
import { existsSync } from 'node:fs'
import type { Backend, ConfigProblem, ContainerRef, RootfsSpec } from '@shared/model'
import { effectiveValue, expandConfigFile } from './config/expand'
import {
  parseRefPairs,
  parseSnapshotsRecord,
  RDEPENDS_FILE,
  readRdepends,
  readSnapshotsRecord,
  SNAPSHOTS_FILE,
  type SnapshotsRecord
} from './lineage/bookkeeping'
import { detectBackend, driverFor } from './drivers/index'
import type { StorageLineage } from './drivers/driver'
import { parseRootfsSpec, specFromLegacy } from './rootfs'
import { isStrataError } from '@shared/errors'
import { idMap } from './config/idmap'
import type { IdMapEntry } from '@shared/model'
import { provenanceFromText, readProvenance, type Provenance } from './lineage/provenance'

export interface ContainerRecord {
  ref: ContainerRef
  dir: string
  configFile: string
  /** the rootfs spec string in effect, or null */
  rootfs: string | null
  spec: RootfsSpec | null
  backend: Backend | null
  /** uses LXC 1.x/2.0 keys */
  legacy: boolean
  /** its lxc.idmap lines in effect: empty for a privileged container */
  idMap: IdMapEntry[]
  problems: ConfigProblem[]
  rdepends: ContainerRef[] | null
  snapshotsRecord: SnapshotsRecord | null
  /** the `partial` marker lxc-create leaves while it runs */
  partialFile: string | null
  /** what the storage itself records of its origin (a btrfs subvolume's parent UUID), where its driver reads one */
  storage: StorageLineage | null
  /** Strata's record of the container a copy clone was made from (lineage/provenance.ts), or null */
  provenance: Provenance | null
}

function problem(file: string, rule: string, message: string, severity: 'error' | 'warning' = 'error'): ConfigProblem {
  return { file, line: 0, rule, message, severity }
}

/** The rootfs spec string in effect: `lxc.rootfs.path`, else LXC 1.x's `lxc.rootfs` (+ backend). */
function rootfsValue(entries: Parameters<typeof effectiveValue>[0]): { value: string; legacy: boolean } | null {
  const modern = effectiveValue(entries, 'lxc.rootfs.path')
  if (modern) return { value: modern.value, legacy: false }
  const old = effectiveValue(entries, 'lxc.rootfs')
  if (!old) return null
  const backend = effectiveValue(entries, 'lxc.rootfs.backend')
  return { value: specFromLegacy(old.value, backend?.value ?? null), legacy: true }
}

/** The files of a container directory that the read side looks at. */
const PROBED = ['lxc_rdepends', 'lxc_snapshots', 'partial', 'snaps'] as const

/**
 * Which of the probed files a container directory holds, or null if it holds no `config`
 * (LXC's own definition of a defined container). One access() each: cheaper than a readdir
 * of the directory, and no exception for the usual missing files.
 */
export function containerDirEntries(dir: string): Set<string> | null {
  if (!existsSync(`${dir}/config`)) return null
  const present = new Set<string>(['config'])
  for (const name of PROBED) if (existsSync(`${dir}/${name}`)) present.add(name)
  return present
}

/** What a batch reader already has of a container directory (see native readContainerDirs). */
export interface PrereadContainer {
  /** the text, or the bytes of a config that is not UTF-8; null when plainValues stand for it */
  config: Uint8Array | string | null
  /**
   * Set when the reader found the config plain (keys.ts plainKeyRules: nothing in it for the
   * parser to report, no include): the last value of each of PLAIN_CONFIG_KEYS, or null.
   */
  plainValues?: (string | null)[] | null
  rdepends: string | null
  snapshots: string | null
  /** the directory's own provenance record (lineage/provenance.ts), null if none; absent: not read */
  provenance?: string | null
  partial: boolean
}

/** What the listing needs of a config: its problems, its rootfs spec string and its id map. */
interface ConfigSummary {
  problems: readonly ConfigProblem[]
  rootfs: { value: string; legacy: boolean } | null
  idMap: IdMapEntry[]
}

/** The keys a summary reads; only their entries are kept of the expansion. */
const SUMMARY_KEYS: ReadonlySet<string> = new Set(['lxc.rootfs.path', 'lxc.rootfs', 'lxc.rootfs.backend', 'lxc.idmap', 'lxc.id_map'])

/** The keys a batch reader returns the values of for a plain config (see PrereadContainer). */
export const PLAIN_CONFIG_KEYS = ['lxc.rootfs.path', 'lxc.idmap'] as const

function configSummary(configFile: string, preread: PrereadContainer | null): ConfigSummary {
  if (preread?.plainValues) {
    // a plain config has no problem and no include: its rootfs is its last lxc.rootfs.path, its id map its lxc.idmap lines
    const [paths, idmaps] = preread.plainValues.map((v) => (v === null ? [] : v.split('\n')))
    const path = paths?.at(-1)
    const lines = (idmaps ?? []).map((value, line) => ({ key: 'lxc.idmap', value, file: configFile, line }))
    return { problems: [], rootfs: path ? { value: path, legacy: false } : null, idMap: idMap(lines) }
  }
  const contents = preread?.config ?? undefined
  const expanded = expandConfigFile(configFile, contents === undefined ? { keys: SUMMARY_KEYS } : { contents, keys: SUMMARY_KEYS })
  return { problems: expanded.problems, rootfs: rootfsValue(expanded.entries), idMap: idMap(expanded.entries) }
}

export function readContainer(
  ref: ContainerRef,
  dir = `${ref.lxcpath}/${ref.name}`,
  present: Set<string> | null = containerDirEntries(dir),
  preread: PrereadContainer | null = null
): ContainerRecord {
  const configFile = `${dir}/config`
  const summary = configSummary(configFile, preread)
  const problems = [...summary.problems]
  const legacy = problems.some((p) => p.rule === 'legacy-key')
  let rootfs: string | null = null
  let spec: RootfsSpec | null = null
  let backend: Backend | null = null
  const value = summary.rootfs
  if (value) {
    rootfs = value.value
    try {
      const parsed = parseRootfsSpec(value.value)
      spec = parsed.spec
      backend = spec.backend
      if (spec.prefix === null && 'path' in spec) backend = detectBackend(spec.path) ?? spec.backend
      for (const w of parsed.warnings) problems.push(problem(configFile, 'rootfs-spec', w, 'warning'))
    } catch (err) {
      if (!isStrataError(err)) throw err
      problems.push(problem(configFile, err.rule ?? 'rootfs-spec', err.message))
    }
  }
  let rdepends: ContainerRef[] | null = null
  let snapshotsRecord: SnapshotsRecord | null = null
  try {
    if (preread) {
      rdepends = preread.rdepends === null ? null : parseRefPairs(preread.rdepends)
      snapshotsRecord = preread.snapshots === null ? null : parseSnapshotsRecord(preread.snapshots)
    } else {
      if (present?.has(RDEPENDS_FILE) !== false) rdepends = readRdepends(dir)
      if (present?.has(SNAPSHOTS_FILE) !== false) snapshotsRecord = readSnapshotsRecord(dir)
    }
  } catch (err) {
    problems.push(problem(dir, 'bookkeeping-unreadable', `Cannot read the bookkeeping of ${dir}: ${(err as Error).message}`))
  }
  return {
    ref,
    dir,
    configFile,
    rootfs,
    spec,
    backend,
    legacy,
    problems,
    rdepends,
    snapshotsRecord,
    partialFile: (preread?.partial ?? present?.has('partial')) ? `${dir}/partial` : null,
    storage: spec ? (driverFor(spec.backend).lineage?.(spec) ?? null) : null,
    provenance:
      preread?.provenance !== undefined
        ? provenanceFromText(dir, preread.provenance, present?.has('snaps') !== false)
        : readProvenance(dir, present?.has('snaps') !== false),
    idMap: summary.idMap
  }
}
