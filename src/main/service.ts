// The API implementation: the contract's methods on top of the engine, each engine method
// checked against the session's lxcpaths and run on the engine that serves its lxcpath (in
// process, the root helper, or for a non-root user's unprivileged containers the same helper
// in their user namespace), from the one table. No Electron imports, so the same object
// serves Electron IPC (ipc.ts), browser mode (web/) and tests. The app's service is this
// computer's session plus one per remote host (hosts/host-sessions.ts): a call names its host.
import { EventEmitter } from 'node:events'
import { resolve } from 'node:path'
import type { z } from 'zod'
import type { Events, EventName } from '../shared/api'
import { parseParams } from '../shared/api'
import {
  admit,
  ENGINE,
  ENGINE_METHODS,
  lxcpathsNamed,
  type EngineMethod,
  type EngineParams,
  type EngineResult,
  type MethodSpec,
  type Scope
} from '../shared/engine-api'
import { asStrataError, errorData, notFound, refused, StrataError, unavailable } from '../shared/errors'
import type { OpProgress } from '../shared/model'
import { canWriteLxcpath, helperEngine, localEngine, type CallOptions, type EngineClient } from './engine-client'
import { defaultLxcpaths } from './engine/lxcpath'
import { probeEnvironment } from './environment'
import { HelperClient, type HelperClientOptions } from './helper/client'
import { Streams } from './streams'
import { watchChanges } from './change-watch'
import { withHosts, type Service, type Session, type SessionApi } from './hosts/host-sessions'
import { IN_USERNS, userHasIdMap, usernsEngine } from './userns-engine'

export type { Service } from './hosts/host-sessions'

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
  /**
   * false: never use the user's namespace; the user's own lxcpaths are then written in process.
   * By default a non-root user whose default config has an id map writes (and measures) their
   * own lxcpaths in it (userns-engine.ts).
   */
  userns?: boolean
  /**
   * A remote host's engine (main/hosts/host-sessions.ts): every lxcpath is served by it, nothing
   * runs here; the engine watches its lxcpaths there (watchChanges) and the session says what changed.
   */
  engine?: EngineClient
  /** task and stream numbers, shared by the sessions of several hosts so that an id names one */
  nextId?: () => number
  /** the hosts file the remote hosts are read from; default the user's */
  hostsFile?: string
}

/** The app's service: this computer's session, and a remote host's when a call names one. */
export function createService(opts: ServiceOptions = {}): Service {
  let counter = 1
  const nextId = (): number => counter++
  return withHosts(createSession({ ...opts, nextId }), {
    hostsFile: opts.hostsFile,
    session: (engine, lxcpaths) => createSession({ lxcpaths, engine, nextId, watch: opts.watch })
  })
}

/** One host's session: this computer's, or on a remote host's engine (opts.engine). */
export function createSession(opts: ServiceOptions = {}): Session {
  const lxcpaths = (opts.lxcpaths?.length ? opts.lxcpaths : defaultLxcpaths()).map((p) => resolve(p))
  const events = new EventEmitter()
  const emit = <E extends EventName>(e: E, p: Events[E]): void => void events.emit(e, p)
  const remote = opts.engine ?? null
  // Changes made outside Strata (lxc-copy, lxc-start in a terminal): watched here for this computer,
  // by the host's engine (watchChanges: its helper's watchers, or LXD's events stream) for a
  // remote host; an engine that cannot (an older helper) is listed again after the app's own changes only.
  const watching = opts.watch !== false ? new AbortController() : null
  const onChanged = (p: string): void => {
    if (lxcpaths.includes(p)) emit('changed', { lxcpath: p })
  }
  if (watching && !remote) void watchChanges(lxcpaths, watching.signal, onChanged)
  if (watching && remote) {
    const stream = { send: onChanged, onInput: () => undefined }
    // Its end while the session lives means changes over there no longer show: said in the log
    // (an older helper without the method, or a watch that failed there).
    const ended = (why: string): void => {
      if (!watching.signal.aborted) console.error(`Strata: changes made outside Strata in ${lxcpaths.join(', ')} no longer show: ${why}`)
    }
    void remote.call('watchChanges', { lxcpaths }, { signal: watching.signal, stream }).then(
      () => ended('the host ended the watch'),
      (err: unknown) => ended(err instanceof Error ? err.message : String(err))
    )
  }

  // Everything the renderer names must be one of this session's lxcpaths: the renderer is untrusted.
  const known = (p: string): string => {
    const r = resolve(p)
    if (!lxcpaths.includes(r)) throw refused('session-lxcpaths', `not a configured lxcpath: ${p}`, p)
    return r
  }
  /** The session's scope: names were checked by the schema, and each engine checks what it reaches again. */
  const session: Scope = {
    lxcpath: known,
    lxcpathList: (ps) => ps.map(known),
    name: (n) => n,
    ref: (r) => ({ lxcpath: known(r.lxcpath), name: r.name }),
    deletableOutside: (p) => p
  }

  // Each lxcpath is served in process, or through the root helper where only root may write.
  const viaHelper = remote ? [] : lxcpaths.filter((p) => opts.helper !== false && (opts.helperForAll || !canWriteLxcpath(p)))
  // A non-root user's own lxcpaths: read in process, written (and measured) in their user namespace.
  const viaUserns = !remote && opts.userns !== false && userHasIdMap() ? lxcpaths.filter((p) => !viaHelper.includes(p)) : []
  // the namespace's helper repairs interrupted work there (as the namespace's root); the local engine repairs the rest
  const local =
    remote ??
    localEngine(
      lxcpaths.filter((p) => !viaHelper.includes(p)),
      lxcpaths.filter((p) => !viaHelper.includes(p) && !viaUserns.includes(p))
    )
  let helperClient: HelperClient | null = null
  const helper = (): EngineClient => {
    helperClient ??= new HelperClient({ ...(opts.helper || {}), lxcpaths: viaHelper })
    return helperEngine(helperClient)
  }
  const userns = viaUserns.length ? usernsEngine({ lxcpaths: viaUserns, helperPath: (opts.helper && opts.helper.helperPath) || undefined }, local) : null
  const engineFor = (lxcpath: string, method: EngineMethod): EngineClient =>
    viaHelper.includes(lxcpath) ? helper() : userns && viaUserns.includes(lxcpath) && IN_USERNS.has(method) ? userns : local

  /**
   * One engine method: where the table says it spreads over lxcpaths, once per engine with the
   * lxcpaths it serves, merged; otherwise on the engine of the first lxcpath its params name.
   */
  const runOn = async <M extends EngineMethod>(method: M, p: EngineParams<M>, call: CallOptions): Promise<EngineResult<M>> => {
    const spec = ENGINE[method] as MethodSpec<z.ZodType, EngineResult<M>>
    if (spec.spread) {
      const asked = (p as { lxcpaths?: string[] }).lxcpaths ?? lxcpaths
      const byEngine = new Map<EngineClient, string[]>()
      for (const x of asked) {
        const engine = engineFor(x, method)
        byEngine.set(engine, [...(byEngine.get(engine) ?? []), x])
      }
      const parts = await Promise.all([...byEngine].map(([engine, mine]) => engine.call(method, { ...p, lxcpaths: mine }, call)))
      return spec.spread(parts)
    }
    // a stream over lxcpaths (watchUsage) is opened per engine by its caller: the first it names picks it
    const [target = (p as { lxcpaths?: string[] }).lxcpaths?.[0]] = lxcpathsNamed(method, p)
    if (target === undefined) throw new StrataError('internal', `${method} names no lxcpath`)
    return engineFor(target, method).call(method, p, call)
  }

  // Long operations run as tasks: the call returns an id at once; progress and the end are events.
  const tasks = new Map<string, AbortController>()
  let counter = 1
  const nextId = opts.nextId ?? (() => counter++)
  const startWork = (work: (call: CallOptions) => Promise<unknown>, changed: string[]): { taskId: string } => {
    const taskId = `t${nextId()}`
    const ac = new AbortController()
    tasks.set(taskId, ac)
    const onProgress = (progress: OpProgress): void => emit('taskProgress', { taskId, progress })
    void work({ signal: ac.signal, onProgress })
      .then(
        (result) => emit('taskDone', { taskId, result: result as Events['taskDone']['result'] }),
        (err: unknown) =>
          emit('taskDone', ac.signal.aborted ? { taskId, error: { code: 'cancelled', message: 'cancelled' }, cancelled: true } : { taskId, error: errorData(err) })
      )
      .finally(() => {
        tasks.delete(taskId)
        for (const lxcpath of changed) emit('changed', { lxcpath })
      })
    return { taskId }
  }
  const startTask = <M extends EngineMethod>(method: M, p: EngineParams<M>, changed: string[]): { taskId: string } =>
    startWork((call) => runOn(method, p, call), changed)

  // Streams (consoles) answer an id at once; output and the end are events for the client that opened them.
  const streams = new Streams(
    (e) => emit('streamData', e),
    (e) => emit('streamEnd', e),
    nextId
  )

  const engineMethod = <M extends EngineMethod>(method: M) =>
    async (raw: unknown): Promise<unknown> => {
      const spec = ENGINE[method] as MethodSpec<z.ZodType, unknown>
      const p = admit(method, parseParams(method, raw) as EngineParams<M>, session)
      const changed = spec.changes ? lxcpathsNamed(method, p) : []
      if (spec.task) return startTask(method, p, changed)
      if (spec.stream) return streams.start((call) => runOn(method, p, call))
      try {
        return await runOn(method, p, {})
      } catch (err) {
        // the engine's error, in process or from the helper, as it is: code, message, subject, rule
        throw asStrataError(err)
      } finally {
        for (const lxcpath of changed) emit('changed', { lxcpath })
      }
    }

  const api = {
    ...(Object.fromEntries(ENGINE_METHODS.map((m) => [m, engineMethod(m)])) as unknown as Pick<SessionApi, EngineMethod>),
    lxcpaths: async () => [...lxcpaths],
    environment: async () => probeEnvironment(),
    cancelTask: async (p) => {
      const { taskId } = parseParams('cancelTask', p)
      const ac = tasks.get(taskId)
      if (!ac) throw notFound(`task ${taskId} is not running (it may have just finished)`, taskId)
      ac.abort()
      return { ok: true }
    },
    streamInput: async (p) => {
      const { streamId, input } = parseParams('streamInput', p)
      streams.input(streamId, input)
      return { ok: true }
    },
    closeStream: async (p) => {
      streams.close(parseParams('closeStream', p).streamId)
      return { ok: true }
    }
  } satisfies SessionApi

  return {
    api,
    // the session's engines as one, for work spanning hosts (a copy between them): each call admitted like the api's
    engine: {
      kind: remote ? 'remote' : 'local',
      call: (method, p, call) => runOn(method, admit(method, p, session), call ?? {}),
      // a stream's byte channel (a copy between hosts) is reached through the helper that offered it
      channelCommand: (offer) => {
        const via = remote ?? (helperClient ? helperEngine(helperClient) : null)
        if (!via?.channelCommand) throw unavailable('no-channel', 'No helper of this session offered that byte channel.')
        return via.channelCommand(offer)
      },
      channelSocket: async (offer) => (remote?.channelSocket ? remote.channelSocket(offer) : null)
    },
    task: startWork,
    on(event, cb) {
      events.on(event, cb)
      return () => void events.off(event, cb)
    },
    closeStreams(ids) {
      for (const id of ids) streams.close(id)
    },
    close() {
      streams.closeAll()
      for (const ac of tasks.values()) ac.abort()
      void helperClient?.close()
      void userns?.close()
      watching?.abort()
      events.removeAllListeners()
    }
  }
}
