// LXD's events stream: `GET /1.0/events` upgraded to a websocket, over the unix socket or over
// HTTPS with the same client certificate and pinned server certificate as every other call. Each
// message is one event in JSON: `operation` (an operation's state and progress words, each time
// they change) or `lifecycle` (an instance created, started, stopped, deleted, snapshotted...).
// The stream ends when LXD stops or the connection drops; its owner decides whether to open it
// again. LXD replays nothing: what happened while no stream was open is read with a GET.
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

export interface LxdEventStream {
  /** settles when the stream ended, whichever side ended it */
  readonly ended: Promise<void>
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
    const ended = new Promise<void>((end) => ws.once('close', () => end()))
    ws.on('message', (data) => {
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
      resolve({ ended, close: () => ws.terminate() })
    })
  })
}
