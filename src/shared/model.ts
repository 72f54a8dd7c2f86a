// Plain data shared by the engine, the CLI, the helper and the renderer. No behaviour here.
import type { Said } from './engine-text'

/** A storage backend as LXC names it (`overlayfs` is read as overlay, `none` as dir). */
export type Backend = 'dir' | 'overlay' | 'aufs' | 'btrfs' | 'zfs' | 'lvm' | 'loop' | 'rbd' | 'nbd'

export const BACKENDS: readonly Backend[] = ['dir', 'overlay', 'aufs', 'btrfs', 'zfs', 'lvm', 'loop', 'rbd', 'nbd']

/** LXC's container states, lower-cased; `unknown` when LXC could not be asked. */
export type ContainerState =
  | 'stopped'
  | 'starting'
  | 'running'
  | 'stopping'
  | 'aborting'
  | 'freezing'
  | 'frozen'
  | 'thawed'
  | 'unknown'

/** Where a container lives: the lxcpath exactly as LXC records it, and the directory name. */
export interface ContainerRef {
  lxcpath: string
  name: string
}

/**
 * A rootfs spec string (`lxc.rootfs.path`, or legacy `lxc.rootfs`) as one typed value.
 * `prefix` is the type prefix as written (`dir`, `d`, `overlayfs`, ...) or null for a bare path,
 * so that formatting gives back the string it came from.
 */
export type RootfsSpec =
  | { backend: 'dir' | 'btrfs' | 'lvm' | 'loop' | 'rbd'; prefix: string | null; path: string }
  | { backend: 'zfs'; prefix: string | null; /** a dataset (`pool/x/n`) or, if it starts with `/`, a mountpoint */ path: string }
  | { backend: 'nbd'; prefix: string; path: string; partition: number | null }
  | { backend: 'overlay' | 'aufs'; prefix: string; /** top layer first, as in `lowerdir=` */ lowers: string[]; upper: string }

/** A problem found in a config file, naming the file, the line and the rule broken. */
export interface ConfigProblem {
  file: string
  /** 1-based; 0 when the problem is the file as a whole (missing, unreadable). */
  line: number
  rule: string
  message: string
  severity: 'error' | 'warning'
  /** a lineage finding of the container (the app's listing adds them), not a problem of its config */
  finding?: FindingCode
  /** the message as data (shared/engine-text.ts), for the app to say in the user's language */
  said?: Said
  /** what Strata offers to fix it, by id (the message does not name it: each interface says its own way) */
  fixId?: FixId
}

/**
 * A fix Strata carries out for a problem, by id: the CLI names its command
 * (cli/fix-commands.ts), the app shows its button (components/FixButton.tsx).
 * `config-modern`: the conversion of a config's legacy keys to LXC 5's.
 */
export type FixId = 'config-modern'

export interface SnapshotInfo {
  /** `snapN` */
  name: string
  /** the directory holding the snapshot containers (`<P>/<n>/snaps` or LXC 1.0's `<P>snaps/<n>`) */
  snapdir: string
  /** the `ts` file verbatim (`YYYY:MM:DD HH:MM:SS`), or null */
  timestamp: string | null
  comment: string | null
  backend: Backend | null
  rootfs: string | null
}

/** One `lxc.idmap` line: ids nsid.. inside the container are hostid.. on the host. */
export interface IdMapEntry {
  /** u: uids, g: gids, b: both */
  kind: 'u' | 'g' | 'b'
  nsid: number
  hostid: number
  count: number
}

export interface ContainerInfo {
  name: string
  lxcpath: string
  /** its name starts with `.`: lxc-ls leaves it out; listed only when hidden containers are asked for */
  hidden?: boolean
  /** config file path */
  config: string
  backend: Backend | null
  /** the rootfs spec string as configured, or null when none is set */
  rootfs: string | null
  state: ContainerState
  /** the container this one directly depends on (the overlay lower's owner), or null */
  origin: ContainerRef | null
  /** everything it depends on, from lxc_rdepends and the rootfs spec, nearest last */
  dependsOn: ContainerRef[]
  /** the container a copy clone made by Strata was copied from (its own record; LXC keeps none), or null */
  copiedFrom?: CopiedFrom | null
  /** containers and snapshots that depend on this one */
  dependents: ContainerRef[]
  snapshots: SnapshotInfo[]
  /** uses LXC 1.x/2.0 keys that LXC 5 rejects */
  legacy: boolean
  /**
   * problems in its config (the first error is why LXC cannot load it), then, in the app's
   * listing (the engine method), its lineage findings (`finding` set): what the details show
   */
  problems: ConfigProblem[]
  /** its rootfs is an upper layer over lowers (overlay, aufs), whose changes `strata diff` shows */
  layered: boolean
  /** storage outside its directory that destroying it deletes too (as lxc-destroy does): a rootfs configured elsewhere */
  storageOutside: string | null
  /** the cluster member holding it (an LXD cluster); absent for LXC's containers */
  location?: string
  /** its id map (lxc.idmap): an unprivileged container's; empty for a privileged one */
  idMap: IdMapEntry[]
}

/** Where a copy came from, as Strata recorded it when it made the copy. */
export interface CopiedFrom {
  ref: ContainerRef
  /** when the copy was made, ISO 8601 */
  at: string
  /** false when the origin no longer exists (the copy does not need it) */
  exists: boolean
}

export type LineageNodeKind = 'container' | 'snapshot' | 'missing'

export interface LineageNode {
  /** `<lxcpath>/<name>`: for a snapshot, `<P>/<n>/snaps/snapN` */
  id: string
  kind: LineageNodeKind
  ref: ContainerRef
  backend: Backend | null
  state: ContainerState
  /** a hidden container (name starting with `.`) or a snapshot of one */
  hidden?: boolean
}

/**
 * Edges point from the dependent to what it comes from.
 * - `depends-on-lower`: an overlay/aufs rootfs reads this container's rootfs as its lower;
 * - `cloned-from`: recorded in lxc_rdepends / lxc_snapshots (a copy of this one's upper, for a clone of a clone);
 * - `snapshot-of`: an lxc-snapshot of this container.
 */
/**
 * depends-on-lower and cloned-from are dependencies (the origin must stay); snapshot-of ties a
 * snapshot to its container; copied-from is what a copy was made from and does not need: a btrfs
 * snapshot's origin, or a copy clone's as Strata recorded it (engine/lineage/provenance.ts).
 */
export type LineageEdgeKind = 'depends-on-lower' | 'cloned-from' | 'snapshot-of' | 'copied-from'

export interface LineageEdge {
  from: string
  to: string
  kind: LineageEdgeKind
}

export type FindingCode =
  | 'origin-missing'
  | 'stale-entry'
  | 'snapshots-leftover'
  | 'empty-snapshots'
  | 'legacy-count-mismatch'
  | 'rdepends-mismatch'
  | 'missing-bookkeeping'
  | 'stray-partial'
  | 'config-error'
  | 'lxcpath-unreadable'
  | 'base-drift'
  | 'rootfs-outside'
  | 'interrupted-op'
  | 'unproven-work'

export interface Finding {
  severity: 'error' | 'warning'
  code: FindingCode
  subject: ContainerRef
  /** the file the finding is about, when there is one */
  file: string | null
  message: string
  /** the message as data (shared/engine-text.ts), for the app to say in the user's language */
  said?: Said
  /** the repair Strata offers (`strata check --repair`, the app's Repair button), when it has one */
  fix?: FindingFix
  /** a config problem's fix, by id (ConfigProblem.fixId) */
  fixId?: FixId
}

/** A repair of one bookkeeping file: the subject's lxc_snapshots, rewritten or removed. */
export interface FindingFix {
  /** the only file the repair changes */
  file: string
  /** what it changes, in a sentence */
  description: string
  /** the same as data, for the app to say in the user's language */
  said?: Said
}

/** What a repair did. */
export interface RepairResult {
  ref: ContainerRef
  file: string
  /** false when the file already said what is true and was left alone */
  changed: boolean
  message: string
  /** the message as data, for the app to say in the user's language */
  said?: Said
}

export interface LineageGraph {
  nodes: LineageNode[]
  edges: LineageEdge[]
  findings: Finding[]
}

// ---- Operations (clone, create, destroy, snapshot, ...): shared by engine, CLI, helper and UI ----

/** One container a set's destroy removes (engine/ops/destroy-set.ts). */
export interface DestroySetStep {
  ref: ContainerRef
  /** its own snapshots, which go with it (its destroy is asked withDependents when there are any) */
  snapshots: ContainerRef[]
  /** it depends on another container that goes: what it frees is counted in that one's freedIfDeletedBytes */
  dependentOfAnother: boolean
}

/** A member of the set that stays. */
export interface DestroySetRefusal {
  ref: ContainerRef
  /** `dependents`: something that stays depends on it; else the lifecycle rule its state breaks (shared/lifecycle.ts) */
  rule: 'dependents' | 'running' | 'in-transition'
  /** what stays and depends on it (`dependents` only) */
  dependents: ContainerRef[]
  message: string
}

/** The plan for destroying several containers of one lxcpath; nothing is changed by making it. */
export interface DestroySetPlan {
  /** what goes, dependents before what they depend on */
  order: DestroySetStep[]
  /** members that stay, and why */
  refused: DestroySetRefusal[]
}

/** Progress of a long operation: a phase name and, when known, how far it is. */
export interface OpProgress {
  /** e.g. `copy`, `snapshot`, `register`, `template`, `destroy` */
  phase: string
  files?: number
  bytes?: number
  totalFiles?: number
  totalBytes?: number
  /** a note for a log view: what the operation is doing now, given once (the CLI prints it) */
  message?: string
  /** the latest note as data (shared/engine-text.ts), also on the counts that follow it: the app says it in the user's language under the bar */
  said?: Said
}

/** A backend a clone or create could use, and whether the rules and this machine allow it. */
export interface BackendChoice {
  backend: Backend
  /** copy clone (full copy) or snapshot clone (copy-on-write, depends on its origin) */
  mode: 'copy' | 'snapshot' | 'create'
  allowed: boolean
  /** why not, in a sentence that names the rule or what the machine lacks; null when allowed */
  reason: string | null
  /** the same sentence as data (shared/engine-text.ts), for a UI to say whole in its language */
  said?: Said
  /** which kind of rule refuses it, for a UI to say short in its own language (the sentence above has the details) */
  why?: ChoiceRule
  /** the backend LXC would pick when -B is not given */
  isDefault: boolean
  /**
   * allowed, but this storage keeps no xattrs and the origin has some: what the copy would lose
   * (the engine's sentence, naming the first file); the clone then needs `allowLossy`
   */
  loses?: string
  /** the same sentence as data, for a UI to say in its language */
  losesSaid?: Said
  /** on an LXD host: the storage pool of this driver the copy goes into */
  pool?: string
  /** on an LXD cluster: the members a copy into the pool can be placed on (LXD places it when none is named) */
  members?: string[]
}

/**
 * `origin-not-clonable`: the origin's backend cannot be cloned at all; `no-copy-into`: the
 * backend takes no copy; `no-snapshots`: it makes no snapshot clones; `snapshot-of`: its snapshot
 * clones are only of other backends; `no-create`: it makes no new containers; `not-yet`: Strata
 * reads its containers but cannot make any yet (lvm, rbd, nbd); `machine`: this machine lacks
 * what it needs.
 */
export type ChoiceRule = 'origin-not-clonable' | 'no-copy-into' | 'no-snapshots' | 'snapshot-of' | 'no-create' | 'not-yet' | 'machine'

// ---- Disk usage and layer diffs ----

export interface UsageFigures {
  apparentBytes: number
  allocatedBytes: number
  files: number
  dirs: number
  /** inodes with more than one name, counted once */
  hardlinkedInodes: number
  whiteouts: number
  opaqueDirs: number
}

export interface ContainerUsage {
  ref: ContainerRef
  backend: Backend | null
  /**
   * what only it holds: its data layer (an overlay upper, a dir rootfs; btrfs/zfs: what the
   * filesystem counts as exclusive) plus the rest of its directory (config, log); snapshots
   * are rows of their own. `du -sx --exclude=snaps <lxcpath>/<name>` for a scanned one.
   */
  exclusiveBytes: number
  /** what it reads from its bases (overlay lowers; btrfs/zfs referenced but not exclusive) */
  sharedBytes: number
  /**
   * what destroying it would give back: its exclusive plus the exclusive of everything that
   * must go with it (its snapshots, the clones that read it as a lower); a leaf's equals its
   * exclusive
   */
  freedIfDeletedBytes: number
  /** for a base: bytes its clones save compared with full copies */
  savedByClonesBytes: number
  /** the tree that was measured (upper or rootfs) */
  measured: UsageFigures
  /** how the figure was obtained: a scan, btrfs qgroups, zfs properties */
  source: 'scan' | 'btrfs-qgroup' | 'zfs' | 'lxd'
  /** why a btrfs or zfs container was scanned instead of read from the filesystem's accounting */
  sourceNote?: string
  /** the same as data, for the app to say in the user's language */
  sourceNoteSaid?: Said
}

/** One lineage tree (a base with every clone and snapshot that depends on it, transitively). */
export interface LineageTreeUsage {
  /** the member that depends on nothing */
  root: ContainerRef
  members: ContainerRef[]
  /** what the whole tree holds on disk (each member's own data and files once) */
  allocatedBytes: number
  /** what full copies of every member would take beyond that */
  savedByClonesBytes: number
}

export type DiffKind = 'added' | 'modified' | 'deleted' | 'opaque'

export interface DiffEntry {
  /** path inside the rootfs, starting with `/`; may hold any bytes LXC allows (shown escaped) */
  path: string
  kind: DiffKind
  /** bytes in the upper (added, modified) */
  bytes: number
  /** bytes of the lower that this entry hides (modified, deleted, opaque) */
  shadowedBytes: number
  isDir: boolean
}

export interface LayerDiff {
  ref: ContainerRef
  lowers: string[]
  upper: string
  entries: DiffEntry[]
  totals: Record<DiffKind, { count: number; bytes: number }>
  shadowedBytes: number
}

// ---- A container's config as people read it ----

export interface ConfigViewEntry {
  key: string
  value: string
  /** the file this line is in (the container config or an included file) */
  file: string
  line: number
  /** the modern name when `key` is a legacy (LXC 1.x/2.0) key (`lxc.net.N.*` for network keys), else null */
  legacy: string | null
}

export interface ConfigView {
  file: string
  raw: string
  entries: ConfigViewEntry[]
  problems: ConfigProblem[]
}

// ---- Running containers: LXC's log, and why a start failed ----

/** One line of an LXC log (`lxc-start NAME 20261206142643.291 ERROR overlay - file.c:fn:490 - words`). */
export interface LxcLogLine {
  /** ERROR, WARN, INFO, DEBUG, TRACE, NOTICE, ...; null for a line LXC did not prefix */
  level: string | null
  /** the words after LXC's prefix and source location */
  text: string
  raw: string
}

/** A piece of a container's LXC log, read from `offset`; `next` is where the following read starts. */
export interface LogTail {
  /** the log file: the config's `lxc.log.file`, or the one Strata asks LXC to write (`<lxcpath>/<name>/<name>.log`) */
  file: string
  /** how the file was chosen: set in the config, or Strata's */
  source: 'config' | 'strata'
  /** false when the file does not exist yet (nothing was logged) */
  exists: boolean
  lines: LxcLogLine[]
  /** where this read started (a log that shrank, or was rotated, is read again from 0) */
  offset: number
  next: number
}

/** A known cause of a failed start, in words: `rule` names it (`origin-removed`, `missing-lower`, `missing-rootfs`, `no-bridge`, `not-a-bridge`, `no-link-device`, `outside-idmap`). */
export interface StartCause {
  rule: string
  message: string
  /** the names and paths the message is made of, for the app to say it in the user's language */
  params: Record<string, string>
}

/** Why a start failed: LXC's log lines of that start (ERROR lines first) and the causes Strata recognised. */
export interface StartDiagnosis {
  logFile: string
  lines: LxcLogLine[]
  causes: StartCause[]
}
