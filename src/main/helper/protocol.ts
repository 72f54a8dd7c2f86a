// The wire format between the unprivileged app and the root helper: one JSON object per line
// over the helper's stdin/stdout. The methods, their params and results are the engine's
// (src/shared/engine-api.ts); this file is plain data and framing only; no engine, no Electron.
//
//   helper -> app, first line:  {"hello": Hello}
//   app -> helper:              {"id": 1, "method": "listContainers", "params": {...}}   a request
//                               {"id": 2, "method": "listContainers", "params": {...}, "have": 7}   holding list version 7
//                               {"cancel": 1}                                  cancel request 1 (a stream: close it)
//                               {"stream": 1, "input": StreamInput}            input for stream request 1
//   helper -> app:              {"id": 1, "progress": OpProgress}              zero or more
//                               {"id": 1, "data": "..."}                       a stream's output, zero or more
//                               {"id": 1, "result": ...} | {"id": 1, "error": {code, message, subject?, rule?}}
//                               {"id": 1, "result": [...], "version": 7}      a list, kept by both sides as version 7
//                               {"id": 2, "delta": {base, version, length, set}}   a list as what changed since `base` (answer-delta.ts)
//
// A line that cannot be read as a request gets {"id": null, "error": ...}: the helper never
// guesses which request it belonged to.
import type { EngineMethod } from '@shared/engine-api'
import type { Said } from '@shared/engine-text'
import { StrataError, usageError, type ErrorData } from '@shared/errors'
import type { OpProgress } from '@shared/model'
import type { ListDelta } from './answer-delta'

/** Bumped on any incompatible change; the client refuses a helper speaking another version. */
/** 4: a list asked again crosses as what changed since the version the app holds (answer-delta.ts).
 *  5: a stream may offer a byte channel (byte-channel.ts), reached by `--channel`. */
export const PROTOCOL_VERSION = 5

/** Longest request line the helper accepts. Requests are small: names, paths, a few options. */
export const MAX_REQUEST_BYTES = 1024 * 1024
/** Longest reply line the client accepts (a listing of a few thousand containers fits easily). */
export const MAX_REPLY_BYTES = 256 * 1024 * 1024
/** Requests one helper runs at once; more are refused with `busy`, never queued without bound. */
export const MAX_IN_FLIGHT = 32

/**
 * A request that failed gets the engine's one error (src/shared/errors.ts) as it was thrown:
 * its code, message, subject and rule cross the pipe unchanged. The protocol's own refusals
 * are `usage` errors whose rule says which: `bad-request` (not JSON, not an object, no usable
 * id), `too-large` (over MAX_REQUEST_BYTES), `unknown-method`, `invalid-params` (the table's
 * schema); `unavailable` with rule `busy` (too many in flight, or the id is in use); and
 * `cancelled` (by `{cancel: id}`, or the app went away). The client adds its own, about starting
 * or keeping the helper (client.ts): `helper-gone`, `not-authorised`, `dismissed`, `no-agent`,
 * `no-polkit`, `no-pkexec`, `helper-missing`, `protocol-mismatch`.
 */
export interface Hello {
  protocol: number
  /** the helper's own pid, so the app can tell it apart from pkexec */
  pid: number
  /** effective uid: 0 when it came up through pkexec */
  uid: number
  /** the lxcpaths this helper will touch, as configured; nothing outside them */
  lxcpaths: string[]
  /** configured lxcpaths it refused to serve, with the rule they broke */
  refused: { path: string; reason: string; said?: Said }[]
  methods: EngineMethod[]
}

export interface Request {
  id: number
  method: string
  params: unknown
  /** the version of this request's list the app holds: the answer may then be a delta */
  have?: number
}
export interface Cancel {
  cancel: number
}
/** Input for a stream request in flight (a console's keystrokes, a resize, an ack); checked by the server against the table's schema. */
export interface StreamInputLine {
  stream: number
  input: unknown
}

export type HelperMessage =
  | { hello: Hello }
  | { id: number; progress: OpProgress }
  | { id: number; data: string }
  | { id: number; result: unknown; version?: number }
  | { id: number; delta: ListDelta }
  | { id: number | null; error: ErrorData }

/** Request ids are positive safe integers: they key maps on both sides. */
export function isRequestId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0
}

/** A line that is not a request: why, and the request id when the line carried a usable one. */
export interface Unreadable {
  unreadable: StrataError
  id: number | null
}

const badRequest = (message: string, id: number | null = null): Unreadable => ({ unreadable: usageError(message, 'bad-request'), id })

/** One line from the app, read as a request, a cancel, or why it is neither. */
export function parseAppLine(line: string): Request | Cancel | StreamInputLine | Unreadable {
  let v: unknown
  try {
    v = JSON.parse(line)
  } catch {
    return badRequest('The request is not valid JSON (one JSON object per line is expected).')
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return badRequest('The request must be a JSON object with id, method and params.')
  }
  const o = v as Record<string, unknown>
  if ('cancel' in o) {
    if (!isRequestId(o.cancel) || Object.keys(o).length !== 1) return badRequest('A cancel must be {"cancel": <request id>} and nothing else.')
    return { cancel: o.cancel }
  }
  if ('stream' in o) {
    if (!isRequestId(o.stream) || !('input' in o) || Object.keys(o).length !== 2) return badRequest('Stream input must be {"stream": <request id>, "input": {...}} and nothing else.')
    return { stream: o.stream, input: o.input }
  }
  if (!isRequestId(o.id)) return badRequest('The request id must be a positive integer.')
  const extra = Object.keys(o).filter((k) => k !== 'id' && k !== 'method' && k !== 'params' && k !== 'have')
  if (extra.length) return badRequest(`The request has unknown fields: ${extra.join(', ')}.`, o.id)
  if (typeof o.method !== 'string') return badRequest('The request method must be a string.', o.id)
  if ('have' in o && !isRequestId(o.have)) return badRequest('The request\'s "have" must be a list version (a positive integer).', o.id)
  return { id: o.id, method: o.method, params: o.params ?? {}, ...(isRequestId(o.have) ? { have: o.have } : {}) }
}

const badReply = (message: string): StrataError => new StrataError('internal', message, { rule: 'bad-reply' })

/** One line from the helper; throws a StrataError (rule `bad-reply`) when it is not a message of this protocol. */
export function parseHelperLine(line: string): HelperMessage {
  let v: unknown
  try {
    v = JSON.parse(line)
  } catch {
    throw badReply(`The helper wrote a line that is not JSON: ${line.slice(0, 200)}`)
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw badReply('The helper wrote something that is not a JSON object.')
  }
  const o = v as Record<string, unknown>
  if ('hello' in o && typeof o.hello === 'object' && o.hello !== null) return o as { hello: Hello }
  if ('error' in o && (o.id === null || isRequestId(o.id))) {
    const e = o.error as Partial<ErrorData> | null
    if (e && typeof e.message === 'string' && typeof e.code === 'string') return o as { id: number | null; error: ErrorData }
  }
  if (isRequestId(o.id) && 'result' in o && (o.version === undefined || (isRequestId(o.version) && Array.isArray(o.result)))) return o as { id: number; result: unknown; version?: number }
  if (isRequestId(o.id) && isListDelta(o.delta)) return o as { id: number; delta: ListDelta }
  if (isRequestId(o.id) && typeof o.progress === 'object' && o.progress !== null) return o as { id: number; progress: OpProgress }
  if (isRequestId(o.id) && typeof o.data === 'string') return o as { id: number; data: string }
  throw badReply('The helper wrote a message this app does not understand.')
}

function isListDelta(v: unknown): v is ListDelta {
  if (typeof v !== 'object' || v === null) return false
  const d = v as Record<string, unknown>
  return (
    isRequestId(d.base) &&
    isRequestId(d.version) &&
    Number.isSafeInteger(d.length) &&
    (d.length as number) >= 0 &&
    Array.isArray(d.set) &&
    d.set.every((e) => Array.isArray(e) && e.length === 2 && Number.isSafeInteger(e[0]) && e[0] >= 0 && e[0] < (d.length as number))
  )
}

/** One message as one line. JSON.stringify escapes newlines inside strings, so a line is a message. */
export function encodeLine(message: HelperMessage | Request | Cancel | StreamInputLine): string {
  return JSON.stringify(message) + '\n'
}

/**
 * Splits a byte stream into lines without ever holding more than `maxBytes` of one line.
 * A longer line is dropped up to its newline and reported once through `onOversized`,
 * so a hostile writer cannot make the reader grow without bound. A chunk pushed is kept (not
 * copied) until its line ends: the caller hands it over, as a stream's 'data' does.
 */
export class LineDecoder {
  private chunks: Buffer[] = []
  private pending = 0
  private discarding = false
  private dropped = 0

  constructor(
    private readonly maxBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onOversized: (bytes: number) => void
  ) {}

  push(chunk: Buffer): void {
    let start = 0
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start)
      const end = nl < 0 ? chunk.length : nl
      const piece = chunk.subarray(start, end)
      if (this.discarding) {
        this.dropped += piece.length
      } else if (this.pending + piece.length > this.maxBytes) {
        this.discarding = true
        this.dropped = this.pending + piece.length
        this.chunks = []
        this.pending = 0
      } else if (piece.length) {
        // kept by reference, not copied: a stream hands each chunk over for good, and a
        // listing of 500 containers is a quarter of a MB, copied twice before
        this.chunks.push(piece)
        this.pending += piece.length
      }
      if (nl < 0) break
      if (this.discarding) {
        this.discarding = false
        this.onOversized(this.dropped)
        this.dropped = 0
      } else {
        const line = (this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.pending)).toString('utf8')
        this.chunks = []
        this.pending = 0
        if (line.trim() !== '') this.onLine(line)
      }
      start = nl + 1
    }
  }

  /** At end of stream: a last line without its newline still counts. */
  end(): void {
    if (this.discarding) {
      this.discarding = false
      this.onOversized(this.dropped)
    } else if (this.pending) {
      const line = Buffer.concat(this.chunks).toString('utf8')
      if (line.trim() !== '') this.onLine(line)
    }
    this.chunks = []
    this.pending = 0
  }
}
