// The sweep at the start of a run (vitest's and Playwright's globalSetup): what an earlier run
// left because it was killed before its cleanup, found in its records (owned.ts) and removed
// only when that run's process is gone. The list below is every kind, in the order they are
// undone: processes first (they hold namespaces, mounts and pools), directories last.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { alive, OWNED_ROOT, type Owned } from './owned'
import { removeAllowedLxcpaths } from '../helper/allow-list'

const run = (cmd: string, ...args: string[]): { ok: boolean; out: string } => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 })
  return { ok: r.status === 0, out: r.stdout ?? '' }
}

const mounted = (path: string): boolean => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === path)

/** How each kind is undone; each checks it is still the thing recorded, and is fine when it is gone already. */
const UNDO: { [K in Owned['kind']]: (r: Extract<Owned, { kind: K }>) => Promise<void> | void } = {
  process: (r) => void (alive(r.pid, r.start) && process.kill(r.pid, 'SIGKILL')),
  netns(r) {
    // its processes (an sshd, a daemon) first: a namespace with processes outlives `ip netns del`
    for (const pid of run('ip', 'netns', 'pids', r.name).out.split('\n').filter(Boolean)) run('kill', '-9', pid)
    run('ip', 'netns', 'del', r.name)
  },
  link: (r) => void run('ip', 'link', 'del', r.name),
  'allowed-lxcpath': (r) => removeAllowedLxcpaths([r.path]),
  zpool(r) {
    // only the pool the dead run made: a pool of the same name made since is another's
    if (run('zfs', 'get', '-Hp', '-o', 'value', 'guid', r.name).out.trim() === r.guid) run('zpool', 'destroy', '-f', r.name)
  },
  mount: (r) => void (mounted(r.path) && run('umount', '-l', r.path)),
  // shared by every run that found it running: stopped only when no pool is left in it
  'zfs-fuse': (r) => void (alive(r.pid, r.start) && run('zpool', 'list', '-H').out.trim() === '' && process.kill(r.pid, 'SIGTERM')),
  dir: (r) => void (r.path.startsWith('/tmp/') && rmSync(r.path, { recursive: true, force: true }))
}

const ORDER: readonly Owned['kind'][] = ['process', 'netns', 'link', 'allowed-lxcpath', 'mount', 'zpool', 'zfs-fuse', 'dir']

/** Removes what dead runs left; returns what it removed, as `kind name` lines (for the run's log). */
export async function sweepDeadRuns(): Promise<string[]> {
  if (!existsSync(OWNED_ROOT)) return []
  const removed: string[] = []
  for (const owner of readdirSync(OWNED_ROOT)) {
    const [pid, start] = owner.split('.')
    if (start && alive(Number(pid), start)) continue
    const dir = join(OWNED_ROOT, owner)
    const records = readdirSync(dir).flatMap((f) => {
      try {
        return [JSON.parse(readFileSync(join(dir, f), 'utf8')) as Owned]
      } catch {
        return []
      }
    })
    for (const kind of ORDER) {
      for (const r of records.filter((x) => x.kind === kind)) {
        await (UNDO[kind] as (r: Owned) => Promise<void> | void)(r)
        removed.push(`${kind} ${'name' in r ? r.name : 'path' in r ? r.path : r.pid}`)
      }
    }
    rmSync(dir, { recursive: true, force: true })
  }
  return removed
}
