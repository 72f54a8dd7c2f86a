// One LXD events stream per host, shared by everything that listens to it: the host's presence
// (lxd-presence.ts: lost when the stream cannot be opened or its peer stops answering the pings,
// back when it opens again) and the watches of changes made outside Strata (lxd-watch.ts). The
// stream carries lifecycle and operation events of every project; each listener takes what it
// wants. It is open while someone listens: reopened at once when it ends, retried every second
// while it cannot be opened, closed when the last listener leaves or the engine closes.
import type { LxdConnection } from './lxd-connection'
import type { LxdEvent } from './lxd-events'

const RETRY_MS = 1_000
/** a pause after a stream ended, so that a server closing each stream at once is not asked in a tight loop */
const REOPEN_MS = 100

export interface HubListener {
  onEvent?(event: LxdEvent): void
  /** the stream is open: the first time this listener sees it open (`first`), or again after it ended */
  onOpen?(first: boolean): void
  /** the stream could not be opened, or its peer stopped answering: why */
  onLost?(err: unknown): void
}

export class LxdEventHub {
  private readonly listeners = new Map<HubListener, { seenOpen: boolean }>()
  /** the stream's current run: ended when the last listener leaves; whether its stream is open now */
  private current: { stop: AbortController; open: boolean } | null = null

  constructor(
    private readonly api: LxdConnection,
    private readonly closing: AbortSignal
  ) {}

  /** Listens until the returned function is called; opens the stream for the first listener. */
  listen(listener: HubListener): () => void {
    this.listeners.set(listener, { seenOpen: false })
    if (this.current?.open) this.opened(listener)
    if (!this.current && !this.closing.aborted) void this.run((this.current = { stop: new AbortController(), open: false }))
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return
      this.current?.stop.abort()
      this.current = null
    }
  }

  private opened(listener: HubListener): void {
    const state = this.listeners.get(listener)
    if (!state) return
    const first = !state.seenOpen
    state.seenOpen = true
    listener.onOpen?.(first)
  }

  private lost(err: unknown): void {
    for (const l of [...this.listeners.keys()]) l.onLost?.(err)
  }

  private async run(run: { stop: AbortController; open: boolean }): Promise<void> {
    const signal = AbortSignal.any([run.stop.signal, this.closing])
    while (!signal.aborted) {
      try {
        const stream = await this.api.events(['lifecycle', 'operation'], 'all', (event) => {
          for (const l of [...this.listeners.keys()]) l.onEvent?.(event)
        })
        const close = (): void => stream.close()
        signal.addEventListener('abort', close, { once: true })
        if (signal.aborted) close()
        run.open = true
        for (const l of [...this.listeners.keys()]) this.opened(l)
        const silent = await stream.ended
        run.open = false
        signal.removeEventListener('abort', close)
        // a peer that stopped answering is lost now, not after the next open times out
        if (silent && !signal.aborted) this.lost(silent)
        // ended: opened again at once, so a dropped connection to a running LXD changes nothing
        await pause(REOPEN_MS, signal)
        continue
      } catch (err) {
        if (signal.aborted) break
        this.lost(err)
      }
      await pause(RETRY_MS, signal)
    }
    run.open = false
  }
}

/** Waits ms, or less when the signal aborts. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
