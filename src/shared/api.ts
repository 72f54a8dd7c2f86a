// The ONE contract between the renderer and main (and, over a WebSocket, browser mode).
// Every method and event is named here once; main's registrar, the preload, the WebSocket
// server and client are all generated from METHODS / EVENTS, and params are validated with
// PARAMS at every trust boundary. Results are plain data from ./model.
import { z } from 'zod'
import { containerNameProblem, existingContainerNameProblem } from './names'
import { BACKENDS } from './model'
import type {
  Backend,
  BackendChoice,
  ConfigView,
  ContainerInfo,
  ContainerRef,
  ContainerUsage,
  LayerDiff,
  LineageGraph,
  OpProgress,
  RepairResult,
  SnapshotInfo
} from './model'

/** LXC allows more, but Strata only handles names a shell and a path can carry safely. */
export const CONTAINER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}$/

/** The engine's container-name rule (plain code, no Node), the one the CLI and the root helper apply. */
const name = z
  .string()
  .max(1024, 'invalid container name: at most 254 bytes')
  .superRefine((n, ctx) => {
    const problem = containerNameProblem(n)
    if (problem) ctx.addIssue({ code: 'custom', message: `invalid container name: ${problem}` })
  })
const existingName = z
  .string()
  .max(1024, 'invalid container name: at most 254 bytes')
  .superRefine((n, ctx) => {
    const problem = existingContainerNameProblem(n)
    if (problem) ctx.addIssue({ code: 'custom', message: `invalid container name: ${problem}` })
  })
/** Absolute, normalised-looking, no NUL, no `..` segment: checked again against the configured lxcpaths. */
const absPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') && !p.includes('\0') && !p.split('/').includes('..'), 'invalid path')
const ref = z.object({ lxcpath: absPath, name: existingName }).strict()
/** `all`: hidden containers too (they always count as others' dependents and origins) */
const listParams = z.object({ lxcpaths: z.array(absPath).max(64).optional(), all: z.boolean().optional() }).strict()
const none = z.object({}).strict()
const backend = z.enum(BACKENDS as [Backend, ...Backend[]])
/** `snapN`, as lxc-snapshot names them */
const snapName = z.string().regex(/^snap\d{1,9}$/, 'invalid snapshot name')
const taskId = z.string().regex(/^t\d{1,12}$/, 'invalid task id')

/** One zod schema per method: its single params object. */
export const PARAMS = {
  lxcpaths: none,
  environment: none,
  listContainers: listParams,
  lineage: listParams,
  configView: ref,
  startContainer: ref,
  stopContainer: ref,
  /** which backends a clone of `origin` into `lxcpath` may use, and why the others are not allowed */
  cloneChoices: z.object({ origin: ref, lxcpath: absPath }).strict(),
  /** starts a clone task; progress and the end arrive as taskProgress / taskDone */
  clone: z
    .object({ origin: ref, name, lxcpath: absPath.optional(), snapshot: z.boolean(), backend: backend.optional() })
    .strict(),
  /** starts a create-from-template task */
  create: z.object({ lxcpath: absPath, name, template: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'invalid template name') }).strict(),
  cancelTask: z.object({ taskId }).strict(),
  /** deleteOutside: storage outside the container's directory the user confirmed may be deleted with it (ContainerInfo.storageOutside) */
  destroy: z.object({ lxcpath: absPath, name: existingName, withDependents: z.boolean().optional(), deleteOutside: z.array(absPath).max(64).optional() }).strict(),
  createSnapshot: z.object({ lxcpath: absPath, name: existingName, comment: z.string().max(4096).optional() }).strict(),
  restoreSnapshot: z.object({ lxcpath: absPath, name: existingName, snapshot: snapName, newName: name.optional() }).strict(),
  deleteSnapshot: z.object({ lxcpath: absPath, name: existingName, snapshot: snapName }).strict(),
  usage: listParams,
  layerDiff: ref,
  /** carries out the fix of a finding about this container: its lxc_snapshots rewritten or removed */
  repairBookkeeping: ref
} as const

export type { ConfigView, ConfigViewEntry } from './model'

export type Method = keyof typeof PARAMS
export const METHODS = Object.keys(PARAMS) as Method[]
export type Params<M extends Method> = z.input<(typeof PARAMS)[M]>

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

export interface Results {
  lxcpaths: string[]
  environment: Environment
  listContainers: ContainerInfo[]
  lineage: LineageGraph
  configView: ConfigView
  startContainer: { ok: true }
  stopContainer: { ok: true }
  cloneChoices: BackendChoice[]
  clone: { taskId: string }
  create: { taskId: string }
  cancelTask: { ok: true }
  destroy: { destroyed: ContainerRef[] }
  createSnapshot: SnapshotInfo
  restoreSnapshot: ContainerRef
  deleteSnapshot: { ok: true }
  usage: ContainerUsage[]
  layerDiff: LayerDiff
  repairBookkeeping: RepairResult
}

/** The request/response half, implemented by main's service and called by the renderer. */
export type StrataInvoke = { [M in Method]: (params: Params<M>) => Promise<Results[M]> }

/** Pushes from main to the renderer. */
export interface Events {
  /** something under this lxcpath changed (created, destroyed, started, ...): refetch */
  changed: { lxcpath: string }
  /** a running task (clone, create) moved on */
  taskProgress: { taskId: string; progress: OpProgress }
  /** a task ended: `result` on success, `error` (words for the user) on failure or cancel */
  taskDone: { taskId: string; result?: ContainerRef; error?: string; cancelled?: boolean }
}
export type EventName = keyof Events
export const EVENTS = ['changed', 'taskProgress', 'taskDone'] as const satisfies readonly EventName[]

/** What the renderer sees (window.strata in Electron, the WebSocket client in browser mode). */
export interface StrataApi extends StrataInvoke {
  on<E extends EventName>(event: E, cb: (payload: Events[E]) => void): () => void
}

/** IPC channel names; the prefix keeps them apart from anything else on ipcMain. */
export const channel = (m: Method | EventName): string => `strata:${m}`

export function isMethod(m: unknown): m is Method {
  return typeof m === 'string' && Object.prototype.hasOwnProperty.call(PARAMS, m)
}

/** Validate untrusted params for a method; throws a ZodError naming what is wrong. */
export function parseParams<M extends Method>(method: M, params: unknown): z.output<(typeof PARAMS)[M]> {
  const r = PARAMS[method].safeParse(params ?? {})
  if (r.success) return r.data as z.output<(typeof PARAMS)[M]>
  // One readable sentence, not zod's JSON: it reaches the UI.
  const why = r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')
  throw new Error(`${method}: ${why}`)
}

/** WebSocket wire format (browser mode): one JSON object per message. */
export type WsRequest = { id: number; method: Method; params: unknown }
export type WsMessage =
  | { id: number; result: unknown }
  | { id: number; error: { message: string } }
  | { event: EventName; payload: unknown }
