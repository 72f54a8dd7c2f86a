// Changes made on an LXD host outside Strata (`lxc launch`, `lxc stop`, `lxc delete` with LXD's own
// client, another tool on its API), as the lxcpath (project) they happened in, from LXD's events
// stream: its lifecycle events (instance created, started, stopped, deleted, renamed, snapshot
// created...) and the end of each operation on an instance (LXD 5.0 sends `instance-created` when
// the instance is recorded, before its volume is filled, and no lifecycle event for a failed
// freeze or start: the operation's end says the state settled). A stream that drops (LXD
// restarted, the network went away) is opened again until the signal aborts; after a reconnect
// every lxcpath is reported, since LXD replays nothing that happened meanwhile.
import type { LxdConnection } from './lxd-connection'
import type { LxdEvent } from './lxd-events'

/** Lifecycle actions that change what a listing shows (not console, exec, file or log access). */
const LISTED = /^instance-(created|deleted|renamed|updated|started|stopped|shutdown|restarted|paused|resumed|restored|snapshot-[a-z]+)$/
const ENDED = new Set(['Success', 'Failure', 'Cancelled'])
const RETRY_FIRST_MS = 250
const RETRY_MAX_MS = 5_000

/** The project an event changed something in, or null when it changed nothing a listing shows. */
export function changedProject(event: LxdEvent): string | null {
  const project = event.project || 'default'
  if (event.type === 'lifecycle') return LISTED.test(String(event.metadata.action ?? '')) ? project : null
  if (event.type === 'operation') {
    const op = event.metadata as { status?: string; resources?: Record<string, string[]> | null }
    return ENDED.has(op.status ?? '') && (op.resources?.instances?.length ?? 0) > 0 ? project : null
  }
  return null
}

/**
 * Reports each change in the given projects as `onChange(project)` until the signal aborts.
 * Resolves then; never rejects (an unreachable LXD is retried, at most every 5 s).
 */
export async function watchLxdChanges(api: LxdConnection, projects: string[], signal: AbortSignal, onChange: (project: string) => void): Promise<void> {
  let retryMs = RETRY_FIRST_MS
  let opened = false
  while (!signal.aborted) {
    try {
      const stream = await api.events(['lifecycle', 'operation'], projects, (event) => {
        const project = changedProject(event)
        if (project !== null && projects.includes(project)) onChange(project)
      })
      const close = (): void => stream.close()
      signal.addEventListener('abort', close, { once: true })
      if (signal.aborted) close()
      // anything may have changed while no stream was open
      if (opened) for (const p of projects) onChange(p)
      opened = true
      retryMs = RETRY_FIRST_MS
      await stream.ended
      signal.removeEventListener('abort', close)
    } catch {
      // LXD cannot be reached now: the host's state says so where a call fails; try again later
    }
    await pause(retryMs, signal)
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS)
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
