// The engine as the app's main process reaches it: in process where this user may write the
// lxcpath (a user's ~/.local/share/lxc, or everything when running as root), and through the
// root helper (pkexec, one prompt per session) where only root may (/var/lib/lxc).
// Both sides offer the same high-level operations; the service does not care which it has.
import { accessSync, constants } from 'node:fs'
import type {
  ConfigView,
  ContainerInfo,
  ContainerRef,
  ContainerUsage,
  LayerDiff,
  LineageGraph,
  RepairResult,
  SnapshotInfo
} from '../shared/model'
import { readConfigView } from './engine/config/view'
import { layerDiff } from './engine/layer-diff'
import { measureUsage } from './engine/usage'
import { listContainers, readLineage, type ListOptions } from './engine/lxcpath'
import { cloneContainer, type CloneOptions } from './engine/ops/clone'
import type { OpContext } from './engine/context'
import { createContainer } from './engine/ops/create'
import { destroyContainer, type DestroyOptions } from './engine/ops/destroy'
import { recoverInterrupted } from './engine/ops/recover'
import { repairSnapshotsFile } from './engine/ops/repair'
import { createSnapshot, deleteSnapshot, restoreSnapshot } from './engine/ops/snapshot'
import { run } from './engine/tools'
import type { HelperClient } from './helper/client'
import { LowerWalkCache } from './engine/lineage/drift'

export interface CreateRequest {
  lxcpath: string
  name: string
  template: string
}

export interface EngineClient {
  /** which side this is, for logs and tests */
  readonly kind: 'local' | 'helper'
  listContainers(lxcpaths: string[], opts?: ListOptions): Promise<ContainerInfo[]>
  lineage(lxcpaths: string[], opts?: ListOptions): Promise<LineageGraph>
  configView(ref: ContainerRef): Promise<ConfigView>
  clone(opts: CloneOptions, ctx: OpContext): Promise<ContainerRef>
  create(opts: CreateRequest, ctx: OpContext): Promise<ContainerRef>
  destroy(ref: ContainerRef, opts: DestroyOptions, ctx: OpContext): Promise<{ destroyed: ContainerRef[] }>
  createSnapshot(ref: ContainerRef, comment: string | undefined, ctx: OpContext): Promise<SnapshotInfo>
  restoreSnapshot(ref: ContainerRef, snapshot: string, newName: string | undefined, ctx: OpContext): Promise<ContainerRef>
  deleteSnapshot(ref: ContainerRef, snapshot: string, ctx: OpContext): Promise<void>
  usage(lxcpaths: string[], ctx: OpContext, opts?: ListOptions): Promise<ContainerUsage[]>
  layerDiff(ref: ContainerRef, ctx: OpContext): Promise<LayerDiff>
  /** rewrites ref's lxc_snapshots to list what depends on it (looked for in lxcpaths too) */
  repairBookkeeping(ref: ContainerRef, lxcpaths: string[]): Promise<RepairResult>
  start(ref: ContainerRef): Promise<void>
  stop(ref: ContainerRef): Promise<void>
}

/** True when this process may change the lxcpath itself (root, or the user's own lxcpath). */
export function canWriteLxcpath(lxcpath: string): boolean {
  if (process.geteuid?.() === 0) return true
  try {
    accessSync(lxcpath, constants.W_OK | constants.R_OK | constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The engine in this process. Interrupted work is repaired before anything new is written. */
export function localEngine(lxcpaths: readonly string[]): EngineClient {
  const lowerWalks = new LowerWalkCache(LowerWalkCache.FOR_LONG_LIVED_ENGINE_MS)
  const recovered = Promise.all(lxcpaths.filter(canWriteLxcpath).map((p) => recoverInterrupted(p).catch(() => [])))
  const writing = async <T>(fn: () => Promise<T>): Promise<T> => {
    await recovered
    return fn()
  }
  return {
    kind: 'local',
    listContainers: (ps, o) => listContainers(ps, o),
    lineage: (ps, o) => readLineage(ps, lowerWalks, o),
    configView: async (ref) => readConfigView(ref.lxcpath, ref.name),
    clone: (opts, ctx) => writing(() => cloneContainer(opts, ctx)),
    create: (opts, ctx) => writing(() => createContainer(opts, ctx)),
    destroy: (ref, opts, ctx) => writing(() => destroyContainer(ref, opts, ctx)),
    createSnapshot: (ref, comment, ctx) => writing(() => createSnapshot(ref, { comment }, ctx)),
    restoreSnapshot: (ref, snapshot, newName, ctx) => writing(() => restoreSnapshot(ref, snapshot, { newName }, ctx)),
    deleteSnapshot: (ref, snapshot, ctx) => writing(() => deleteSnapshot(ref, snapshot, ctx)),
    usage: (ps, ctx, o) => measureUsage(ps, { signal: ctx.signal, all: o?.all }),
    layerDiff: (ref, ctx) => layerDiff(ref, { signal: ctx.signal }),
    repairBookkeeping: (ref, ps) => writing(() => repairSnapshotsFile(ref, { lxcpaths: ps })),
    start: async (ref) => void (await run('lxc-start', ['-P', ref.lxcpath, '-n', ref.name, '-d'], { timeoutMs: 60_000 })),
    stop: async (ref) => void (await run('lxc-stop', ['-P', ref.lxcpath, '-n', ref.name], { timeoutMs: 60_000 }))
  }
}

/** The engine in the root helper; the helper checks every request again on its side. */
export function helperEngine(client: HelperClient): EngineClient {
  const opts = (ctx: OpContext) => ({ signal: ctx.signal, onProgress: ctx.onProgress })
  return {
    kind: 'helper',
    listContainers: (lxcpaths, o) => client.call('list', { lxcpaths, all: o?.all }),
    lineage: (lxcpaths, o) => client.call('lineage', { lxcpaths, all: o?.all }),
    configView: (ref) => client.call('configView', { ref }),
    clone: (o, ctx) => client.call('clone', { ...o }, opts(ctx)),
    create: (o, ctx) => client.call('create', { ...o }, opts(ctx)),
    destroy: (ref, o, ctx) => client.call('destroy', { ref, ...o }, opts(ctx)),
    createSnapshot: (ref, comment, ctx) => client.call('createSnapshot', { ref, comment }, opts(ctx)),
    restoreSnapshot: (ref, snapshot, newName, ctx) => client.call('restoreSnapshot', { ref, snapshot, newName }, opts(ctx)),
    deleteSnapshot: async (ref, snapshot, ctx) => void (await client.call('deleteSnapshot', { ref, snapshot }, opts(ctx))),
    usage: (lxcpaths, ctx, o) => client.call('usage', { lxcpaths, all: o?.all }, opts(ctx)),
    layerDiff: (ref, ctx) => client.call('diff', { ref }, opts(ctx)),
    repairBookkeeping: (ref, lxcpaths) => client.call('repairBookkeeping', { ref, lxcpaths }),
    start: async (ref) => void (await client.call('start', { ref })),
    stop: async (ref) => void (await client.call('stop', { ref }))
  }
}
