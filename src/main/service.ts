// The API implementation: the contract's methods on top of the engine. No Electron imports,
// so the same object serves Electron IPC (ipc.ts), browser mode (web/) and tests.
import { EventEmitter } from 'node:events'
import { resolve } from 'node:path'
import type { Events, EventName, StrataInvoke } from '../shared/api'
import { parseParams } from '../shared/api'
import type { ContainerRef, LineageGraph, OpProgress } from '../shared/model'
import { canWriteLxcpath, helperEngine, localEngine, type EngineClient } from './engine-client'
import { cloneChoices } from './engine/drivers/compat'
import { defaultLxcpaths } from './engine/lxcpath'
import type { OpContext } from './engine/context'
import { lxcErrorText, ToolError } from './engine/tools'
import { probeEnvironment } from './environment'
import { HelperClient, type HelperClientOptions } from './helper/client'
import { LxcpathWatcher } from './watch'

export interface Service {
  api: StrataInvoke
  on<E extends EventName>(event: E, cb: (payload: Events[E]) => void): () => void
  close(): void
}

export interface ServiceOptions {
  /** the lxcpaths this session may touch; default: LXC's for this user */
  lxcpaths?: string[]
  /** false in unit tests that do not want inotify watchers */
  watch?: boolean
  /**
   * How to reach the root helper for lxcpaths this user cannot write (/var/lib/lxc for a
   * desktop user); false: never start it (such lxcpaths can then only be read).
   */
  helper?: HelperClientOptions | false
  /** send every lxcpath through the helper, also writable ones (to test that path) */
  helperForAll?: boolean
}

/** A refusal the user can act on; its message is shown in the UI. */
export class ServiceError extends Error {}

export function createService(opts: ServiceOptions = {}): Service {
  const lxcpaths = (opts.lxcpaths?.length ? opts.lxcpaths : defaultLxcpaths()).map((p) => resolve(p))
  const events = new EventEmitter()
  const emit = <E extends EventName>(e: E, p: Events[E]): void => void events.emit(e, p)
  const watcher = opts.watch === false ? null : new LxcpathWatcher(lxcpaths, (lxcpath) => emit('changed', { lxcpath }))

  // Everything the renderer names must be one of this session's lxcpaths: the renderer is untrusted.
  const known = (p: string): string => {
    const r = resolve(p)
    if (!lxcpaths.includes(r)) throw new ServiceError(`not a configured lxcpath: ${p}`)
    return r
  }
  const pick = (ps: string[] | undefined): string[] => (ps ? ps.map(known) : lxcpaths)

  // Each lxcpath is served in process, or through the root helper where only root may write.
  const local = localEngine(lxcpaths)
  const viaHelper = lxcpaths.filter((p) => opts.helper !== false && (opts.helperForAll || !canWriteLxcpath(p)))
  let helperClient: HelperClient | null = null
  const helper = (): EngineClient => {
    helperClient ??= new HelperClient({ ...(opts.helper || {}), lxcpaths: viaHelper })
    return helperEngine(helperClient)
  }
  const engineFor = (lxcpath: string): EngineClient => (viaHelper.includes(lxcpath) ? helper() : local)
  /** Runs `fn` once per engine with the lxcpaths it serves, and concatenates the answers. */
  const perEngine = async <T>(ps: string[], fn: (e: EngineClient, ps: string[]) => Promise<T[]>): Promise<T[]> => {
    const mine = ps.filter((p) => !viaHelper.includes(p))
    const theirs = ps.filter((p) => viaHelper.includes(p))
    const parts = await Promise.all([mine.length ? fn(local, mine) : [], theirs.length ? fn(helper(), theirs) : []])
    return parts.flat()
  }

  /** Engine errors become words for the user: LXC's prefixes stripped, the rule kept. */
  const words = (err: unknown): string =>
    err instanceof ToolError ? lxcErrorText(err.stderr || err.message) : err instanceof Error ? err.message : String(err)
  const engine = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (err) {
      throw new ServiceError(words(err))
    }
  }

  // Long operations run as tasks: the call returns an id at once; progress and the end are events.
  const tasks = new Map<string, AbortController>()
  let nextTask = 1
  const startTask = (lxcpath: string, work: (ctx: OpContext) => Promise<ContainerRef>): { taskId: string } => {
    const taskId = `t${nextTask++}`
    const ac = new AbortController()
    tasks.set(taskId, ac)
    const onProgress = (progress: OpProgress): void => emit('taskProgress', { taskId, progress })
    void work({ signal: ac.signal, onProgress })
      .then(
        (result) => emit('taskDone', { taskId, result }),
        (err: unknown) =>
          emit('taskDone', ac.signal.aborted ? { taskId, error: 'cancelled', cancelled: true } : { taskId, error: words(err) })
      )
      .finally(() => {
        tasks.delete(taskId)
        emit('changed', { lxcpath })
      })
    return { taskId }
  }
  /** A change to one container, through its engine; the lxcpath is refetched however it ends. */
  const changing = async <T>(ref: ContainerRef, fn: (e: EngineClient) => Promise<T>): Promise<T> => {
    try {
      return await engine(() => fn(engineFor(ref.lxcpath)))
    } finally {
      emit('changed', { lxcpath: ref.lxcpath })
    }
  }
  const infoOf = async (ref: ContainerRef) => {
    const lxcpath = known(ref.lxcpath)
    const c = (await engineFor(lxcpath).listContainers([lxcpath])).find((x) => x.name === ref.name)
    if (!c) throw new ServiceError(`${ref.name} does not exist in ${ref.lxcpath}`)
    return c
  }

  const api: StrataInvoke = {
    lxcpaths: async () => [...lxcpaths],
    environment: async () => probeEnvironment(),
    listContainers: async (p) => {
      const { lxcpaths: ps, all } = parseParams('listContainers', p)
      return engine(() => perEngine(pick(ps), (e, mine) => e.listContainers(mine, { all })))
    },
    lineage: async (p) => {
      const { lxcpaths: ps, all } = parseParams('lineage', p)
      const graphs = await engine(() => perEngine(pick(ps), async (e, mine) => [await e.lineage(mine, { all })]))
      const merged: LineageGraph = { nodes: [], edges: [], findings: [] }
      for (const g of graphs) {
        merged.nodes.push(...g.nodes)
        merged.edges.push(...g.edges)
        merged.findings.push(...g.findings)
      }
      return merged
    },
    configView: async (p) => {
      const { lxcpath, name } = parseParams('configView', p)
      return engine(() => engineFor(known(lxcpath)).configView({ lxcpath: known(lxcpath), name }))
    },
    startContainer: async (p) => {
      const { lxcpath, name } = parseParams('startContainer', p)
      await engine(() => engineFor(known(lxcpath)).start({ lxcpath: known(lxcpath), name }))
      emit('changed', { lxcpath: known(lxcpath) })
      return { ok: true }
    },
    stopContainer: async (p) => {
      const { lxcpath, name } = parseParams('stopContainer', p)
      await engine(() => engineFor(known(lxcpath)).stop({ lxcpath: known(lxcpath), name }))
      emit('changed', { lxcpath: known(lxcpath) })
      return { ok: true }
    },
    cloneChoices: async (p) => {
      const { origin, lxcpath } = parseParams('cloneChoices', p)
      const c = await infoOf(origin)
      if (!c.backend) throw new ServiceError(`${origin.name} has no rootfs, so LXC cannot clone it`)
      return cloneChoices({ backend: c.backend, lxcpath: c.lxcpath }, { lxcpath: known(lxcpath) })
    },
    clone: async (p) => {
      const { origin, name, lxcpath, snapshot, backend } = parseParams('clone', p)
      const target = known(lxcpath ?? origin.lxcpath)
      const o = { lxcpath: known(origin.lxcpath), name: origin.name }
      await infoOf(o)
      return startTask(target, (ctx) => engineFor(target).clone({ origin: o, name, lxcpath: target, snapshot, backend }, ctx))
    },
    create: async (p) => {
      const { lxcpath, name, template } = parseParams('create', p)
      const target = known(lxcpath)
      return startTask(target, (ctx) => engineFor(target).create({ lxcpath: target, name, template }, ctx))
    },
    cancelTask: async (p) => {
      const { taskId } = parseParams('cancelTask', p)
      const ac = tasks.get(taskId)
      if (!ac) throw new ServiceError(`task ${taskId} is not running (it may have just finished)`)
      ac.abort()
      return { ok: true }
    },
    destroy: async (p) => {
      const { lxcpath, name, withDependents, deleteOutside } = parseParams('destroy', p)
      const ref = { lxcpath: known(lxcpath), name }
      return changing(ref, (e) => e.destroy(ref, { withDependents, deleteOutside }, {}))
    },
    createSnapshot: async (p) => {
      const { lxcpath, name, comment } = parseParams('createSnapshot', p)
      const ref = { lxcpath: known(lxcpath), name }
      return changing(ref, (e) => e.createSnapshot(ref, comment, {}))
    },
    restoreSnapshot: async (p) => {
      const { lxcpath, name, snapshot, newName } = parseParams('restoreSnapshot', p)
      const ref = { lxcpath: known(lxcpath), name }
      return changing(ref, (e) => e.restoreSnapshot(ref, snapshot, newName, {}))
    },
    deleteSnapshot: async (p) => {
      const { lxcpath, name, snapshot } = parseParams('deleteSnapshot', p)
      const ref = { lxcpath: known(lxcpath), name }
      await changing(ref, (e) => e.deleteSnapshot(ref, snapshot, {}))
      return { ok: true }
    },
    usage: async (p) => {
      const { lxcpaths: ps, all } = parseParams('usage', p)
      return engine(() => perEngine(pick(ps), (e, mine) => e.usage(mine, {}, { all })))
    },
    layerDiff: async (p) => {
      const { lxcpath, name } = parseParams('layerDiff', p)
      return engine(() => engineFor(known(lxcpath)).layerDiff({ lxcpath: known(lxcpath), name }, {}))
    },
    repairBookkeeping: async (p) => {
      const { lxcpath, name } = parseParams('repairBookkeeping', p)
      const ref = { lxcpath: known(lxcpath), name }
      // dependents are looked for in every lxcpath the same engine serves
      const same = lxcpaths.filter((x) => viaHelper.includes(x) === viaHelper.includes(ref.lxcpath))
      return changing(ref, (e) => e.repairBookkeeping(ref, same))
    }
  }

  return {
    api,
    on(event, cb) {
      events.on(event, cb)
      return () => void events.off(event, cb)
    },
    close() {
      for (const ac of tasks.values()) ac.abort()
      void helperClient?.close()
      watcher?.close()
      events.removeAllListeners()
    }
  }
}
