// The ONE table of engine methods: each one's params (a zod schema, checked at every trust
// boundary), its result, which of its params reach the disk (checked by the caller's scope:
// the session's lxcpaths in the app, the lxcpath policy in the root helper) and how the app
// runs it. The app's API (./api.ts), the helper's protocol, the engine in process and the
// engine through the helper are all derived from it; src/main/engine-methods.ts binds each
// method to its engine function. Plain code without Node imports.
import { z } from 'zod'
import { BACKENDS } from './model'
import type {
  Backend,
  BackendChoice,
  ConfigView,
  ContainerInfo,
  ContainerRef,
  ContainerUsage,
  DestroySetPlan,
  LayerDiff,
  LineageGraph,
  LogTail,
  RepairResult,
  SnapshotInfo
} from './model'
import { containerNameSaid, existingContainerNameSaid, type NameIssue } from './names'
import { templateArgProblem } from './template-args'
import { say, type Said } from './engine-text'
import { paramRule, paramsSaid } from './param-issues'

const PATH_MAX = 4096

/** An absolute path with no NUL and no `.`/`..` segment: it is compared, never resolved. */
const pathRules = (relative: Said) =>
  z
    .string()
    .min(1)
    .max(PATH_MAX)
    .refine((p) => !p.includes('\0'), paramRule(say('param-path-nul')))
    .refine((p) => p.startsWith('/'), paramRule(relative))
    .refine((p) => !p.split('/').some((s) => s === '..' || s === '.'), paramRule(say('param-path-dots')))
const lxcpath = pathRules(say('param-lxcpath-relative'))
const absPath = pathRules(say('param-path-relative'))

/** A container name under one of the engine's name rules (shared/names.ts). */
const nameUnder = (problemOf: (name: string) => Said | null) =>
  z
    .string()
    .refine((n) => n.length <= 1024, paramRule(say('param-name-long')))
    .superRefine((n, ctx) => {
      const problem = problemOf(n)
      if (problem) ctx.addIssue({ code: 'custom', ...paramRule(say('param-name', { problem })) })
    })
/** A new container's name: the engine's rule for new containers. */
const name = nameUnder(containerNameSaid)
/** An existing container's name: may also be hidden (a leading `.`), never Strata's `.strata-*` work. */
const existingName = nameUnder(existingContainerNameSaid)
const ref = z.object({ lxcpath, name: existingName }).strict()
/** Existing containers of one lxcpath (a multi-selection), each under the existing-name rule. */
const existingNames = z.array(existingName).min(1).max(1024)
const lxcpathList = z.array(lxcpath).max(64)
/** `all`: hidden containers too (they always count as others' dependents and origins) */
const listParams = z.object({ lxcpaths: lxcpathList.optional(), all: z.boolean().optional() }).strict()
const backend = z.enum(BACKENDS as readonly [Backend, ...Backend[]])
/** LXC names snapshots snap0, snap1, ... */
const snapshotName = z.string().refine((s) => /^snap[0-9]{1,9}$/.test(s), paramRule(say('param-snapshot-name')))
/** LXC template names (`lxc-<name>` under the templates dir), never a path. */
const templateName = z
  .string()
  .refine((t) => /^[a-z0-9][a-z0-9_-]{0,63}$/.test(t), paramRule(say('param-template-name')))
/** Template options go to a root script: plain words only, no paths (no `/`), none of Strata's own. */
const templateArg = z
  .string()
  .max(256)
  .refine((arg) => /^[A-Za-z0-9._=:,+@-]*$/.test(arg), paramRule(say('param-template-arg-words')))
  .superRefine((arg, ctx) => {
    const problem = templateArgProblem(arg)
    if (problem) ctx.addIssue({ code: 'custom', ...paramRule(problem) })
  })
const comment = z
  .string()
  .max(64 * 1024)
  .refine((c) => !c.includes('\0'), paramRule(say('param-comment-nul')))
/** An LXD cluster's member, where a clone or a copy is placed (engines without members refuse it). */
const clusterMember = z.string().refine((m) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(m), paramRule(say('param-cluster-member')))

/** The schemas of params that name something on disk: a test holds every method's `reach` to them. */
export const REACHING_SCHEMAS: ReadonlySet<z.ZodType> = new Set([lxcpath, absPath, ref, existingName])

/**
 * How a param reaches the disk; the caller's scope checks it before the engine runs:
 * - `lxcpath`: an lxcpath (with a `name` param, the container's own);
 * - `lxcpaths`: lxcpaths to read; none given means every one the engine serves;
 * - `name`: an existing container's name, in the params' `lxcpath`;
 * - `names`: existing containers' names, each in the params' `lxcpath`;
 * - `ref`: an existing container `{lxcpath, name}`;
 * - `outside`: storage outside a container's directory that a destroy may delete, as confirmed.
 */
export type ReachKind = 'lxcpath' | 'lxcpaths' | 'name' | 'names' | 'ref' | 'outside'
type KindFor<V> = [NonNullable<V>] extends [string]
  ? 'lxcpath' | 'name'
  : [NonNullable<V>] extends [readonly string[]]
    ? 'lxcpaths' | 'names' | 'outside'
    : [NonNullable<V>] extends [ContainerRef]
      ? 'ref'
      : never
/** Params that reach the disk, in the order that routes the call: the first lxcpath named picks the engine. */
export type Reach<P> = { [K in keyof P]?: KindFor<P[K]> }

export interface MethodSpec<S extends z.ZodType, R, T extends boolean = boolean, St extends boolean = boolean> {
  params: S
  /** the result's type (the value is never read) */
  result: R
  reach: Reach<z.output<S>>
  /** over several lxcpaths: the app asks each engine for its own and merges the answers with this */
  spread?: (parts: R[]) => R
  /** the app runs it as a task: the call answers `{taskId}` at once, progress and the end are events */
  task?: T
  /** it changes its lxcpaths: the app tells the renderer (`changed`) when it ends, however it ends */
  changes?: true
  /** a stream (a console): the call answers `{streamId}` at once; output and the end are events, input goes back with `streamInput` */
  stream?: St
}

const method = <S extends z.ZodType, R, T extends boolean = false, St extends boolean = false>(spec: MethodSpec<S, R, T, St>): MethodSpec<S, R, T, St> =>
  spec
const returns = <R>(): R => undefined as R
const concat = <T>(parts: T[][]): T[] => parts.flat()
function mergeGraphs(parts: LineageGraph[]): LineageGraph {
  return { nodes: parts.flatMap((g) => g.nodes), edges: parts.flatMap((g) => g.edges), findings: parts.flatMap((g) => g.findings) }
}
const inContainer = { lxcpath: 'lxcpath', name: 'name' } as const
/** lxc-stop's -t (seconds; -1 waits for ever) and -k */
const stopParams = z
  .object({ lxcpath, name: existingName, timeout: z.number().int().min(-1).max(86_400).optional(), kill: z.boolean().optional() })
  .strict()

/** A terminal's size in cells. */
const cells = z.number().int().min(1).max(1000)
/** How a console reaches a running container: `shell` runs lxc-attach (its default shell), `tty` lxc-console (its own tty). */
export const CONSOLE_KINDS = ['shell', 'tty'] as const
export type ConsoleKind = (typeof CONSOLE_KINDS)[number]
/** The largest piece of input one message carries; a paste is sent in pieces. */
export const STREAM_INPUT_MAX = 64 * 1024
/**
 * What the consumer of a stream sends back: keystrokes or a paste (`data`), a new terminal size,
 * or how much of the output it has drawn (`ack`, in UTF-16 units), which lets a paused pty go on.
 */
export const STREAM_INPUT = z.union([
  z.object({ data: z.string().max(STREAM_INPUT_MAX) }).strict(),
  z.object({ resize: z.object({ cols: cells, rows: cells }).strict() }).strict(),
  z.object({ ack: z.number().int().min(1).max(1 << 30) }).strict()
])
export type StreamInput = z.output<typeof STREAM_INPUT>
/** How a console ended: its program's exit, or closed by its consumer (or the app going away). */
export interface ConsoleEnd {
  exitCode: number | null
  closed: boolean
}

/** Every engine method. Never "run this" or "write that path": high-level operations only. */
export const ENGINE = {
  listContainers: method({ params: listParams, result: returns<ContainerInfo[]>(), reach: { lxcpaths: 'lxcpaths' }, spread: concat }),
  lineage: method({ params: listParams, result: returns<LineageGraph>(), reach: { lxcpaths: 'lxcpaths' }, spread: mergeGraphs }),
  usage: method({ params: listParams, result: returns<ContainerUsage[]>(), reach: { lxcpaths: 'lxcpaths' }, spread: concat }),
  /** usage that follows changes: a stream of UsageUpdate JSON messages (usage-watch.ts), until it is closed (it ends as a closed console does) */
  watchUsage: method({ params: listParams, result: returns<ConsoleEnd>(), reach: { lxcpaths: 'lxcpaths' }, stream: true }),
  /**
   * changes made outside the engine (LXC's tools in a shell): a stream that sends the lxcpath whenever
   * something in it changed (a container made or destroyed, started, stopped, frozen), until it is closed;
   * how a remote host's session learns what this computer's watchers see here (main/watch.ts, state-watch.ts)
   */
  watchChanges: method({ params: listParams, result: returns<ConsoleEnd>(), reach: { lxcpaths: 'lxcpaths' }, stream: true }),
  configView: method({ params: ref, result: returns<ConfigView>(), reach: inContainer }),
  /** an overlay (or aufs) clone's upper layer against its lower */
  layerDiff: method({ params: ref, result: returns<LayerDiff>(), reach: inContainer }),
  // The lifecycle, through LXC's own tools (engine/ops/lifecycle.ts); a refused action names its rule (shared/lifecycle.ts).
  /** lxc-start -d; a failure carries the diagnosis (LXC's log lines of that start, the known causes) */
  startContainer: method({ params: ref, result: returns<{ ok: true }>(), reach: inContainer, task: true, changes: true }),
  /** lxc-stop: a clean shutdown, killed after `timeout` seconds (LXC's default 60; -1 waits); `kill`: at once */
  stopContainer: method({ params: stopParams, result: returns<{ ok: true }>(), reach: inContainer, task: true, changes: true }),
  restartContainer: method({ params: stopParams, result: returns<{ ok: true }>(), reach: inContainer, task: true, changes: true }),
  freezeContainer: method({ params: ref, result: returns<{ ok: true }>(), reach: inContainer, task: true, changes: true }),
  unfreezeContainer: method({ params: ref, result: returns<{ ok: true }>(), reach: inContainer, task: true, changes: true }),
  /** the container's LXC log from `offset` (default: its last 256 KiB), whole lines; `next` is the following read's offset */
  readLog: method({
    params: z.object({ lxcpath, name: existingName, offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() }).strict(),
    result: returns<LogTail>(),
    reach: inContainer
  }),
  /**
   * which backends a clone of `origin` into `lxcpath` may use, and why the others are not allowed, judged where the clone would run;
   * without `origin`, those a copy from another host (importContainer) may use there
   */
  cloneChoices: method({
    params: z.object({ origin: ref.optional(), lxcpath }).strict(),
    result: returns<BackendChoice[]>(),
    reach: { lxcpath: 'lxcpath', origin: 'ref' }
  }),
  clone: method({
    params: z
      .object({
        origin: ref,
        name,
        lxcpath: lxcpath.optional(),
        snapshot: z.boolean().optional(),
        backend: backend.optional(),
        expandConfig: z.boolean().optional(),
        /** make a copy into storage that keeps no xattrs (ACLs, file capabilities) even when the origin has some */
        allowLossy: z.boolean().optional(),
        /** the member of an LXD cluster to place the clone on; engines without members refuse it */
        member: clusterMember.optional()
      })
      .strict(),
    result: returns<ContainerRef>(),
    reach: { lxcpath: 'lxcpath', origin: 'ref' },
    task: true,
    changes: true
  }),
  /** from an installed LXC template, as lxc-create */
  create: method({
    params: z
      .object({ lxcpath, name, template: templateName, backend: z.union([backend, z.literal('best')]).optional(), templateArgs: z.array(templateArg).max(64).optional() })
      .strict(),
    result: returns<ContainerRef>(),
    reach: { lxcpath: 'lxcpath' },
    task: true,
    changes: true
  }),
  /** the conversion of the container's legacy (LXC 1.x/2.0) keys, line by line, without writing (`strata config --modern`) */
  configModernPreview: method({
    params: ref,
    result: returns<{ changes: { line: number; from: string; to: string | null; note: string; noteSaid?: Said }[]; digest: string }>(),
    reach: inContainer
  }),
  /** writes that conversion, if the config is still the one previewed (digest) */
  configModernApply: method({
    params: z.object({ lxcpath, name: existingName, digest: z.string().regex(/^[0-9a-f]{64}$/) }).strict(),
    result: returns<{ changed: number }>(),
    reach: inContainer,
    changes: true
  }),
  /** a new container's name in lxcpath, judged by the rule clone and create apply (and taken or not): the dialogs ask it as you type */
  checkName: method({
    params: z.object({ lxcpath, name: z.string().max(1024), keepUtsName: z.boolean().optional() }).strict(),
    result: returns<{ issue: NameIssue | null }>(),
    reach: { lxcpath: 'lxcpath' }
  }),
  /** what destroy would remove, as it plans it: the direct dependents that refuse a plain destroy, and everything withDependents removes (leaves first) */
  destroyPlan: method({
    params: ref,
    result: returns<{ dependents: ContainerRef[]; withDependents: ContainerRef[] }>(),
    reach: inContainer
  }),
  /** the plan for destroying several containers of one lxcpath: what goes (leaves first, each with its own snapshots) and what stays, and why */
  destroySetPlan: method({
    params: z.object({ lxcpath, names: existingNames }).strict(),
    result: returns<DestroySetPlan>(),
    reach: { lxcpath: 'lxcpath', names: 'names' }
  }),
  /** deleteOutside: storage outside the container's directory the user confirmed may be deleted with it (ContainerInfo.storageOutside) */
  destroy: method({
    params: z.object({ lxcpath, name: existingName, withDependents: z.boolean().optional(), deleteOutside: z.array(absPath).max(64).optional() }).strict(),
    result: returns<{ destroyed: ContainerRef[] }>(),
    reach: { ...inContainer, deleteOutside: 'outside' },
    changes: true
  }),
  createSnapshot: method({
    params: z.object({ lxcpath, name: existingName, comment: comment.optional() }).strict(),
    result: returns<SnapshotInfo>(),
    reach: inContainer,
    changes: true
  }),
  restoreSnapshot: method({
    params: z.object({ lxcpath, name: existingName, snapshot: snapshotName, newName: name.optional() }).strict(),
    result: returns<ContainerRef>(),
    reach: inContainer,
    changes: true
  }),
  deleteSnapshot: method({
    params: z.object({ lxcpath, name: existingName, snapshot: snapshotName }).strict(),
    result: returns<{ ok: true }>(),
    reach: inContainer,
    changes: true
  }),
  /** carries out the fix of a finding about this container: its lxc_snapshots rewritten or removed; dependents are looked for in `lxcpaths` too */
  repairBookkeeping: method({
    params: z.object({ lxcpath, name: existingName, lxcpaths: lxcpathList.optional() }).strict(),
    result: returns<RepairResult>(),
    reach: { ...inContainer, lxcpaths: 'lxcpaths' },
    changes: true
  }),
  /**
   * A stopped container sent to another host (engine/ops/transfer-export.ts): the transfer (a
   * header with its config, then its rootfs as GNU tar) goes through the byte channel its output
   * offers, its end marker as output for importContainer's input; its input is that importer's `ack`s.
   */
  exportContainer: method({ params: ref, result: returns<{ bytes: number; files: number }>(), reach: inContainer, stream: true }),
  /** The first file of a container's rootfs that has extended attributes (path relative to the rootfs, '.' itself), or null: the source's half of a copy's xattr check (engine/ops/xattr-loss.ts). */
  originXattrs: method({ params: ref, result: returns<{ path: string; names: string[] } | null>(), reach: inContainer }),
  /** Why a container received here (importContainer with these choices) would keep no extended attributes, or null: the target's half of that check. */
  importXattrLoss: method({
    params: z.object({ lxcpath, backend: backend.optional(), pool: z.string().max(64).optional() }).strict(),
    result: returns<Said | string | null>(),
    reach: { lxcpath: 'lxcpath' }
  }),
  /** A container built here from an exportContainer's transfer, through the byte channel its output offers; it answers with acks (engine/ops/transfer-import.ts). */
  importContainer: method({
    params: z
      .object({
        lxcpath,
        name,
        backend: backend.optional(),
        /** an LXD host's storage pool, as its cloneChoices names it; a host without pools refuses it */
        pool: z
          .string()
          .refine((p) => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(p), paramRule(say('param-storage-pool')))
          .optional(),
        /** the member of an LXD cluster to place the copy on; engines without members refuse it */
        member: clusterMember.optional()
      })
      .strict(),
    result: returns<ContainerRef>(),
    reach: { lxcpath: 'lxcpath' },
    stream: true,
    changes: true
  }),
  /** a console on a running container, in a pty; it lasts until its program exits or it is closed */
  openConsole: method({
    params: z.object({ lxcpath, name: existingName, kind: z.enum(CONSOLE_KINDS), cols: cells, rows: cells }).strict(),
    result: returns<ConsoleEnd>(),
    reach: inContainer,
    stream: true
  })
} as const

export type EngineMethod = keyof typeof ENGINE
export const ENGINE_METHODS = Object.keys(ENGINE) as EngineMethod[]
/** Params as the engine receives them (validated). */
export type EngineParams<M extends EngineMethod> = z.output<(typeof ENGINE)[M]['params']>
/** Params as a caller writes them. */
export type EngineInput<M extends EngineMethod> = z.input<(typeof ENGINE)[M]['params']>
export type EngineResult<M extends EngineMethod> = (typeof ENGINE)[M]['result']
export type TaskMethod = { [M in EngineMethod]: NonNullable<(typeof ENGINE)[M]['task']> extends true ? M : never }[EngineMethod]
export type StreamMethod = { [M in EngineMethod]: NonNullable<(typeof ENGINE)[M]['stream']> extends true ? M : never }[EngineMethod]

export function isEngineMethod(m: unknown): m is EngineMethod {
  return typeof m === 'string' && Object.prototype.hasOwnProperty.call(ENGINE, m)
}

/** Validates untrusted params; the problem is one sentence naming the method, each field and its rule (param-issues.ts). */
export function checkParams(method: string, schema: z.ZodType, params: unknown): { ok: true; value: unknown } | { ok: false; said: Said } {
  const r = schema.safeParse(params ?? {})
  if (r.success) return { ok: true, value: r.data }
  return { ok: false, said: paramsSaid(method, r.error.issues, params ?? {}) }
}

/**
 * Where a caller lets the engine reach: every param a method declares in `reach` passes it, and
 * its answer replaces the param (an lxcpath named by its real path becomes the configured one).
 * Each method throws, naming the path and the rule.
 */
export interface Scope {
  lxcpath(path: string): string
  lxcpathList(paths: readonly string[]): string[]
  name(name: string): string
  ref(ref: ContainerRef): ContainerRef
  deletableOutside(path: string): string
}

const ADMIT: { [K in ReachKind]: (scope: Scope, value: never) => unknown } = {
  lxcpath: (scope, v: string) => scope.lxcpath(v),
  lxcpaths: (scope, v: string[]) => scope.lxcpathList(v),
  name: (scope, v: string) => scope.name(v),
  names: (scope, v: string[]) => v.map((n) => scope.name(n)),
  ref: (scope, v: ContainerRef) => scope.ref(v),
  outside: (scope, v: string[]) => v.map((p) => scope.deletableOutside(p))
}

/** The params, each one the method declares as reaching the disk checked by `scope`. Absent ones stay absent. */
export function admit<M extends EngineMethod>(method: M, params: EngineParams<M>, scope: Scope): EngineParams<M> {
  const out: Record<string, unknown> = { ...params }
  for (const [key, kind] of Object.entries(ENGINE[method].reach) as [string, ReachKind][]) {
    if (out[key] !== undefined) out[key] = ADMIT[kind](scope, out[key] as never)
  }
  return out as EngineParams<M>
}

/** The lxcpaths a call is about (its `lxcpath` and `ref` params), in `reach` order: the first picks the engine. */
export function lxcpathsNamed<M extends EngineMethod>(method: M, params: EngineParams<M>): string[] {
  const named: string[] = []
  for (const [key, kind] of Object.entries(ENGINE[method].reach) as [string, ReachKind][]) {
    const v = (params as Record<string, unknown>)[key]
    if (kind === 'lxcpath' && typeof v === 'string') named.push(v)
    if (kind === 'ref' && v) named.push((v as ContainerRef).lxcpath)
  }
  return [...new Set(named)]
}
