// A storage driver, in the spirit of LXC's storage ops (storage.h) plus a capability record in
// the style of Incus's driver Info. A driver owns everything that depends on its backend: how
// a rootfs is made, copied, snapshotted, mounted, measured, renamed inside and destroyed, what
// the storage itself knows of its origin, and, as data, what can be cloned into it. Drivers
// build into a staging directory but write specs that name the final container directory: the
// staging dir is renamed into place last.
import type { Stats } from 'node:fs'
import { refused } from '@shared/errors'
import type { Backend, ContainerRef, RootfsSpec, UsageFigures } from '@shared/model'
import { say, type Said } from '@shared/engine-text'
import type { OpContext } from '../context'
import type { HostnameResult } from '../fs/hostname'
import type { RootfsAccess } from '../fs/rootfs-mount'
import type { UsageResult, WhiteoutFormat } from '../native/index'

/** What a backend needs from the machine; the environment check lists what is missing. */
export interface DriverNeeds {
  /** the kernel filesystem it mounts, under any of these names in /proc/filesystems */
  filesystems?: readonly string[]
  /** the commands it runs, each with the Debian package that has it */
  tools: Readonly<Record<string, string>>
  /** it attaches images or devices, which only root may */
  root?: boolean
}

/**
 * What the driver can do, as data: the compatibility rules (drivers/compat.ts) read these and
 * nothing else, and the CLI, the clone dialog and the environment check show what they say.
 * A Said is why not, a sentence of shared/engine-text.ts that names the rule (the app says it in
 * the user's language, `.text` is the English); null means it can.
 */
export interface DriverCapabilities {
  /** why Strata does not make new containers with it (lxc-create -B), or null */
  create: Said | null
  /** why a copy clone cannot be made into it, or null: it copies the visible tree of any origin that can show one */
  copyInto: Said | null
  /** why its containers cannot be cloned at all (their tree can be neither shown nor snapshotted), or null */
  cloneFrom: Said | null
  /** the origin backends it makes snapshot clones of (copy-on-write); empty when it makes none */
  snapshotOf: readonly Backend[]
  /** LXC's rule behind snapshotOf, said when an origin is not in it */
  snapshotRule: Said
  /** the backend LXC gives a snapshot clone of one of its containers when -B is not given; default its own */
  snapshotAs?: Backend
  /** a snapshot clone reads its origin's data (an overlay's lower, a zfs clone's origin snapshot): the origin must stay */
  snapshotDependsOnOrigin: boolean
  /**
   * the storage itself records that dependency (a zfs clone's origin property) and LXC writes no
   * lxc_snapshots / lxc_rdepends for it: the lineage comes from the driver's lineage()
   */
  originInStorage?: boolean
  /** a second, read-only mount beside LXC's while the container runs is safe (not so a block device's filesystem) */
  mountableWhileRunning: boolean
  /** for a layered backend (an upper over lowers): how its upper marks deleted entries and opaque dirs */
  whiteouts?: WhiteoutFormat
  needs: DriverNeeds
}

/** LXC's bdev_specs (storage.h): what a new rootfs is made with, beside its place. */
export interface StorageSpecs {
  /** the dataset new zfs containers go under when their origin is not zfs (lxc.bdev.zfs.root, lxc-create --zfsroot) */
  zfsRoot: string
}

/** Where a new container is being built, and where it will finally live. */
export interface BuildTarget {
  /** the staging directory (the future `<P>/<n>`) */
  buildDir: string
  /** `<P>/<n>` as it will be written into the config */
  finalDir: string
  specs: StorageSpecs
  /**
   * Records storage the driver has just made outside buildDir (a zfs dataset or snapshot), right
   * after making it: an undo, or recovery after a crash, hands it back to the driver's discard()
   * before the build dir goes (drivers/claims.ts).
   */
  claim(item: string): void
  /** the user accepted a copy that drops the xattrs this storage cannot keep (clone --allow-lossy) */
  dropUnsupportedXattrs?: boolean
}

/** An existing container's storage, to copy or snapshot from. */
export interface SourceStorage {
  spec: RootfsSpec
  dir: string
  /** runs fn with a directory that shows the source's whole tree (its own driver's visibleTree) */
  withVisibleTree<T>(fn: (root: string) => Promise<T>): Promise<T>
}

/** The usage of one container's storage: what it holds by itself, what it reads from elsewhere. */
export interface StorageUsage {
  /** its data: an overlay upper, a dir rootfs, a subvolume, a dataset, an image */
  measured: UsageFigures
  dataBytes: number
  /** bytes it reads from elsewhere, as the filesystem accounts them (btrfs/zfs), else null */
  fsShared: number | null
  /** everything else in its directory (config, overlay workdir, ...), allocated bytes */
  restBytes: number
  source: 'scan' | 'btrfs-qgroup' | 'zfs'
  /** why the filesystem's accounting was not used */
  sourceNote?: Said
}

/** What a driver's usage() is handed: the default tree walk, and the container it measures. */
export interface UsageProbe {
  ref: ContainerRef
  /** LXC runs it: Strata does not mount what LXC has mounted */
  running: boolean
  signal?: AbortSignal
  /** the default: scans dataPath (once, whoever asks) and walks the rest of the directory meanwhile */
  scanned(dataPath: string, xattrs: boolean): Promise<StorageUsage>
  /** one scan of a tree, shared with whoever else asks for the same path */
  scan(path: string, xattrs: boolean): Promise<UsageResult>
  /** allocated bytes of the container's directory, without dataPath (when inside it) and snaps/ */
  rest(dataPath: string | null): number
}

/** What the storage itself records of a rootfs: its identity and that of what it was made from. */
export interface StorageLineage {
  /** unique within the backend (a btrfs subvolume UUID, a zfs dataset) */
  id: string
  /** the id of the storage it was snapshotted or cloned from, or null */
  parent: string | null
}

export interface StorageDriver {
  readonly backend: Backend
  readonly capabilities: DriverCapabilities
  /** beyond capabilities.needs: why it cannot work for this lxcpath, or null */
  probe?(lxcpath: string): Said | null
  /** empty storage for a new container, and where its template writes (in the build dir) */
  create(target: BuildTarget, ctx: OpContext): Promise<{ spec: RootfsSpec; fill: RootfsAccess }>
  /** a standalone copy of what the source shows (merged view for layered sources) */
  copy(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec>
  /**
   * Why a copy of `origin` into this storage would not keep extended attributes (POSIX ACLs and
   * file capabilities are xattrs), probed on the storage itself with a test xattr, or null.
   * Absent: it keeps them (a directory tree on the lxcpath's filesystem, an image Strata formats).
   * `origin` null: a container received from another host (importContainer), made where create makes one.
   */
  xattrsLost?(origin: RootfsSpec | null, specs: StorageSpecs): Promise<Said | null>
  /** a copy-on-write clone of the source */
  snapshot(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec>
  /**
   * How the rootfs is reached: read-only (for inspection: nothing on disk changes) or
   * read-write as LXC mounts it (for clone hooks and `strata mount --rw`).
   */
  access(spec: RootfsSpec, readOnly: boolean): Promise<RootfsAccess>
  /** undoes what access() noted as `held` (a zfs dataset it mounted), once Strata's mount is gone */
  release?(held: string): Promise<void>
  /** runs fn with a directory that shows the whole tree of the container at `dir`, for copying */
  visibleTree<T>(spec: RootfsSpec, dir: string, fn: (root: string) => Promise<T>): Promise<T>
  /** what its storage holds (probe.scanned is the default tree walk) */
  usage(spec: RootfsSpec, probe: UsageProbe): Promise<StorageUsage>
  /** writes `name` into /etc/hostname of a new rootfs (spec in build-dir terms, `at` an empty dir to mount it on) */
  writeHostname(spec: RootfsSpec, at: string, name: string): Promise<HostnameResult>
  /** LXC's auto-detection of a bare rootfs path (no type prefix): true when it is this backend's */
  detect?(path: string, st: Stats | undefined): boolean
  /** what the storage itself knows of where this rootfs came from, or null */
  lineage?(spec: RootfsSpec): StorageLineage | null
  /** the path its destroy deletes outside containerDir (a rootfs or an image configured elsewhere), or null */
  storageOutside?(spec: RootfsSpec, containerDir: string): string | null
  /** removes the storage that does not go with the container's directory (a rootfs outside it the user confirmed) */
  destroy(spec: RootfsSpec, containerDir: string, ctx: OpContext): Promise<void>
  /** removes what the driver claimed during a build that is being undone (BuildTarget.claim); gone already is fine */
  discard?(item: string): Promise<void>
  /** after the build dir was renamed to finalDir: what the storage records of the container's place (a zfs mountpoint) */
  registered?(spec: RootfsSpec, finalDir: string): Promise<void>
  /** the storage outside its directory that belongs to this rootfs, as claims (for a swap that replaces it) */
  claimsOf?(spec: RootfsSpec): Promise<string[]>
  /**
   * why those claims could not be discarded now (something else still reads them), or null:
   * asked before a swap or a destroy changes anything. `going`: the rootfs of every other
   * container the same operation removes first, whose reading does not count.
   */
  undiscardable?(items: string[], going?: readonly RootfsSpec[]): Promise<string | null>
}

/** The path of a rootfs that is one directory as it is (dir, btrfs, a zfs mountpoint). */
export function directoryOf(spec: RootfsSpec): string {
  if (!('path' in spec)) throw refused('not-a-directory', say('not-one-directory', { backend: spec.backend }))
  return spec.path
}
