// LXD's REST API (the same as Incus's), over its local unix socket or over HTTPS with a client
// certificate and the server's certificate pinned (trusted on first use, only after the user
// confirmed its fingerprint). Every answer is LXD's envelope: `sync` with metadata, `async` with
// an operation to wait for, or `error` with LXD's own words, which the user is shown. An
// operation is followed through LXD's events stream (lxd-events.ts) as it runs.
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { PeerCertificate } from 'node:tls'
import { cancelled, failed, isStrataError, notFound, permissionDenied, refused, unavailable } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'
import { openEventStream, type EventsOpenFailure, type LxdEvent, type LxdEventStream } from './lxd-events'

/** Where LXD listens and how this client proves who it is there. */
export type LxdEndpoint =
  | { kind: 'unix'; socket: string }
  | { kind: 'https'; host: string; port: number; /** the server's certificate (PEM), pinned */ serverCert?: string; clientCert?: string; clientKey?: string }

/** `unix:/var/lib/lxd/unix.socket` or `https://host[:port]` (LXD's port 8443 by default). */
export function parseLxdUrl(url: string): LxdEndpoint {
  if (url.startsWith('unix:')) {
    const socket = url.slice('unix:'.length).replace(/^\/\/(?=\/)/, '')
    if (!socket.startsWith('/')) throw refused('lxd-url', say('lxd-url-socket', { url }), url)
    return { kind: 'unix', socket }
  }
  const m = /^https:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?\/?$/.exec(url)
  if (!m) throw refused('lxd-url', say('lxd-url-bad', { url }), url)
  const port = m[2] ? Number(m[2]) : 8443
  if (port < 1 || port > 65535) throw refused('lxd-url', say('lxd-url-port', { url }), url)
  return { kind: 'https', host: m[1]!.replace(/^\[|\]$/g, ''), port }
}

/** LXD's answer envelope. */
interface Envelope {
  type: 'sync' | 'async' | 'error'
  status_code: number
  error_code: number
  error: string
  operation: string
  metadata: unknown
}

/** An LXD operation as the API shows it (`/1.0/operations/<id>`). */
export interface LxdOperation {
  id: string
  status: string
  status_code: number
  may_cancel: boolean
  err: string
  metadata: Record<string, unknown> | null
  resources: Record<string, string[]> | null
}

export interface LxdConnection {
  /** who is spoken to, for messages: the host's name in Strata */
  readonly label: string
  /** a sync call's metadata, or an async call's operation (not yet waited for) */
  call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<{ metadata: T; operation: string | null }>
  /** GET's metadata */
  get<T>(path: string, signal?: AbortSignal): Promise<T>
  /** waits for an operation to end, reporting its metadata while it runs; aborting cancels it where LXD can */
  wait(operation: string, opts?: { signal?: AbortSignal; onUpdate?: (op: LxdOperation) => void }): Promise<LxdOperation>
  /**
   * LXD's events of these types (`operation`, `lifecycle`) in these projects, every project's
   * for 'all', until the stream ends; rejects with why it cannot be opened, in LXD's words
   */
  events(types: string[], projects: string[] | 'all', onEvent: (event: LxdEvent) => void): Promise<LxdEventStream>
}

const TIMEOUT_MS = 30_000
/** how often an operation followed through events is also read, in case its events are not seen here */
// An operation that ends between the stream's opening and LXD's listening on it sends no event
// here (seen under load: a copy waited forever), and LXD forgets an ended operation after about
// 5 s: so it is also read every second, and one LXD no longer knows is an error, not a wait.
const RECHECK_MS = 1_000
const ENDED = new Set(['Success', 'Failure', 'Cancelled'])

export function lxdConnection(label: string, endpoint: LxdEndpoint): LxdConnection {
  const lxd = say('lxd-on', { host: label, where: endpoint.kind === 'unix' ? endpoint.socket : `https://${endpoint.host}:${endpoint.port}` })

  function send(method: string, path: string, body: unknown, signal?: AbortSignal, timeoutMs = TIMEOUT_MS): Promise<Envelope> {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body))
    const headers: Record<string, string | number> = { Accept: 'application/json', Host: 'lxd' }
    if (data) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': data.length })
    const options: RequestOptions = { method, path, headers, signal, timeout: timeoutMs }
    return new Promise((resolve, reject) => {
      const onResponse = (res: IncomingMessage): void => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Envelope)
          } catch {
            reject(failed(say('lxd-not-json', { lxd, request: `${method} ${path}`, status: res.statusCode ?? '?' }), { subject: label }))
          }
        })
      }
      const req = lxdRequest(endpoint, options, onResponse)
      req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)))
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (signal?.aborted) return reject(cancelled('cancelled; nothing more was asked of LXD.', { cause: err }))
        reject(connectionFailure(lxd, label, endpoint, err))
      })
      req.end(data)
    })
  }

  function unwrap<T>(env: Envelope, method: string, path: string): { metadata: T; operation: string | null } {
    if (env.type === 'error') throw lxdError(lxd, label, env, `${method} ${path}`)
    return { metadata: env.metadata as T, operation: env.type === 'async' ? env.operation : null }
  }

  const conn: LxdConnection = {
    label,
    async call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal) {
      return unwrap<T>(await send(method, path, body, signal), method, path)
    },
    async get<T>(path: string, signal?: AbortSignal) {
      return (await conn.call<T>('GET', path, undefined, signal)).metadata
    },
    async wait(operation, opts = {}) {
      const { signal, onUpdate } = opts
      let cancelAsked = false
      const onAbort = (): void => {
        cancelAsked = true
        // LXD cancels what it can (a transfer); what it cannot, the caller undoes after it ends.
        void send('DELETE', operation, undefined).catch(() => undefined)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      try {
        // The events stream where it opens; where it does not (a proxy in front of LXD that passes
        // no websockets, a server that refuses the stream) or once it dropped, the operation is polled.
        const op = (await followByEvents(operation, onUpdate)) ?? (await poll(operation, onUpdate))
        if (op.status === 'Success') return op
        if (op.status === 'Cancelled' || (cancelAsked && /cancel/i.test(op.err))) throw cancelled(op.err ? say('lxd-op-cancelled', { host: label, error: op.err }) : say('lxd-op-stopped', { host: label }))
        throw failed(op.err ? say('lxd-op-failed', { lxd, error: op.err }) : say('lxd-op-failed-silent', { lxd }), { subject: label })
      } finally {
        signal?.removeEventListener('abort', onAbort)
      }
    },
    events(types, projects, onEvent) {
      const scope = projects === 'all' || projects.length !== 1 ? 'all-projects=true' : `project=${encodeURIComponent(projects[0]!)}`
      const path = `/1.0/events?type=${types.join(',')}&${scope}`
      const target =
        endpoint.kind === 'unix'
          ? { url: `ws+unix://${endpoint.socket}:${path}`, options: {} }
          : { url: `wss://${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}${path}`, options: tlsOptions(endpoint) }
      const fail = (why: EventsOpenFailure): Error =>
        'cause' in why
          ? connectionFailure(lxd, label, endpoint, why.cause)
          : lxdError(lxd, label, { error: why.envelope?.error ?? `HTTP ${why.status}`, error_code: why.envelope?.error_code ?? why.status }, 'GET /1.0/events')
      return openEventStream(target, onEvent, fail, TIMEOUT_MS)
    }
  }

  async function current(operation: string): Promise<LxdOperation> {
    return unwrap<LxdOperation>(await send('GET', operation, undefined), 'GET', operation).metadata
  }

  /**
   * An operation followed through the events stream: each change of its state and progress words
   * as LXD sends it, to its end. Null when the stream cannot be opened or ends first.
   */
  async function followByEvents(operation: string, onUpdate?: (op: LxdOperation) => void): Promise<LxdOperation | null> {
    const id = operation.split('?')[0]!.split('/').pop()
    let settled = false
    let settle!: (op: LxdOperation | null) => void
    let lost!: (err: Error) => void
    const end = new Promise<LxdOperation | null>((resolve, reject) => {
      settle = resolve
      lost = reject
    })
    const seen = (op: LxdOperation): void => {
      if (settled) return
      onUpdate?.(op)
      if (ENDED.has(op.status)) {
        settled = true
        settle(op)
      }
    }
    let stream: LxdEventStream
    try {
      stream = await conn.events(['operation'], 'all', (e) => {
        if ((e.metadata as Partial<LxdOperation>).id === id) seen(e.metadata as unknown as LxdOperation)
      })
    } catch {
      return null
    }
    void stream.ended.then(() => {
      settled = true
      settle(null)
    })
    // LXD replays nothing: the operation as it is now, in case it moved before the stream opened;
    // and again now and then, in case its events do not come here (another cluster member's).
    const forgotten = (err: unknown): void => {
      if (settled || !isStrataError(err) || err.rule !== 'lxd-not-found') return // a passing failure: read again next time
      settled = true
      lost(failed(say('lxd-op-lost', { lxd, id: id ?? operation }), { subject: label }))
    }
    const recheck = setInterval(() => void current(operation).then(seen, forgotten), RECHECK_MS)
    try {
      seen(await current(operation))
      return await end
    } finally {
      clearInterval(recheck)
      stream.close()
    }
  }

  /** The fallback: long-polls a second at a time, so progress is still seen while the operation runs. */
  async function poll(operation: string, onUpdate?: (op: LxdOperation) => void): Promise<LxdOperation> {
    for (;;) {
      const env = await send('GET', `${operation}/wait?timeout=1`, undefined, undefined, TIMEOUT_MS + 5_000)
      const op = unwrap<LxdOperation>(env, 'GET', operation).metadata
      onUpdate?.(op)
      if (ENDED.has(op.status)) return op
    }
  }
  return conn
}

/** TLS for an HTTPS endpoint: Strata's client certificate, and the pinned server certificate as the only one trusted. */
function tlsOptions(endpoint: Extract<LxdEndpoint, { kind: 'https' }>) {
  return {
    cert: endpoint.clientCert,
    key: endpoint.clientKey,
    ca: endpoint.serverCert ? [endpoint.serverCert] : undefined,
    rejectUnauthorized: true,
    // LXD's self-signed names never match a host name: the pinned certificate is what is checked.
    checkServerIdentity: (_host: string, cert: PeerCertificate) => (cert.raw ? undefined : new Error('no certificate'))
  }
}

/** One HTTP request to LXD's endpoint, as every call makes it; a copy (lxd-import.ts, lxd-export.ts) streams its body or its answer. */
export function lxdRequest(endpoint: LxdEndpoint, options: RequestOptions, onResponse: (res: IncomingMessage) => void): ClientRequest {
  return endpoint.kind === 'unix'
    ? httpRequest({ ...options, socketPath: endpoint.socket }, onResponse)
    : httpsRequest({ ...options, host: endpoint.host, port: endpoint.port, ...tlsOptions(endpoint) }, onResponse)
}

/** LXD's error envelope of a failed transfer request, in LXD's words (or the HTTP status). */
export function lxdErrorWords(body: string, status: number | undefined): string {
  try {
    const env = JSON.parse(body) as Partial<Envelope>
    if (env.error) return env.error
  } catch {
    // not LXD's JSON
  }
  return `HTTP ${status ?? '?'}`
}

/** LXD's error, with its own words, as the error kind that says what the user can do. */
function lxdError(lxd: Said, label: string, env: Pick<Envelope, 'error' | 'error_code'>, what: string) {
  const words = env.error || `error ${env.error_code}`
  const message = say('lxd-refused-request', { lxd, what, words })
  if (env.error_code === 404) return notFound(message, label, 'lxd-not-found')
  if (env.error_code === 403) return permissionDenied(say('lxd-untrusted-client', { lxd, words }), { subject: label, rule: 'lxd-untrusted' })
  return refused('lxd-refused', message, label)
}

function connectionFailure(lxd: Said, label: string, endpoint: LxdEndpoint, err: NodeJS.ErrnoException) {
  const code = err.code ?? ''
  if (endpoint.kind === 'unix' && (code === 'ENOENT' || code === 'ECONNREFUSED'))
    return unavailable('lxd-not-running', say('lxd-not-running', { lxd, socket: endpoint.socket, code }), { subject: label, cause: err })
  if (endpoint.kind === 'unix' && code === 'EACCES')
    return permissionDenied(say('lxd-socket-permission', { lxd, socket: endpoint.socket }), { subject: label, rule: 'lxd-socket-permission', cause: err })
  if (/certificate|self.signed|CERT_|ERR_TLS/i.test(`${code} ${err.message}`))
    return refused(
      'lxd-certificate-changed',
      say('lxd-certificate-changed', { lxd, error: err.message, host: label }),
      label
    )
  return unavailable('lxd-unreachable', say('lxd-unreachable', { lxd, error: err.message }), { subject: label, cause: err })
}
