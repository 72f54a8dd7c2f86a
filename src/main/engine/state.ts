// Container states, asking LXC once per lxcpath rather than once per container.
// A container is active exactly when its command socket is bound (that is how lxc-ls and
// lxc-info decide STOPPED too), and the kernel lists every bound abstract socket in
// /proc/net/unix. So one read tells which lxcpaths have active containers, and only for those
// does Strata ask LXC (`lxc-ls --active`) for the precise state (running, frozen, ...).
import { readFileSync } from 'node:fs'
import type { ContainerState } from '@shared/model'
import { run } from './tools'

const STATES = new Set<ContainerState>([
  'stopped',
  'starting',
  'running',
  'stopping',
  'aborting',
  'freezing',
  'frozen',
  'thawed'
])

/**
 * The sets of sockets read since the state watcher last took them (state-watch.ts): a listing
 * that saw a container running between two of its polls showed a state the watcher never saw,
 * and the watcher must then report that lxcpath again, or the list keeps that state.
 */
let readsSince: Set<string>[] = []
const KEPT_READS = 64

/** The socket sets read since the last call, for the state watcher. */
export function takeSocketReads(): Set<string>[] {
  const reads = readsSince
  readsSince = []
  return reads
}

/** Bound abstract unix socket names that end in `/command` (LXC's per-container command socket). */
export function commandSockets(procNetUnix = '/proc/net/unix'): Set<string> | null {
  let text: string
  try {
    text = readFileSync(procNetUnix, 'latin1')
  } catch {
    return null
  }
  const found = new Set<string>()
  for (const line of text.split('\n')) {
    const at = line.indexOf(' @')
    if (at < 0 || !line.endsWith('/command')) continue
    found.add(line.slice(at + 2))
  }
  if (readsSince.length < KEPT_READS) readsSince.push(found)
  return found
}

/** FNV-1a 64, which LXC uses to shorten socket names that do not fit in sun_path. */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n
  for (const byte of Buffer.from(text)) {
    hash ^= BigInt(byte)
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn
  }
  return hash.toString(16).padStart(16, '0')
}

/** The abstract socket name LXC binds for a running container (commands_utils.c). */
export function commandSocketName(lxcpath: string, name: string): string[] {
  // The hashed form is used when `<lxcpath>/<name>/command` does not fit in sun_path (108 bytes).
  return [`${lxcpath}/${name}/command`, `lxc/${fnv1a64(`${lxcpath}/${name}`)}/command`]
}

/** Parses `lxc-ls -f -F NAME,STATE` output: the state is the last column, the name the rest. */
export function parseLxcLsStates(stdout: string): Map<string, ContainerState> {
  const states = new Map<string, ContainerState>()
  const lines = stdout.split('\n')
  for (const line of lines.slice(1)) {
    const m = /^(.*?)\s+(\S+)\s*$/.exec(line)
    if (!m) continue
    const state = m[2]!.toLowerCase() as ContainerState
    states.set(m[1]!, STATES.has(state) ? state : 'unknown')
  }
  return states
}

/**
 * The state of each named container of one lxcpath. Containers without a bound command socket
 * are stopped; LXC is asked (once) only when some are active.
 */
export async function readStates(
  lxcpath: string,
  names: readonly string[],
  sockets: Set<string> | null = commandSockets()
): Promise<Map<string, ContainerState>> {
  const states = new Map<string, ContainerState>()
  const active: string[] = []
  const anyHashed = sockets === null || [...sockets].some((s) => s.startsWith('lxc/'))
  for (const name of names) {
    const bound =
      sockets === null ||
      sockets.has(`${lxcpath}/${name}/command`) ||
      (anyHashed && commandSocketName(lxcpath, name).some((s) => sockets.has(s)))
    if (bound) active.push(name)
    else states.set(name, 'stopped')
  }
  if (active.length === 0) return states
  try {
    const result = await run('lxc-ls', ['-P', lxcpath, '--active', '-f', '-F', 'NAME,STATE'], { timeoutMs: 15_000 })
    const reported = parseLxcLsStates(String(result.stdout))
    for (const name of active) states.set(name, reported.get(name) ?? 'stopped')
  } catch {
    for (const name of active) states.set(name, 'unknown')
  }
  return states
}
