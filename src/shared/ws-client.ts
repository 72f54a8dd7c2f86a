// The contract over a WebSocket (browser mode): the same StrataApi the preload gives Electron,
// built from METHODS. Works with the browser's WebSocket and with `ws` under Node (tests).
import { METHODS, type EventName, type Events, type StrataApi, type WsMessage } from './api'
import { fromErrorData, unavailable } from './errors'
import { say } from './engine-text'
import type { EarlySocket, WsLike } from './ws-early'

export type WsCtor = new (url: string) => WsLike
export type { EarlySocket, WsLike } from './ws-early'

const OPEN = 1
const RECONNECT_MS = 1000

const callKey = (method: string, params: unknown): string => `${method} ${JSON.stringify(params ?? {})}`

/** `early`: a socket to use first, whose calls answer the client's first calls of the same method and params. */
export function createWsApi(url: string, Ctor: WsCtor, early?: EarlySocket): StrataApi & { close(): void } {
  let ws: WsLike | null = null
  let nextId = 1
  let closed = false
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const queue: string[] = []
  const listeners = new Map<EventName, Set<(p: never) => void>>()
  // a closed early socket would never report its end: then it is not used at all
  const CLOSED = 3
  let handover = early && early.socket.readyState !== CLOSED ? early : undefined
  const adopted = new Map<string, Promise<unknown>>()
  for (const c of handover?.calls ?? []) {
    const answer = new Promise((resolve, reject) => pending.set(c.id, { resolve, reject }))
    answer.catch(() => undefined) // an answer nobody takes may fail unheard
    adopted.set(callKey(c.method, c.params), answer)
    nextId = Math.max(nextId, c.id + 1)
  }

  const onData = (data: unknown): void => {
    let msg: WsMessage
    try {
      msg = JSON.parse(String(data)) as WsMessage
    } catch {
      return
    }
    if ('event' in msg) {
      // An early answer not taken yet may be older than this change: the call asks again.
      if (msg.event === 'changed') adopted.clear()
      listeners.get(msg.event)?.forEach((cb) => cb(msg.payload as never))
      return
    }
    const p = pending.get(msg.id)
    if (!p) return
    pending.delete(msg.id)
    if ('error' in msg) p.reject(fromErrorData(msg.error))
    else p.resolve(msg.result)
  }

  /** the socket closed: said once, and again when a socket opens (`connection` lost, back) */
  let lost = false
  const tell = (state: Events['connection']['state']): void => listeners.get('connection')?.forEach((cb) => cb({ state } as never))
  const connect = (): void => {
    const sock = handover?.socket ?? new Ctor(url)
    ws = sock
    sock.onopen = () => {
      for (const m of queue.splice(0)) sock.send(m)
      if (!lost) return
      lost = false
      tell('back')
    }
    sock.onmessage = (ev) => onData(ev.data)
    // a failed connection is told by the close that follows (under Node's ws an unheard error throws)
    sock.onerror = () => undefined
    if (handover) for (const data of handover.takeOver()) onData(data)
    handover = undefined
    sock.onclose = () => {
      for (const p of pending.values()) p.reject(unavailable('connection-closed', say('connection-closed')))
      pending.clear()
      // A server restart should not need a page reload: connect again, and say so both ways.
      if (closed) return
      if (!lost) tell('lost')
      lost = true
      setTimeout(() => !closed && connect(), RECONNECT_MS)
    }
  }
  connect()

  const call = (method: string, params: unknown): Promise<unknown> => {
    // the same question, already asked on the early socket: its answer, once
    const asked = adopted.get(callKey(method, params))
    if (asked) {
      adopted.delete(callKey(method, params))
      return asked
    }
    return new Promise((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve, reject })
      const data = JSON.stringify({ id, method, params: params ?? {} })
      if (ws && ws.readyState === OPEN) ws.send(data)
      else queue.push(data)
    })
  }

  const methods = Object.fromEntries(METHODS.map((m) => [m, (p: unknown) => call(m, p)]))
  return {
    ...(methods as unknown as Omit<StrataApi, 'on'>),
    on<E extends EventName>(event: E, cb: (payload: Events[E]) => void) {
      const set = listeners.get(event) ?? new Set()
      set.add(cb as (p: never) => void)
      listeners.set(event, set)
      return () => void set.delete(cb as (p: never) => void)
    },
    close() {
      closed = true
      ws?.close()
    }
  }
}
