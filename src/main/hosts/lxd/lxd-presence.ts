// Whether an LXD host can be reached, as its events stream tells it (the host's one stream,
// lxd-event-hub.ts): LXD's API has no standing connection, so without this a stopped daemon, a
// removed socket or a dropped network would show only when a call failed. A failure to open the
// stream, or a stream whose peer stopped answering its pings (a hung daemon, a network that
// drops packets), is the host lost, with the reason in LXD's (or the socket's) words; the hub
// retries every second after that, and the first stream that opens again is the host back.
import type { LxdEventHub } from './lxd-event-hub'

export interface PresenceListener {
  /** the host cannot be reached: why */
  onLost(err: unknown): void
  /** it can be reached again after onLost */
  onBack(): void
}

/** Watches until the signal aborts, starting from what the engine's connect found. */
export function watchLxdPresence(hub: LxdEventHub, signal: AbortSignal, listener: PresenceListener, reachableAtStart: boolean): void {
  if (signal.aborted) return
  let reachable = reachableAtStart
  const stop = hub.listen({
    onOpen() {
      if (!reachable) listener.onBack()
      reachable = true
    },
    onLost(err) {
      if (reachable) listener.onLost(err)
      reachable = false
    }
  })
  signal.addEventListener('abort', stop, { once: true })
}
