// The root side of the helper: a validating proxy of the engine's table (src/shared/engine-api.ts).
// It reads requests from the app, checks each one (method, params against the table's schema,
// then every name, lxcpath and path the method declares, against the lxcpath policy) and only
// then runs the engine method. Plain Node: no Electron. Every request runs with its own
// AbortController, so `{cancel: id}` and the app going away both reach the operation as an abort.
import { counted } from '@shared/counted'
import { admit, checkParams, ENGINE, ENGINE_METHODS, isEngineMethod, STREAM_INPUT, type EngineMethod, type EngineParams, type StreamInput } from '@shared/engine-api'
import type { OpProgress } from '@shared/model'
import { runEngineMethod } from '../engine-methods'
import { LowerWalkCache } from '../engine/lineage/drift'
import { recoverInterrupted } from '../engine/ops/recover'
import { cancelled, errorData, unavailable, usageError, type StrataError } from '@shared/errors'
import { openByteChannel } from './byte-channel'
import { LxcpathPolicy } from './lxcpath-policy'
import { AnswerMemory, answerKey } from './answer-delta'
import {
  encodeLine,
  LineDecoder,
  MAX_IN_FLIGHT,
  MAX_REQUEST_BYTES,
  parseAppLine,
  PROTOCOL_VERSION,
  type HelperMessage
} from './protocol'

export interface HelperServerOptions {
  input: NodeJS.ReadableStream
  output: NodeJS.WritableStream
  /** the lxcpaths this session serves; fixed for the helper's life */
  lxcpaths: readonly string[]
  /** the rules they and every request pass; default the root helper's (LxcpathPolicy over lxcpaths) */
  policy?: LxcpathPolicy
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
  /** where the input of each stream request in flight goes */
  private readonly streamInputs = new Map<number, (m: StreamInput) => void>()
  private readonly running = new Set<Promise<void>>()
  private closing = false
  private resolveDone!: () => void
  /** settles once input has ended and every request in flight has answered */
  readonly done = new Promise<void>((r) => (this.resolveDone = r))

  /** Engine start: interrupted Strata work in the served lxcpaths, finished or rolled back. */
  private readonly recovered: Promise<unknown>
  /** The helper lives as long as the app: its lineage reads share walks of the bases. */
  private readonly lowerWalks = new LowerWalkCache(LowerWalkCache.FOR_LONG_LIVED_ENGINE_MS)
  /** the last list answered to each reading request, so that the next answer is what changed */
  private readonly answers = new AnswerMemory()

  constructor(private readonly opts: HelperServerOptions) {
    this.policy = opts.policy ?? new LxcpathPolicy(opts.lxcpaths)
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
        this.fail(null, usageError(`A request line of ${bytes} bytes exceeds the limit of ${this.opts.maxRequestBytes ?? MAX_REQUEST_BYTES} bytes; it was dropped.`, 'too-large'))
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
        methods: [...ENGINE_METHODS]
      }
    })
  }

  /** Aborts everything in flight and settles `done` when the last request has answered. */
  shutdown(why: string): void {
    if (this.closing) return
    this.closing = true
    this.opts.onClosing?.()
    this.opts.log?.(`shutting down: ${why}; aborting ${counted(this.inFlight.size, 'request', 'requests')}`)
    for (const c of this.inFlight.values()) c.abort(new Error(why))
    void Promise.allSettled([...this.running]).then(() => this.resolveDone())
  }

  private send(message: HelperMessage): void {
    if (!this.opts.output.writable) return
    this.opts.output.write(encodeLine(message))
  }

  /** Answers with the error as data: its code, message, subject and rule cross unchanged. */
  private fail(id: number | null, err: StrataError): void {
    this.send({ id, error: errorData(err) })
  }

  private onLine(line: string): void {
    const msg = parseAppLine(line)
    if ('unreadable' in msg) {
      this.opts.log?.(`rejected a line: ${msg.unreadable.rule}`)
      return this.fail(msg.id, msg.unreadable)
    }
    if ('cancel' in msg) {
      const c = this.inFlight.get(msg.cancel)
      this.opts.log?.(`${msg.cancel} cancel${c ? '' : ' (not in flight)'}`)
      c?.abort(new Error('cancelled by the app'))
      return
    }
    if ('stream' in msg) {
      // Validated like any request's params, then handed to the stream it names, if still open.
      // A refusal is not tied to the request: its stream goes on, the app reads the refusal in its log.
      const input = checkParams('stream input', STREAM_INPUT, msg.input)
      if (!input.ok) return this.fail(null, usageError(input.said, 'invalid-params'))
      this.streamInputs.get(msg.stream)?.(input.value as StreamInput)
      return
    }
    const { id, method, params, have } = msg
    if (this.closing) return this.fail(id, cancelled('The helper is shutting down.', { rule: 'shutting-down' }))
    if (!isEngineMethod(method)) {
      return this.fail(id, usageError(`There is no helper method "${String(method).slice(0, 64)}"; the helper offers: ${ENGINE_METHODS.join(', ')}.`, 'unknown-method'))
    }
    if (this.inFlight.has(id)) return this.fail(id, unavailable('busy', `Request id ${id} is already in flight; ids must be unique.`))
    if (this.inFlight.size >= MAX_IN_FLIGHT) {
      return this.fail(id, unavailable('busy', `The helper is already running ${MAX_IN_FLIGHT} requests; try again when one has finished.`))
    }
    const parsed = checkParams(method, ENGINE[method].params, params)
    if (!parsed.ok) {
      this.opts.log?.(`${id} ${method} -> usage (invalid-params)`)
      return this.fail(id, usageError(parsed.said, 'invalid-params'))
    }
    const controller = new AbortController()
    this.inFlight.set(id, controller)
    const task = this.execute(id, method, parsed.value as EngineParams<typeof method>, controller.signal, have).finally(() => {
      this.inFlight.delete(id)
      this.streamInputs.delete(id)
      this.running.delete(task)
    })
    this.running.add(task)
  }

  private async execute<M extends EngineMethod>(id: number, method: M, params: EngineParams<M>, signal: AbortSignal, have?: number): Promise<void> {
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
    try {
      // Every name, lxcpath and path the method declares passes the policy before the engine
      // sees it, and the policy is the operations' boundary: what they find on disk passes it too.
      const admitted = admit(method, params, this.policy)
      // Nothing new is written before interrupted work in the served lxcpaths is repaired.
      await this.recovered
      // A stream's output goes out as data lines; its input arrives as stream lines (onLine).
      const stream = ENGINE[method].stream
        ? {
            send: (data: string) => this.send({ id, data }),
            onInput: (cb: (m: StreamInput) => void) => void this.streamInputs.set(id, cb),
            openChannel: () => openByteChannel(signal)
          }
        : undefined
      const result = await runEngineMethod(method, admitted, {
        signal,
        onProgress,
        boundary: this.policy,
        lxcpaths: this.policy.lxcpaths,
        lowerWalks: this.lowerWalks,
        stream
      })
      const spec = ENGINE[method]
      if (Array.isArray(result) && !spec.changes && !spec.task && !spec.stream) {
        // a list from a reading method goes out as what changed since the app's copy (answer-delta.ts)
        const answer = this.answers.answer(answerKey(method, params), have, result)
        const d = 'delta' in answer ? answer.delta : null
        const how = !d ? '' : d.version === d.base ? ` (same as version ${d.base})` : ` (as a change of version ${d.base}: ${d.set.length} of ${d.length} items)`
        this.opts.log?.(`${id} ${method} -> ok${how}`)
        this.send({ id, ...answer })
      } else {
        this.opts.log?.(`${id} ${method} -> ok`)
        this.send({ id, result: result ?? null })
      }
    } catch (err) {
      // The engine's error crosses as it is; one the abort caused says it was cancelled.
      const e = signal.aborted ? cancelled(`${method} was cancelled (${String((signal.reason as Error)?.message ?? 'aborted')}).`, { cause: err }) : err
      const data = errorData(e)
      this.opts.log?.(`${id} ${method} -> ${data.code}${data.rule ? ` (${data.rule})` : ''}`)
      this.send({ id, error: data })
    }
  }
}
