// The engine side of the contract: each method of src/shared/engine-api.ts bound to the engine
// function that does it. Both the app's own process (engine-client.ts) and the root helper
// (helper/server.ts) run methods only through this table, on params their scope has admitted.
import type { EngineMethod, EngineParams, EngineResult } from '@shared/engine-api'
import type { ContainerRef, OpProgress } from '@shared/model'
import { readConfigView } from './engine/config/view'
import { runConsole, type EngineStream } from './engine/console'
import { cloneChoices, importChoices } from './engine/drivers/compat'
import { importXattrLoss, originXattrs, withXattrLoss } from './engine/ops/xattr-loss'
import { layerDiff } from './engine/layer-diff'
import { measureUsage } from './engine/usage'
import { watchUsage } from './engine/usage-watch'
import { LxcpathWatcher } from './watch'
import { watchChanges } from './change-watch'
import type { LowerWalks } from './engine/lineage/drift'
import { listContainers, readLineage } from './engine/lxcpath'
import { cloneContainer } from './engine/ops/clone'
import { loadExisting } from './engine/ops/preconditions'
import type { OpBoundary } from './engine/context'
import { createContainer } from './engine/ops/create'
import { destroyContainer, destroyPlan } from './engine/ops/destroy'
import { destroySetPlan } from './engine/ops/destroy-set'
import { checkNewName } from './engine/names'
import { applyModernConfig, previewModernConfig } from './engine/ops/modernize-config'
import { repairSnapshotsFile } from './engine/ops/repair'
import { createSnapshot, deleteSnapshot, restoreSnapshot } from './engine/ops/snapshot'
import { freezeContainer, restartContainer, startContainer, stopContainer, unfreezeContainer } from './engine/ops/lifecycle'
import { readContainerLog } from './engine/lxc-log'
import { exportContainer } from './engine/ops/transfer-export'
import { importContainer } from './engine/ops/transfer-import'
import { containerSubject, refused, StrataError } from '@shared/errors'
import { say } from '@shared/engine-text'

export interface EngineContext {
  signal?: AbortSignal
  onProgress?: (p: OpProgress) => void
  /** the root helper's lxcpath policy; unset in the app's own process */
  boundary?: OpBoundary
  /** the lxcpaths this engine serves: what a method's `lxcpaths` means when none are given */
  lxcpaths: readonly string[]
  /** walks of overlay bases, shared by this engine's lineage reads */
  lowerWalks: LowerWalks
  /** a stream method's two ends (the table's `stream`); unset for every other method */
  stream?: EngineStream
}

type EngineFunction<M extends EngineMethod> = (params: EngineParams<M>, ctx: EngineContext) => Promise<EngineResult<M>>

const refOf = (p: ContainerRef): ContainerRef => ({ lxcpath: p.lxcpath, name: p.name })

export const ENGINE_FUNCTIONS: { [M in EngineMethod]: EngineFunction<M> } = {
  listContainers: (p, ctx) => listContainers(p.lxcpaths ?? ctx.lxcpaths, { all: p.all, lineageFindings: ctx.lowerWalks }),
  lineage: (p, ctx) => readLineage(p.lxcpaths ?? ctx.lxcpaths, ctx.lowerWalks, { all: p.all }),
  usage: (p, ctx) => measureUsage([...(p.lxcpaths ?? ctx.lxcpaths)], { all: p.all, signal: ctx.signal }),
  watchUsage: async (p, ctx) => {
    const stream = ctx.stream
    if (!stream || !ctx.signal) throw new StrataError('internal', 'watchUsage is a stream: it needs the stream to run on')
    const lxcpaths = [...(p.lxcpaths ?? ctx.lxcpaths)]
    const lxcpathChanges = (onChange: () => void): (() => void) => {
      const w = new LxcpathWatcher(lxcpaths, onChange)
      return () => w.close()
    }
    return watchUsage(lxcpaths, { all: p.all, signal: ctx.signal, lxcpathChanges }, (u) => stream.send(JSON.stringify(u)))
  },
  watchChanges: async (p, ctx) => {
    if (!ctx.stream || !ctx.signal) throw new StrataError('internal', 'watchChanges is a stream: it needs the stream to run on')
    return watchChanges([...(p.lxcpaths ?? ctx.lxcpaths)], ctx.signal, (lxcpath) => ctx.stream!.send(lxcpath))
  },
  configView: async (p) => readConfigView(p.lxcpath, p.name),
  layerDiff: (p, ctx) => layerDiff(refOf(p), { signal: ctx.signal }),
  startContainer: (p, ctx) => startContainer(refOf(p), ctx),
  stopContainer: (p, ctx) => stopContainer(refOf(p), { timeout: p.timeout, kill: p.kill }, ctx),
  restartContainer: (p, ctx) => restartContainer(refOf(p), { timeout: p.timeout, kill: p.kill }, ctx),
  freezeContainer: (p, ctx) => freezeContainer(refOf(p), ctx),
  unfreezeContainer: (p, ctx) => unfreezeContainer(refOf(p), ctx),
  readLog: async (p, ctx) => readContainerLog(refOf(p), p.offset, ctx.boundary),
  // Judged where the clone would run: the root helper may offer what the app's own user may not (loop).
  cloneChoices: async (p) => {
    if (!p.origin) return importChoices(p.lxcpath)
    const origin = loadExisting(p.origin)
    if (!origin.backend) throw refused('no-rootfs', say('clone-no-rootfs-lxc', { name: p.origin.name }), containerSubject(p.origin))
    return withXattrLoss(cloneChoices({ backend: origin.backend, lxcpath: p.origin.lxcpath }, { lxcpath: p.lxcpath }), origin, p.lxcpath)
  },
  clone: (p, ctx) => {
    if (p.member) throw refused('no-cluster', say('no-cluster', { lxcpath: p.origin.lxcpath, member: p.member, name: p.name }), p.member)
    return cloneContainer(p, ctx)
  },
  create: (p, ctx) => createContainer(p, ctx),
  configModernPreview: async (p) => previewModernConfig(refOf(p)),
  configModernApply: (p) => applyModernConfig(refOf(p), p.digest),
  checkName: async (p) => checkNewName(p.lxcpath, p.name, { keepUtsName: p.keepUtsName }),
  destroyPlan: (p, ctx) => destroyPlan(refOf(p), ctx),
  destroySetPlan: (p, ctx) => destroySetPlan(p.lxcpath, p.names, ctx),
  destroy: (p, ctx) => destroyContainer(refOf(p), { withDependents: p.withDependents, deleteOutside: p.deleteOutside }, ctx),
  createSnapshot: (p, ctx) => createSnapshot(refOf(p), { comment: p.comment }, ctx),
  restoreSnapshot: (p, ctx) => restoreSnapshot(refOf(p), p.snapshot, { newName: p.newName }, ctx),
  deleteSnapshot: async (p, ctx) => {
    await deleteSnapshot(refOf(p), p.snapshot, ctx)
    return { ok: true }
  },
  repairBookkeeping: (p, ctx) => repairSnapshotsFile(refOf(p), { lxcpaths: [...(p.lxcpaths ?? ctx.lxcpaths)] }),
  exportContainer: (p, ctx) => {
    if (!ctx.stream) throw new StrataError('internal', 'exportContainer is a stream: it needs the stream to run on')
    return exportContainer(refOf(p), { signal: ctx.signal, onProgress: ctx.onProgress, boundary: ctx.boundary, stream: ctx.stream })
  },
  originXattrs: (p, ctx) => originXattrs(refOf(p), ctx.signal),
  importXattrLoss: async (p) => {
    if (p.pool) throw refused('copy-pool', say('copy-no-pool', { lxcpath: p.lxcpath, pool: p.pool }), p.pool)
    return importXattrLoss(p.backend)
  },
  importContainer: (p, ctx) => {
    if (!ctx.stream) throw new StrataError('internal', 'importContainer is a stream: it needs the stream to run on')
    if (p.pool !== undefined) throw refused('copy-pool', say('import-no-pool', { pool: p.pool }), p.pool)
    if (p.member !== undefined) throw refused('copy-member', say('import-no-member', { member: p.member }), p.member)

    return importContainer({ lxcpath: p.lxcpath, name: p.name, backend: p.backend }, { signal: ctx.signal, onProgress: ctx.onProgress, boundary: ctx.boundary, stream: ctx.stream })
  },
  openConsole: async (p, ctx) => {
    if (!ctx.stream) throw new StrataError('internal', 'openConsole is a stream: it needs the stream to run on')
    return runConsole(refOf(p), { kind: p.kind, cols: p.cols, rows: p.rows, signal: ctx.signal }, ctx.stream)
  }
}

/** Runs one engine method on admitted params. */
export function runEngineMethod<M extends EngineMethod>(method: M, params: EngineParams<M>, ctx: EngineContext): Promise<EngineResult<M>> {
  return (ENGINE_FUNCTIONS[method] as EngineFunction<M>)(params, ctx)
}
