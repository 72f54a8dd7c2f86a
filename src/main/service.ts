// The API implementation: the contract's methods on top of the engine. No Electron imports,
// so the same object serves Electron IPC (ipc.ts), browser mode (web/) and tests.
import { EventEmitter } from 'node:events'
import { accessSync, constants } from 'node:fs'
import { resolve } from 'node:path'
import type { Events, EventName, StrataInvoke } from '../shared/api'
import { parseParams } from '../shared/api'
import { defaultLxcpaths, listContainers, readLineage } from './engine/lxcpath'
import { readConfigView } from './engine/config/view'
import { lxcErrorText, run, ToolError } from './engine/tools'
import { probeEnvironment } from './environment'
import type { ContainerRef, OpProgress } from '../shared/model'
import { cloneChoices } from './engine/drivers/compat'
import { cloneContainer } from './engine/ops/clone'
import { createContainer } from './engine/ops/create'
import { recoverInterrupted } from './engine/ops/recover'
import { destroyContainer } from './engine/ops/destroy'
import { createSnapshot, deleteSnapshot, restoreSnapshot } from './engine/ops/snapshot'
import type { OpContext } from './engine/ops/context'
import { measureUsage } from './engine/fs/usage'
import { layerDiff } from './engine/fs/diff'
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
}

/** A refusal the user can act on; its message is shown in the UI. */
export class ServiceError extends Error {}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}

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

  const lxcTool = async (tool: string, args: string[]): Promise<void> => {
    try {
      await run(tool, args, { timeoutMs: 60_000 })
    } catch (err) {
      if (err instanceof ToolError) throw new ServiceError(lxcErrorText(err.stderr || err.message))
      throw err
    }
  }

  // Engine start: work an interrupted Strata left behind is finished or rolled back before
  // anything new is written (only where this process may write).
  const recovered = Promise.all(lxcpaths.filter(writable).map((p) => recoverInterrupted(p).catch(() => [])))

  /** Engine errors become words for the user: LXC's prefixes stripped, the rule kept. */
  const words = (err: unknown): string =>
    err instanceof ToolError ? lxcErrorText(err.stderr || err.message) : err instanceof Error ? err.message : String(err)
  const engine = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      await recovered
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
    void recovered
      .then(() => work({ signal: ac.signal, onProgress }))
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
  const infoOf = async (ref: ContainerRef) => {
    const c = (await listContainers([known(ref.lxcpath)])).find((x) => x.name === ref.name)
    if (!c) throw new ServiceError(`${ref.name} does not exist in ${ref.lxcpath}`)
    return c
  }

  const api: StrataInvoke = {
    lxcpaths: async () => [...lxcpaths],
    environment: async () => probeEnvironment(),
    listContainers: async (p) => listContainers(pick(parseParams('listContainers', p).lxcpaths)),
    lineage: async (p) => readLineage(pick(parseParams('lineage', p).lxcpaths)),
    configView: async (p) => {
      const { lxcpath, name } = parseParams('configView', p)
      return readConfigView(known(lxcpath), name)
    },
    startContainer: async (p) => {
      const { lxcpath, name } = parseParams('startContainer', p)
      await lxcTool('lxc-start', ['-P', known(lxcpath), '-n', name, '-d'])
      emit('changed', { lxcpath: known(lxcpath) })
      return { ok: true }
    },
    stopContainer: async (p) => {
      const { lxcpath, name } = parseParams('stopContainer', p)
      await lxcTool('lxc-stop', ['-P', known(lxcpath), '-n', name])
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
      return startTask(target, (ctx) => cloneContainer({ origin: o, name, lxcpath: target, snapshot, backend }, ctx))
    },
    create: async (p) => {
      const { lxcpath, name, template } = parseParams('create', p)
      const target = known(lxcpath)
      return startTask(target, (ctx) => createContainer({ lxcpath: target, name, template }, ctx))
    },
    cancelTask: async (p) => {
      const { taskId } = parseParams('cancelTask', p)
      const ac = tasks.get(taskId)
      if (!ac) throw new ServiceError(`task ${taskId} is not running (it may have just finished)`)
      ac.abort()
      return { ok: true }
    },
    destroy: async (p) => {
      const { lxcpath, name, withDependents } = parseParams('destroy', p)
      const ref = { lxcpath: known(lxcpath), name }
      try {
        return await engine(() => destroyContainer(ref, { withDependents }))
      } finally {
        emit('changed', { lxcpath: ref.lxcpath })
      }
    },
    createSnapshot: async (p) => {
      const { lxcpath, name, comment } = parseParams('createSnapshot', p)
      const ref = { lxcpath: known(lxcpath), name }
      try {
        return await engine(() => createSnapshot(ref, { comment }))
      } finally {
        emit('changed', { lxcpath: ref.lxcpath })
      }
    },
    restoreSnapshot: async (p) => {
      const { lxcpath, name, snapshot, newName } = parseParams('restoreSnapshot', p)
      const ref = { lxcpath: known(lxcpath), name }
      try {
        return await engine(() => restoreSnapshot(ref, snapshot, { newName }))
      } finally {
        emit('changed', { lxcpath: ref.lxcpath })
      }
    },
    deleteSnapshot: async (p) => {
      const { lxcpath, name, snapshot } = parseParams('deleteSnapshot', p)
      const ref = { lxcpath: known(lxcpath), name }
      try {
        await engine(() => deleteSnapshot(ref, snapshot))
        return { ok: true }
      } finally {
        emit('changed', { lxcpath: ref.lxcpath })
      }
    },
    usage: async (p) => engine(() => measureUsage(pick(parseParams('usage', p).lxcpaths))),
    layerDiff: async (p) => {
      const { lxcpath, name } = parseParams('layerDiff', p)
      return engine(() => layerDiff({ lxcpath: known(lxcpath), name }))
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
      watcher?.close()
      events.removeAllListeners()
    }
  }
}
