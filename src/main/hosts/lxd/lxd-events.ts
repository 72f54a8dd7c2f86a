// LXD's events stream: `GET /1.0/events` upgraded to a websocket, over the unix socket or over
// HTTPS with the same client certificate and pinned server certificate as every other call. Each
// message is one event in JSON: `operation` (an operation's state and progress words, each time
// they change) or `lifecycle` (an instance created, started, stopped, deleted, snapshotted...).
// The stream ends when LXD stops or the connection drops; its owner decides whether to open it
// again. LXD replays nothing: what happened while no stream was open is read with a GET. A peer
// that goes silent without closing (a hung daemon, a network that drops packets) would keep the
// stream open forever: it is pinged, and one that has not answered by the next ping ends it.
import type { ClientRequest, IncomingMessage } from 'node:http'
import type { ConnectionOptions } from 'node:tls'
import WebSocket, { type ClientOptions } from 'ws'

export interface LxdEvent {
  type: 'operation' | 'lifecycle' | 'logging'
  timestamp: string
  /** the project it happened in (LXD 5.0 and later) */
  project?: string
  /** the cluster member it happened on, `none` outside a cluster */
  location?: string
  metadata: Record<string, unknown>
}

/** how often an open stream is pinged; a peer that has not answered by the next ping is gone */
const KEEPALIVE_MS = 5_000

export interface LxdEventStream {
  /** settles when the stream ended, whichever side ended it: with why when the peer stopped answering */
  readonly ended: Promise<Error | undefined>
  close(): void
}

/** How the stream is reached: the websocket URL and the TLS options of an HTTPS endpoint. */
export interface EventsTarget {
  url: string
  options: ConnectionOptions
}

/** Why the stream was not opened: LXD answered with an error (its envelope), or the connection failed. */
export type EventsOpenFailure = { status: number; envelope: { error?: string; error_code?: number } | null } | { cause: NodeJS.ErrnoException }

/** Opens the stream, or rejects with the error `fail` makes of why not. Events arrive at onEvent until it ends. */
export function openEventStream(target: EventsTarget, onEvent: (event: LxdEvent) => void, fail: (why: EventsOpenFailure) => Error, timeoutMs: number): Promise<LxdEventStream> {
  return new Promise((resolve, reject) => {
    // ws hands TLS options to Node's https as they are (its typing of checkServerIdentity is not Node's)
    const ws = new WebSocket(target.url, { ...(target.options as ClientOptions), handshakeTimeout: timeoutMs, headers: { Host: 'lxd' } })
    let opened = false
    let silent: Error | undefined
    const ended = new Promise<Error | undefined>((end) => ws.once('close', () => end(silent)))
    let answered = true
    ws.on('pong', () => void (answered = true))
    ws.on('message', (data) => {
      answered = true
      try {
        onEvent(JSON.parse(String(data)) as LxdEvent)
      } catch {
        // not an event (LXD sends only JSON events): nothing to report
      }
    })
    ws.on('error', (err: NodeJS.ErrnoException) => {
      if (!opened) reject(fail({ cause: err }))
    })
    ws.once('unexpected-response', (req: ClientRequest, res: IncomingMessage) => {
      const chunks: Buffer[] = []
      // the connection is the refused upgrade's alone: nothing else would close it
      const socket = res.socket
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        let envelope: { error?: string; error_code?: number } | null = null
        try {
          envelope = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof envelope
        } catch {
          // not LXD's JSON: the status says enough
        }
        reject(fail({ status: res.statusCode ?? 0, envelope }))
        socket.destroy()
        req.destroy()
      })
    })
    ws.once('open', () => {
      opened = true
      let pingedAt = 0
      const keepalive = setInterval(() => {
        // late here (this process was busy): a pong may be waiting unread, so judge at the next one
        const late = performance.now() - pingedAt > 1.5 * KEEPALIVE_MS
        if (answered || late) {
          answered = false
          pingedAt = performance.now()
          ws.ping()
          return
        }
        const quiet = Object.assign(new Error(`it answered no ping for ${(2 * KEEPALIVE_MS) / 1000} s`), { code: 'ETIMEDOUT' })
        silent = fail({ cause: quiet })
        ws.terminate()
      }, KEEPALIVE_MS)
      keepalive.unref()
      ws.once('close', () => clearInterval(keepalive))
      resolve({ ended, close: () => ws.terminate() })
    })
  })
}
