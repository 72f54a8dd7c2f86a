// Changes made on an LXD host outside Strata (`lxc launch`, `lxc stop`, `lxc delete` with LXD's own
// client, another tool on its API), as the lxcpath (project) they happened in, from LXD's events
// stream: its lifecycle events (instance created, started, stopped, deleted, renamed, snapshot
// created...) and the end of each operation on an instance (LXD 5.0 sends `instance-created` when
// the instance is recorded, before its volume is filled, and no lifecycle event for a failed
// freeze or start: the operation's end says the state settled). A stream that drops (LXD
// restarted, the network went away) is opened again by the hub; after a reconnect every lxcpath
// is reported, since LXD replays nothing that happened meanwhile.
import type { LxdEventHub } from './lxd-event-hub'
import type { LxdEvent } from './lxd-events'

/** Lifecycle actions that change what a listing shows (not console, exec, file or log access). */
const LISTED = /^instance-(created|deleted|renamed|updated|started|stopped|shutdown|restarted|paused|resumed|restored|snapshot-[a-z]+)$/
const ENDED = new Set(['Success', 'Failure', 'Cancelled'])

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
 * Reports each change in the given projects as `onChange(project)` until the signal aborts, from
 * the host's one events stream (lxd-event-hub.ts). Resolves then; never rejects (an unreachable
 * LXD is retried by the hub).
 */
export async function watchLxdChanges(hub: LxdEventHub, projects: string[], signal: AbortSignal, onChange: (project: string) => void): Promise<void> {
  if (signal.aborted) return
  const stop = hub.listen({
    onEvent(event) {
      const project = changedProject(event)
      if (project !== null && projects.includes(project)) onChange(project)
    },
    // anything may have changed while no stream was open
    onOpen(first) {
      if (!first) for (const p of projects) onChange(p)
    }
  })
  await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
  stop()
}
