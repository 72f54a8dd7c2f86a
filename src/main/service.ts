// The API implementation: the contract's methods on top of the engine. No Electron imports,
// so the same object serves Electron IPC (ipc.ts), browser mode (web/) and tests.
import { EventEmitter } from 'node:events'
import { resolve } from 'node:path'
import type { Events, EventName, StrataInvoke } from '../shared/api'
import { parseParams } from '../shared/api'
import { defaultLxcpaths, listContainers, readLineage } from './engine/lxcpath'
import { readConfigView } from './engine/config/view'
import { lxcErrorText, run, ToolError } from './engine/tools'
import { probeEnvironment } from './environment'
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
    }
  }

  return {
    api,
    on(event, cb) {
      events.on(event, cb)
      return () => void events.off(event, cb)
    },
    close() {
      watcher?.close()
      events.removeAllListeners()
    }
  }
}
