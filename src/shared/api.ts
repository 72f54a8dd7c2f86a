// The ONE contract between the renderer and main (and, over a WebSocket, browser mode): the
// engine's methods (./engine-api.ts, the table the root helper speaks too) and the few that
// belong to the app session (its lxcpaths, the environment, cancelling a task). Main's
// registrar, the preload, the WebSocket server and client are all generated from METHODS /
// EVENTS, and params are validated with PARAMS at every trust boundary. Results are plain data
// from ./model. Every call may name a `host` (a remote host in the user's hosts file; absent:
// this computer): main runs it in that host's session (main/hosts/host-sessions.ts).
import { z } from 'zod'
import { checkParams, ENGINE, ENGINE_METHODS, STREAM_INPUT, type EngineMethod, type EngineResult, type StreamMethod, type TaskMethod } from './engine-api'
import { fromErrorData, usageError, type ErrorData } from './errors'
import type { Backend, ContainerRef, OpProgress } from './model'
import { say, type Said } from './engine-text'
import { paramRule } from './param-issues'

const none = z.object({}).strict()
const taskId = z.string().refine((t) => /^t\d{1,12}$/.test(t), paramRule(say('param-task-id')))
const streamId = z.string().refine((s) => /^s\d{1,12}$/.test(s), paramRule(say('param-stream-id')))
/** A remote host's name in the hosts file (main/hosts/hosts-file.ts's entries take the same rule). */
export const hostName = z.string().refine((h) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(h), paramRule(say('param-host-name')))
const HOST = z.object({ host: hostName.optional() }).strict()

/** The app session's own methods; everything else is the engine's. */
const APP_PARAMS = {
  lxcpaths: none,
  environment: none,
  cancelTask: z.object({ taskId }).strict(),
  /** input, a resize or an ack for a stream (a console) this client opened */
  streamInput: z.object({ streamId, input: STREAM_INPUT }).strict(),
  closeStream: z.object({ streamId }).strict(),
  /** the remote hosts and the state of each one's connection */
  hosts: none,
  /** connects to a host (again after it became unreachable); its states arrive as `hostState` events */
  connectHost: z.object({ name: hostName }).strict(),
  /** the host keys an SSH destination offers now, and whether known_hosts holds them (before adding it) */
  scanHostKey: z.object({ destination: z.string().min(1).max(300) }).strict(),
  /** adds an SSH host, trusting its keys only when they are still the fingerprints the user confirmed */
  addSshHost: z
    .object({
      name: hostName,
      destination: z.string().min(1).max(300),
      lxcpath: z.string().startsWith('/').max(4096).optional(),
      helper: z.string().min(1).max(1024).optional(),
      elevate: z.enum(['pkexec', 'sudo', 'none']).optional(),
      fingerprints: z.array(z.string().max(300)).max(16)
    })
    .strict(),
  /** a stopped container copied to another host (`toHost`; absent: this computer), as a task; `to.name` is checked there first */
  copyToHost: ENGINE.exportContainer.params.extend({ toHost: hostName.optional(), to: ENGINE.importContainer.params, allowLossy: z.boolean().optional() }).strict()
} as const

const ENGINE_PARAMS = Object.fromEntries(ENGINE_METHODS.map((m) => [m, ENGINE[m].params])) as {
  [M in EngineMethod]: (typeof ENGINE)[M]['params']
}

/** One zod schema per method: its single params object. */
export const PARAMS = { ...APP_PARAMS, ...ENGINE_PARAMS }

export type { ConfigView, ConfigViewEntry } from './model'

export type Method = keyof typeof PARAMS
export const METHODS = Object.keys(PARAMS) as Method[]
/** A call's params, and the host it is for (absent: this computer). */
export type Params<M extends Method> = (string extends keyof z.input<(typeof PARAMS)[M]> ? unknown : z.input<(typeof PARAMS)[M]>) & { host?: string }

/** Where a remote host's connection stands; `error` says why it is unreachable, in the host's words. */
export type HostState = 'idle' | 'connecting' | 'connected' | 'unreachable'
export interface HostStatus {
  name: string
  kind: 'ssh' | 'lxd'
  /** the SSH destination or LXD address */
  address: string
  state: HostState
  error?: ErrorData
  /** what the host serves once connected (from its helper's hello) */
  lxcpaths: string[]
}

/** known_hosts against what the host offers now: `trusted` (all held), `new` (none held), `changed` (other keys held for it). */
export interface HostKeyCheck {
  fingerprints: string[]
  known: 'trusted' | 'new' | 'changed'
  file: string
  /** for a changed key: what it means and what to do, as data for the app to say */
  problem?: Said
}

export interface ToolCheck {
  name: string
  /** absolute path when found on PATH, else null */
  path: string | null
}

export interface BackendSupport {
  backend: Backend
  available: boolean
  /** what is missing, as `fs:<kernel filesystem>` or `tool:<binary>`; the UI words it */
  missing: string[]
}

export interface Environment {
  lxcVersion: string | null
  /** LXC's own tools Strata drives */
  tools: ToolCheck[]
  pkexec: boolean
  polkit: boolean
  root: boolean
  backends: BackendSupport[]
  /** installed LXC templates (`lxc-busybox` -> `busybox`) */
  templates: string[]
}

interface AppResults {
  lxcpaths: string[]
  environment: Environment
  cancelTask: { ok: true }
  streamInput: { ok: true }
  closeStream: { ok: true }
  hosts: HostStatus[]
  connectHost: HostStatus
  scanHostKey: HostKeyCheck
  addSshHost: HostStatus[]
  copyToHost: { taskId: string }
}

/** What each method answers: the engine's result, or a task's id for the engine's tasks, or a stream's id. */
export type Results = AppResults & {
  [M in EngineMethod]: M extends TaskMethod ? { taskId: string } : M extends StreamMethod ? { streamId: string } : EngineResult<M>
}

/** The request/response half, implemented by main's service and called by the renderer. */
export type StrataInvoke = { [M in Method]: (params: Params<M>) => Promise<Results[M]> }

/** Pushes from main to the renderer. */
export interface Events {
  /** something under this lxcpath changed (created, destroyed, started, ...): refetch */
  changed: { lxcpath: string; host?: string }
  /** a running task (clone, create) moved on */
  taskProgress: { taskId: string; progress: OpProgress }
  /** a task ended: `result` on success, `error` (the engine's, unchanged) on failure or cancel */
  taskDone: { taskId: string; result?: EngineResult<TaskMethod> | ContainerRef; error?: ErrorData; cancelled?: boolean }
  /** output of a stream; only the client that opened it gets it, and acks it (`streamInput` {ack}) once drawn */
  streamData: { streamId: string; data: string }
  /** a stream ended: its result (a console's exit), or the error that ended it; the app opens consoles and usage watches (a transfer between hosts is relayed in main, hosts/transfer-relay.ts) */
  streamEnd: { streamId: string; result?: EngineResult<Exclude<StreamMethod, 'exportContainer' | 'importContainer'>>; error?: ErrorData }
  /** a remote host's connection changed state (connecting, connected, unreachable and why) */
  hostState: HostStatus
  /**
   * The page's own link to main: browser mode's socket `lost` (the server stopped, or the
   * connection dropped; the client tries again every second) and `back`, when events may have
   * been missed on every host. Said by the client itself (ws-client.ts); Electron's IPC is never lost.
   */
  connection: { state: 'lost' | 'back' }
}
export type EventName = keyof Events
export const EVENTS = ['changed', 'taskProgress', 'taskDone', 'streamData', 'streamEnd', 'hostState', 'connection'] as const satisfies readonly EventName[]

/** The stream an event belongs to (it goes only to the client that opened it), or null for events every client gets. */
export function streamOf(payload: unknown): string | null {
  const id = (payload as { streamId?: unknown } | null)?.streamId
  return typeof id === 'string' ? id : null
}

/** True for methods that open a stream: their result's `streamId` belongs to the client that called. */
export const opensStream = (m: Method): boolean => m in ENGINE && ENGINE[m as EngineMethod].stream === true

/** What the renderer sees (window.strata in Electron, the WebSocket client in browser mode). */
export interface StrataApi extends StrataInvoke {
  on<E extends EventName>(event: E, cb: (payload: Events[E]) => void): () => void
}

/** IPC channel names; the prefix keeps them apart from anything else on ipcMain. */
export const channel = (m: Method | EventName): string => `strata:${m}`

export function isMethod(m: unknown): m is Method {
  return typeof m === 'string' && Object.prototype.hasOwnProperty.call(PARAMS, m)
}

/**
 * Validate untrusted params for a method (the host a call names apart from the method's own);
 * throws a usage error (rule `invalid-params`) naming the field and the rule.
 */
export function parseParams<M extends Method>(method: M, params: unknown): z.output<(typeof PARAMS)[M]> & { host?: string } {
  const isObject = typeof params === 'object' && params !== null && !Array.isArray(params)
  const { host, ...own } = (isObject ? params : {}) as { host?: unknown }
  const h = checkParams(method, HOST, host === undefined ? {} : { host })
  if (!h.ok) throw usageError(h.said, 'invalid-params')
  const r = checkParams(method, PARAMS[method], isObject ? own : params)
  if (!r.ok) throw usageError(r.said, 'invalid-params')
  return (host === undefined ? r.value : { ...(r.value as object), host }) as z.output<(typeof PARAMS)[M]> & { host?: string }
}

/** A method's answer across IPC and the WebSocket: its result, or the error as data (code, message, subject, rule). */
export type Reply = { result: unknown } | { error: ErrorData }

/** The result of a reply, or its error rebuilt as a StrataError. */
export function unwrapReply(reply: Reply): unknown {
  if (typeof reply === 'object' && reply !== null && 'error' in reply) throw fromErrorData(reply.error)
  return (reply as { result: unknown }).result
}

/** What the preload exposes as window.strata: each method answers a Reply (an Error's own fields would not cross contextBridge). */
export type StrataBridge = { [M in Method]: (params: Params<M>) => Promise<Reply> } & Pick<StrataApi, 'on'>

/** The API over a bridge: each reply unwrapped, so an error arrives as the StrataError it was. */
export function apiFromBridge(bridge: StrataBridge): StrataApi {
  const methods = Object.fromEntries(METHODS.map((m) => [m, async (p: unknown) => unwrapReply(await (bridge[m] as (p: unknown) => Promise<Reply>)(p))]))
  return { ...(methods as unknown as StrataInvoke), on: (event, cb) => bridge.on(event, cb) }
}

/** WebSocket wire format (browser mode): one JSON object per message. */
export type WsRequest = { id: number; method: Method; params: unknown }
export type WsMessage = ({ id: number } & Reply) | { event: EventName; payload: unknown }
