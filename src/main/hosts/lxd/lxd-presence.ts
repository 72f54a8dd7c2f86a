// Whether an LXD host can be reached, as its events stream tells it: LXD's API has no standing
// connection, so without this a stopped daemon, a removed socket or a dropped network would show
// only when a call failed. The stream is kept open; when it ends it is opened again at once, and
// a failure to open it, or a stream whose peer stopped answering its pings (a hung daemon, a
// network that drops packets), is the host lost, with the reason in LXD's (or the socket's) words. It is
// retried every second after that; the first stream that opens again is the host back.
import type { LxdConnection } from './lxd-connection'
import { pause } from './lxd-watch'

const RETRY_MS = 1_000
/** a pause after a stream ended, so that a server closing each stream at once is not asked in a tight loop */
const REOPEN_MS = 100

export interface PresenceListener {
  /** the host cannot be reached: why */
  onLost(err: unknown): void
  /** it can be reached again after onLost */
  onBack(): void
}

/** Watches until the signal aborts, starting from what the engine's connect found; resolves then, never rejects. */
export async function watchLxdPresence(api: LxdConnection, signal: AbortSignal, listener: PresenceListener, reachableAtStart: boolean): Promise<void> {
  let reachable = reachableAtStart
  while (!signal.aborted) {
    try {
      // lifecycle events are few: the stream is kept for its end, not for what it carries
      const stream = await api.events(['lifecycle'], 'all', () => undefined)
      const close = (): void => stream.close()
      signal.addEventListener('abort', close, { once: true })
      if (signal.aborted) close()
      if (!reachable) listener.onBack()
      reachable = true
      const silent = await stream.ended
      signal.removeEventListener('abort', close)
      // a peer that stopped answering is lost now, not after the next open times out
      if (silent && !signal.aborted) {
        listener.onLost(silent)
        reachable = false
      }
      // ended: opened again at once, so a dropped connection to a running LXD changes nothing
      await pause(REOPEN_MS, signal)
      continue
    } catch (err) {
      if (signal.aborted) break
      if (reachable) listener.onLost(err)
      reachable = false
    }
    await pause(RETRY_MS, signal)
  }
}
