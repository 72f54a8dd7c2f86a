// Mounting a container's rootfs at a private mountpoint of Strata's (strata mount, usage scans):
// read-only unless asked, never read-write while it runs, and never beside LXC's own mount of
// a block device's filesystem (a second mount of it corrupts it). Its driver says how it is
// mounted; mount.ts keeps the records that let a crash be cleaned up.
import { existsSync, mkdtempSync, rmdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ContainerRef, ContainerState } from '@shared/model'
import { readContainer } from './container'
import { driverFor } from './drivers/index'
import { mountRootfs } from './fs/rootfs-mount'
import { notFound, refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import { stateSaid } from '@shared/lifecycle'
import { addStrataMount, removeStrataMount, strataMountOf, type MountPurpose, type StrataMount } from './mount'
import { readStates } from './state'
import { run } from './tools'

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

/** What a mount of the container needs (its spec and driver), after the rules: a config with a rootfs; never read-write while it runs; never a second mount of a running block device. */
async function mountable(ref: ContainerRef, readOnly: boolean): Promise<{ spec: NonNullable<ReturnType<typeof readContainer>['spec']>; driver: ReturnType<typeof driverFor> }> {
  const record = readContainer(ref)
  if (!existsSync(record.configFile)) throw notFound(say('mount-not-container', { ref: show(ref) }), show(ref))
  const spec = record.spec
  if (!spec) throw refused('no-rootfs', say('mount-no-rootfs', { ref: show(ref), why: record.problems[0]?.said ?? record.problems[0]?.message ?? say('rootfs-path-unset') }), show(ref))
  const state = await containerState(ref)
  const running = RUNNING.has(state)
  if (!readOnly && running) {
    throw refused('running', say('mount-running-rw', { ref: show(ref), state: stateSaid(state) }), show(ref))
  }
  const backend = record.backend ?? spec.backend
  const driver = driverFor(backend)
  if (running && !driver.capabilities.mountableWhileRunning) {
    throw refused('running-block-device', say('mount-running-block', { ref: show(ref), state: stateSaid(state), backend }), show(ref))
  }
  return { spec, driver }
}

/** Mounts the container's rootfs at a private mountpoint; if Strata already has it mounted, that mount is returned. */
export async function mountContainer(ref: ContainerRef, opts: MountOptions = {}): Promise<StrataMount> {
  const existing = existsSync(readContainer(ref).configFile) ? strataMountOf(ref) : null
  if (existing) {
    if (opts.readWrite && existing.readOnly) throw refused('mounted-read-only', say('mounted-read-only', { ref: show(ref), mountpoint: existing.mountpoint }), show(ref))
    return existing
  }
  const readOnly = !opts.readWrite
  const { spec, driver } = await mountable(ref, readOnly)
  return addStrataMount(ref, { path: opts.path, readOnly, purpose: opts.purpose ?? 'user', backend: driver.backend }, async (at) => {
    const access = await driver.access(spec, readOnly)
    await mountRootfs(access, at, readOnly)
    return 'dir' in access ? access.held : undefined
  })
}

/**
 * The container's rootfs mounted at a fresh directory for as long as `fn` runs, with no record:
 * for a mount namespace of the caller's own (a non-root user's, cli/mount.ts), which takes the
 * mount with it when it ends, whatever happens. Unmounted and removed after `fn`.
 */
export async function withPrivateMount<T>(ref: ContainerRef, readOnly: boolean, fn: (mountpoint: string) => Promise<T>): Promise<T> {
  const { spec, driver } = await mountable(ref, readOnly)
  const at = mkdtempSync(join(tmpdir(), `strata-mount-${ref.name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40)}-`))
  try {
    const access = await driver.access(spec, readOnly)
    try {
      await mountRootfs(access, at, readOnly)
      try {
        return await fn(at)
      } finally {
        await run('umount', [at], { timeoutMs: 30_000 }).catch(() => undefined)
      }
    } finally {
      if ('dir' in access && access.held !== undefined) await driver.release?.(access.held).catch(() => undefined)
    }
  } finally {
    // a mount that would not go (something still in it) goes with the namespace; its directory stays empty
    try {
      rmdirSync(at)
    } catch {
      /* left empty in the temporary directory */
    }
  }
}

/** Unmounts Strata's mount of a container; false when there was none. */
export async function unmountContainer(ref: ContainerRef): Promise<boolean> {
  const rec = await removeStrataMount(ref)
  if (!rec) return false
  if (rec.held !== undefined && rec.backend) await driverFor(rec.backend).release?.(rec.held).catch(() => undefined)
  return true
}
