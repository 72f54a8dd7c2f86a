// Live container states: LXC changes none of the files in an lxcpath (or in /run/lxc/lock) when
// a container starts, stops or freezes, so inotify cannot see `lxc-start` in a terminal. Two
// cheap kernel reads can: /proc/net/unix lists the command socket every active container
// binds (engine/state.ts), and the freezer cgroups LXC makes (`lxc.payload.<name>`) say frozen
// or thawed. A poll compares them with the last poll and reports the lxcpaths whose active
// containers changed, and every lxcpath with an active container when a freezer changed (LXC
// is asked for the precise states only then, by the refresh that follows).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { commandSockets, takeSocketReads } from './engine/state'

/** Fast enough that a state is on screen within a second; each poll costs about a tenth of a millisecond. */
export const STATE_POLL_MS = 300

/**
 * How long an lxcpath is reported again on every poll after a change: what these reads see
 * first is often a passing state (a socket bound while LXC says STARTING, a freezer FREEZING
 * while lxc-freeze retries), and the state it settles in changes neither. A listing asked then
 * would show `starting` or `freezing` for good.
 */
export const SETTLE_MS = 2000

/** Where LXC puts its payload cgroups: cgroup v1's freezer hierarchy, or the v2 (or hybrid v2) root. */
const FREEZERS: readonly { dir: string; file: string }[] = [
  { dir: '/sys/fs/cgroup/freezer', file: 'freezer.state' },
  { dir: '/sys/fs/cgroup/unified', file: 'cgroup.events' },
  { dir: '/sys/fs/cgroup', file: 'cgroup.events' }
]

/** `lxc.payload.<name>` -> its freezer state, as one string to compare. */
export function freezerFingerprint(): string {
  const parts: string[] = []
  for (const { dir, file } of FREEZERS) {
    let names: string[]
    try {
      names = readdirSync(dir).filter((n) => n.startsWith('lxc.payload.'))
    } catch {
      continue
    }
    for (const n of names) {
      try {
        const text = readFileSync(join(dir, n, file), 'latin1')
        // cgroup.events also says `populated`; only `frozen` is about the freezer
        parts.push(`${n}=${file === 'cgroup.events' ? (/frozen (\d)/.exec(text)?.[1] ?? '') : text.trim()}`)
      } catch {
        /* gone meanwhile */
      }
    }
  }
  return parts.sort().join(',')
}

/** The command sockets of containers under each lxcpath (a socket is named after its lxcpath and name). */
export function activeByLxcpath(lxcpaths: readonly string[], sockets: Set<string> | null): Map<string, string> {
  const out = new Map<string, string>()
  const all = [...(sockets ?? [])]
  for (const p of lxcpaths) {
    // Hashed names (long paths) cannot be mapped back without the container's name: they count for every lxcpath.
    out.set(p, all.filter((s) => s.startsWith(`${p}/`) || s.startsWith('lxc/')).sort().join('\n'))
  }
  return out
}

export class StateWatcher {
  private timer: NodeJS.Timeout
  private active: Map<string, string>
  private freezers: string
  /** lxcpath -> when its last change was seen (ms), while within SETTLE_MS of it */
  private settling = new Map<string, number>()

  constructor(
    private readonly lxcpaths: readonly string[],
    private readonly onChange: (lxcpath: string) => void,
    intervalMs = STATE_POLL_MS
  ) {
    this.active = activeByLxcpath(lxcpaths, commandSockets())
    this.freezers = freezerFingerprint()
    this.timer = setInterval(() => this.poll(), intervalMs)
    this.timer.unref()
  }

  /** One comparison with the last poll; exported for the benchmark's cost figure. */
  poll(): void {
    // What listings in this process read since the last poll: a container that started and
    // stopped between two polls, seen running by a listing meanwhile, changes nothing this poll
    // compares, yet the list shows it running until the lxcpath is reported.
    const between = takeSocketReads()
    const active = activeByLxcpath(this.lxcpaths, commandSockets())
    const freezers = freezerFingerprint()
    const changed = new Set<string>()
    for (const p of this.lxcpaths) if (active.get(p) !== this.active.get(p)) changed.add(p)
    for (const read of between) {
      const seen = activeByLxcpath(this.lxcpaths, read)
      for (const p of this.lxcpaths) if (seen.get(p) !== this.active.get(p)) changed.add(p)
    }
    if (freezers !== this.freezers) for (const p of this.lxcpaths) if (active.get(p)) changed.add(p)
    this.active = active
    this.freezers = freezers
    const now = Date.now()
    for (const p of changed) this.settling.set(p, now)
    for (const [p, since] of this.settling) {
      if (now - since > SETTLE_MS) this.settling.delete(p)
      else changed.add(p)
    }
    for (const p of changed) this.onChange(p)
  }

  close(): void {
    clearInterval(this.timer)
  }
}

