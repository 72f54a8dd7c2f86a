// The browser-mode API socket opened before the client exists: the renderer's boot script
// (src/renderer/src/boot.ts) opens it and sends the first view's calls while the page's scripts
// load; the client (ws-client.ts) takes it over with what it has received so far. Imports
// types only: the boot script is built from this file alone.
import type { Method, WsRequest } from './api'

/** The part of WebSocket we use; both the DOM's and the `ws` package's fit. */
export interface WsLike {
  readonly readyState: number
  send(data: string): void
  close(): void
  onopen: ((ev: unknown) => void) | null
  onclose: ((ev: unknown) => void) | null
  onerror: ((ev: unknown) => void) | null
  onmessage: ((ev: { data: unknown }) => void) | null
}

/** What the early socket needs beyond WsLike: listening without taking the client's handlers. */
export interface EarlyWsLike extends WsLike {
  addEventListener(type: 'open' | 'message', cb: (ev: { data: unknown }) => void): void
  removeEventListener(type: 'message', cb: (ev: { data: unknown }) => void): void
}

/** A call as it goes over the socket (shared/api.ts's WsRequest). */
export type EarlyCall = WsRequest

/**
 * A socket opened before the client existed, with the calls already sent on it (ids 1..n) and
 * what it received until the client takes it over.
 */
export interface EarlySocket {
  socket: WsLike
  calls: EarlyCall[]
  /** stops the opener's own listening and hands over the messages received so far */
  takeOver(): unknown[]
}

const OPEN = 1

/** The API's socket URL for a page at `location` (its `token` query parameter passed on). */
export function rpcUrl(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token') ?? ''
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/rpc?token=${encodeURIComponent(token)}`
}

/** Opens the socket and sends `calls` (numbered from 1) once it is open. */
export function openEarlySocket<S extends EarlyWsLike>(socket: S, calls: readonly { method: Method; params: unknown }[]): EarlySocket & { socket: S } {
  const numbered: EarlyCall[] = calls.map((c, i) => ({ id: i + 1, method: c.method, params: c.params }))
  const received: unknown[] = []
  const keep = (ev: { data: unknown }): void => void received.push(ev.data)
  const send = (): void => {
    for (const c of numbered) socket.send(JSON.stringify(c))
  }
  socket.addEventListener('message', keep)
  if (socket.readyState === OPEN) send()
  else socket.addEventListener('open', send)
  return {
    socket,
    calls: numbered,
    takeOver() {
      socket.removeEventListener('message', keep)
      return received.splice(0)
    }
  }
}
