// A storage driver, in the spirit of LXC's storage ops (storage.h) plus a capability record in
// the style of Incus's driver Info. Drivers build into a staging directory but write specs
// that name the final container directory: the staging dir is renamed into place last.
import type { Backend, RootfsSpec } from '@shared/model'
import type { OpContext } from '../context'
import type { WhiteoutFormat } from '../native/index'

export interface DriverCapabilities {
  create: boolean
  /** full copy clone into this backend */
  copy: boolean
  /** copy-on-write clone into this backend */
  snapshot: boolean
  /** a snapshot clone reads its origin's data (overlay lower): the origin must stay */
  snapshotDependsOnOrigin: boolean
  /** for a layered backend (an upper over lowers): how its upper marks deleted entries and opaque dirs */
  whiteouts?: WhiteoutFormat
  /** what it needs from the machine, in words */
  needs: string
}

/** Where a new container is being built, and where it will finally live. */
export interface BuildTarget {
  /** the staging directory (the future `<P>/<n>`) */
  buildDir: string
  /** `<P>/<n>` as it will be written into the config */
  finalDir: string
}

/** An existing container's storage, to copy or snapshot from. */
export interface SourceStorage {
  spec: RootfsSpec
  dir: string
}

export interface StorageDriver {
  readonly backend: Backend
  readonly capabilities: DriverCapabilities
  /** null when the driver can work on this machine for this lxcpath, else why not */
  probe(lxcpath: string): string | null
  detect(spec: RootfsSpec): boolean
  /** empty storage for a new container: the rootfs a template fills */
  create(target: BuildTarget, ctx: OpContext): Promise<RootfsSpec>
  /** a standalone copy of what the source shows (merged view for layered sources) */
  copy(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec>
  /** a copy-on-write clone of the source */
  snapshot(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec>
  /** mounts the rootfs read-write at `at` (for templates and hooks) */
  mount(spec: RootfsSpec, at: string): Promise<void>
  umount(at: string): Promise<void>
  /** removes the storage that lives outside `containerDir` (what is inside goes with the dir) */
  destroyOutside(spec: RootfsSpec, containerDir: string, ctx: OpContext): Promise<void>
}

export class DriverError extends Error {
  constructor(
    readonly backend: Backend,
    readonly rule: string,
    message: string
  ) {
    super(message)
    this.name = 'DriverError'
  }
}
