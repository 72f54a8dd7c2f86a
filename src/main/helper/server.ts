// The root side of the helper: reads requests from the app, checks each one (shape, method,
// names, lxcpaths) and only then hands it to the engine. Plain Node: no Electron.
// Every request runs with its own AbortController, so `{cancel: id}` and the app going away
// both reach the operation as an abort.
import type { OpProgress } from '@shared/model'
import { readConfigView } from '../engine/config/view'
import { layerDiff } from '../engine/layer-diff'
import { measureUsage } from '../engine/usage'
import { cloneContainer } from '../engine/ops/clone'
import { createContainer } from '../engine/ops/create'
import { destroyContainer } from '../engine/ops/destroy'
import { flattenContainer } from '../engine/ops/flatten'
import { recoverInterrupted } from '../engine/ops/recover'
import { repairSnapshotsFile } from '../engine/ops/repair'
import { createSnapshot, deleteSnapshot, restoreSnapshot } from '../engine/ops/snapshot'
import { LowerWalkCache } from '../engine/lineage/drift'
import { listContainers, readLineage } from '../engine/lxcpath'
import { lxcErrorText, run, ToolError } from '../engine/tools'
import { LxcpathPolicy, RefusedError } from './lxcpath-policy'
import {
  encodeLine,
  HELPER_METHODS,
  isHelperMethod,
  LineDecoder,
  MAX_IN_FLIGHT,
  MAX_REQUEST_BYTES,
  parseAppLine,
  PROTOCOL_VERSION,
  ProtocolError,
  type ErrorCode,
  type HelperMessage,
  type HelperMethod,
  type HelperResults
} from './protocol'
import { parseHelperParams, type HelperParams } from './schemas'

/** A method the protocol names but this build cannot carry out yet. */
export class NotAvailableError extends Error {
  readonly code = 'not-available'
  constructor(method: HelperMethod) {
    super(`${method} is not available in this build of the helper.`)
    this.name = 'NotAvailableError'
  }
}

interface Ctx {
  signal: AbortSignal
  onProgress: (p: OpProgress) => void
  policy: LxcpathPolicy
}

type Handler<M extends HelperMethod> = (params: HelperParams<M>, ctx: Ctx) => Promise<HelperResults[M]>
type Handlers = { [M in HelperMethod]: Handler<M> }

const LXC_TOOL_TIMEOUT_MS = 120_000
/** The helper lives as long as the app: its lineage reads share walks of the bases. */
const lowerWalks = new LowerWalkCache(LowerWalkCache.FOR_LONG_LIVED_ENGINE_MS)

async function lxcTool(tool: string, args: string[], signal: AbortSignal): Promise<void> {
  try {
    await run(tool, args, { signal, timeoutMs: LXC_TOOL_TIMEOUT_MS })
  } catch (err) {
    if (err instanceof ToolError && !signal.aborted) throw new Error(lxcErrorText(err.stderr || err.message), { cause: err })
    throw err
  }
}

/** Methods whose engine functions are not in this build: they answer `not-available`. */
export const UNAVAILABLE: HelperMethod[] = []

const HANDLERS: Handlers = {
  list: async (p, { policy }) => listContainers(policy.lxcpathList(p.lxcpaths), { all: p.all }),
  lineage: async (p, { policy }) => readLineage(policy.lxcpathList(p.lxcpaths), lowerWalks, { all: p.all }),
  configView: async (p, { policy }) => {
    const ref = policy.ref(p.ref)
    return readConfigView(ref.lxcpath, ref.name)
  },
  start: async (p, { policy, signal, onProgress }) => {
    const ref = policy.ref(p.ref)
    onProgress({ phase: 'start', message: `starting ${ref.name}` })
    await lxcTool('lxc-start', ['-P', ref.lxcpath, '-n', ref.name, '-d'], signal)
    return { ok: true }
  },
  stop: async (p, { policy, signal, onProgress }) => {
    const ref = policy.ref(p.ref)
    onProgress({ phase: 'stop', message: `stopping ${ref.name}` })
    await lxcTool('lxc-stop', ['-P', ref.lxcpath, '-n', ref.name], signal)
    return { ok: true }
  },
  // Every name and lxcpath goes through the policy before the engine sees it, and the policy
  // is the operations' boundary: what they find on disk passes it too before they touch it.
  clone: async (p, { policy, signal, onProgress }) =>
    cloneContainer(
      { ...p, origin: policy.ref(p.origin), lxcpath: p.lxcpath === undefined ? undefined : policy.lxcpath(p.lxcpath) },
      { signal, onProgress, boundary: policy }
    ),
  destroy: async (p, { policy, signal, onProgress }) =>
    destroyContainer(
      policy.ref(p.ref),
      { withDependents: p.withDependents, deleteOutside: p.deleteOutside?.map((path) => policy.deletableOutside(path)) },
      { signal, onProgress, boundary: policy }
    ),
  createSnapshot: async (p, { policy, signal, onProgress }) =>
    createSnapshot(policy.ref(p.ref), { comment: p.comment }, { signal, onProgress, boundary: policy }),
  restoreSnapshot: async (p, { policy, signal, onProgress }) =>
    restoreSnapshot(policy.ref(p.ref), p.snapshot, { newName: p.newName }, { signal, onProgress, boundary: policy }),
  deleteSnapshot: async (p, { policy, signal, onProgress }) => {
    await deleteSnapshot(policy.ref(p.ref), p.snapshot, { signal, onProgress, boundary: policy })
    return null
  },
  create: async (p, { policy, signal, onProgress }) =>
    createContainer({ ...p, lxcpath: policy.lxcpath(p.lxcpath) }, { signal, onProgress, boundary: policy }),
  flatten: async (p, { policy, signal, onProgress }) => {
    await flattenContainer(policy.ref(p.ref), { signal, onProgress, boundary: policy })
    return null
  },
  usage: async (p, { policy, signal }) =>
    measureUsage(policy.lxcpathList(p.lxcpaths), { names: p.names?.map((r) => policy.ref(r)), all: p.all, signal }),
  diff: async (p, { policy, signal }) => layerDiff(policy.ref(p.ref), { signal }),
  repairBookkeeping: async (p, { policy }) => repairSnapshotsFile(policy.ref(p.ref), { lxcpaths: policy.lxcpathList(p.lxcpaths) })
}

export interface HelperServerOptions {
  input: NodeJS.ReadableStream
  output: NodeJS.WritableStream
  /** the lxcpaths this session serves; fixed for the helper's life */
  lxcpaths: readonly string[]
  /** one line per request: id, method, outcome code. Never params or results. */
  log?: (line: string) => void
  /** the longest request line accepted; default MAX_REQUEST_BYTES */
  maxRequestBytes?: number
  /** progress lines per request are thinned to at most one per this many ms (phase changes always pass) */
  progressIntervalMs?: number
  /** called once when shutdown starts (input closed, parent gone, signal) */
  onClosing?: () => void
}

export class HelperServer {
  readonly policy: LxcpathPolicy
  private readonly inFlight = new Map<number, AbortController>()
  private readonly running = new Set<Promise<void>>()
  private closing = false
  private resolveDone!: () => void
  /** settles once input has ended and every request in flight has answered */
  readonly done = new Promise<void>((r) => (this.resolveDone = r))

  /** Engine start: interrupted Strata work in the served lxcpaths, finished or rolled back. */
  private readonly recovered: Promise<unknown>

  constructor(private readonly opts: HelperServerOptions) {
    this.policy = new LxcpathPolicy(opts.lxcpaths)
    this.recovered = Promise.all(
      this.policy.lxcpaths.map((p) =>
        recoverInterrupted(p).then(
          (done) => done.forEach((r) => opts.log?.(`recovered in ${r.lxcpath}: ${r.message}`)),
          (err: unknown) => opts.log?.(`recovery of ${p} failed: ${(err as Error).message}`)
        )
      )
    )
  }

  start(): void {
    const decoder = new LineDecoder(
      this.opts.maxRequestBytes ?? MAX_REQUEST_BYTES,
      (line) => this.onLine(line),
      (bytes) =>
        this.send({
          id: null,
          error: { code: 'too-large', message: `A request line of ${bytes} bytes exceeds the limit of ${this.opts.maxRequestBytes ?? MAX_REQUEST_BYTES} bytes; it was dropped.` }
        })
    )
    this.opts.output.on('error', () => this.shutdown('output closed'))
    this.opts.input.on('data', (chunk: Buffer | string) => decoder.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk))
    this.opts.input.on('end', () => {
      decoder.end()
      this.shutdown('input closed')
    })
    this.opts.input.on('close', () => this.shutdown('input closed'))
    this.opts.input.on('error', () => this.shutdown('input error'))
    this.send({
      hello: {
        protocol: PROTOCOL_VERSION,
        pid: process.pid,
        uid: process.geteuid?.() ?? -1,
        lxcpaths: this.policy.lxcpaths,
        refused: this.policy.refused,
        methods: [...HELPER_METHODS],
        unavailable: [...UNAVAILABLE]
      }
    })
  }

  /** Aborts everything in flight and settles `done` when the last request has answered. */
  shutdown(why: string): void {
    if (this.closing) return
    this.closing = true
    this.opts.onClosing?.()
    this.opts.log?.(`shutting down: ${why}; aborting ${this.inFlight.size} request(s)`)
    for (const c of this.inFlight.values()) c.abort(new Error(why))
    void Promise.allSettled([...this.running]).then(() => this.resolveDone())
  }

  private send(message: HelperMessage): void {
    if (!this.opts.output.writable) return
    this.opts.output.write(encodeLine(message))
  }

  private fail(id: number | null, code: ErrorCode, message: string): void {
    this.send({ id, error: { code, message } })
  }

  private onLine(line: string): void {
    let msg
    try {
      msg = parseAppLine(line)
    } catch (err) {
      const e = err as ProtocolError
      this.opts.log?.(`rejected a line: ${e.code}`)
      this.fail(e.id, e.code, e.message)
      return
    }
    if ('cancel' in msg) {
      const c = this.inFlight.get(msg.cancel)
      this.opts.log?.(`${msg.cancel} cancel${c ? '' : ' (not in flight)'}`)
      c?.abort(new Error('cancelled by the app'))
      return
    }
    const { id, method, params } = msg
    if (this.closing) return this.fail(id, 'cancelled', 'The helper is shutting down.')
    if (!isHelperMethod(method)) {
      return this.fail(id, 'unknown-method', `There is no helper method "${String(method).slice(0, 64)}"; the helper offers: ${HELPER_METHODS.join(', ')}.`)
    }
    if (this.inFlight.has(id)) return this.fail(id, 'busy', `Request id ${id} is already in flight; ids must be unique.`)
    if (this.inFlight.size >= MAX_IN_FLIGHT) {
      return this.fail(id, 'busy', `The helper is already running ${MAX_IN_FLIGHT} requests; try again when one has finished.`)
    }
    const parsed = parseHelperParams(method, params)
    if (!parsed.ok) {
      this.opts.log?.(`${id} ${method} -> invalid-params`)
      return this.fail(id, 'invalid-params', parsed.message)
    }
    const controller = new AbortController()
    this.inFlight.set(id, controller)
    const task = this.execute(id, method, parsed.value, controller.signal).finally(() => {
      this.inFlight.delete(id)
      this.running.delete(task)
    })
    this.running.add(task)
  }

  private async execute<M extends HelperMethod>(id: number, method: M, params: HelperParams<M>, signal: AbortSignal): Promise<void> {
    const interval = this.opts.progressIntervalMs ?? 100
    let lastAt = 0
    let lastPhase = ''
    const onProgress = (p: OpProgress): void => {
      const now = Date.now()
      if (p.phase === lastPhase && now - lastAt < interval) return
      lastAt = now
      lastPhase = p.phase
      this.send({ id, progress: p })
    }
    const handler = HANDLERS[method] as Handler<M>
    try {
      // Nothing new is written before interrupted work in the served lxcpaths is repaired.
      await this.recovered
      const result = await handler(params, { signal, onProgress, policy: this.policy })
      this.opts.log?.(`${id} ${method} -> ok`)
      this.send({ id, result: result ?? null })
    } catch (err) {
      const e = err as Error & { code?: unknown }
      const code: ErrorCode =
        err instanceof RefusedError
          ? 'refused'
          : err instanceof NotAvailableError
            ? 'not-available'
            : signal.aborted
              ? 'cancelled'
              : 'failed'
      const message = code === 'cancelled' ? `${method} was cancelled (${String((signal.reason as Error)?.message ?? 'aborted')}).` : e.message
      this.opts.log?.(`${id} ${method} -> ${code}`)
      this.fail(id, code, message)
    }
  }
}
