// A non-root user's write commands on unprivileged containers run inside a user namespace with
// the user's id map, as LXC runs its own work for such a user (engine/identity.ts says why): the
// command runs itself again under lxc-usernsexec, which sets the map up through the setuid
// newuidmap/newgidmap from Debian's uidmap package. The map is the user's default config's
// lxc.idmap lines (lxc.default_config, ~/.config/lxc/default.conf); the user's own uid and gid
// are mapped right above it, so that their files (configs, bookkeeping) stay theirs.
import { spawn } from 'node:child_process'
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { dirname, resolve } from 'node:path'
import { refused, unavailable } from '@shared/errors'
import { expandConfigFile } from '../engine/config/expand'
import { idMap, type IdMapEntry } from '../engine/config/idmap'
import { readGlobalConfig } from '../engine/global-config'
import { usernsOwner } from '../engine/identity'
import { which } from '../engine/drivers/probe'

/** The u and g lines of a config's id map (includes expanded), as lxc-usernsexec takes them. */
function idMapOf(file: string): (IdMapEntry & { kind: 'u' | 'g' })[] {
  if (!existsSync(file)) return []
  return idMap(expandConfigFile(file).entries).filter((e): e is IdMapEntry & { kind: 'u' | 'g' } => e.kind !== 'b')
}

/** The lxcpaths a command line names with -P/-p/--lxcpath (each form getopt takes). */
function namedLxcpaths(args: string[]): string[] {
  const paths: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--') break
    const m = /^(?:-[Pp]|--lxcpath=?)(.*)$/.exec(a)
    if (!m) continue
    const value = m[1] !== '' ? m[1]! : args[++i]
    if (value !== undefined) paths.push(value)
  }
  return paths
}

/** The user may write the lxcpath (or, for one not made yet, the directory it will be made in). */
function writable(path: string): boolean {
  let p = resolve(path)
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p)
  try {
    accessSync(p, constants.W_OK | constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Why `entry` is not among the user's subordinate ids (/etc/subuid, /etc/subgid), or null. */
function subordinateProblem(entry: IdMapEntry, user: { username: string; uid: number }): string | null {
  const file = entry.kind === 'u' ? '/etc/subuid' : '/etc/subgid'
  const ranges = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.split(':'))
        .filter((f) => f.length === 3 && (f[0] === user.username || f[0] === String(user.uid)))
        .map((f) => ({ start: Number(f[1]), count: Number(f[2]) }))
    : []
  const covered = ranges.some((r) => entry.hostid >= r.start && entry.hostid + entry.count <= r.start + r.count)
  if (covered) return null
  return `the id map line \`${entry.kind} ${entry.nsid} ${entry.hostid} ${entry.count}\` maps ${entry.kind === 'u' ? 'uids' : 'gids'} ${entry.hostid}-${entry.hostid + entry.count - 1}, which ${file} does not give ${user.username} (${ranges.length === 0 ? 'it has no range for them' : `theirs: ${ranges.map((r) => `${r.start}-${r.start + r.count - 1}`).join(', ')}`}); add one, e.g. \`usermod --add-subuids ${entry.hostid}-${entry.hostid + entry.count - 1} --add-subgids ${entry.hostid}-${entry.hostid + entry.count - 1} ${user.username}\``
}

/**
 * Runs this writing command again inside the user's namespace when it must be (a non-root
 * user with an id map in their default config); its exit status, or null to run here.
 */
export default async function runInUsernsIfNeeded(command: string, args: string[]): Promise<number | null> {
  if (process.geteuid?.() === 0 || usernsOwner() !== null) return null
  // only for the user's own lxcpaths: one only root may write goes through the root helper instead
  if (namedLxcpaths(args).some((p) => !writable(p))) return null
  const configFile = readGlobalConfig().defaultConfig
  const map = idMapOf(configFile)
  if (map.length === 0) return null
  const user = userInfo()
  for (const entry of map) {
    const problem = subordinateProblem(entry, { username: user.username, uid: user.uid })
    if (problem) throw refused('subordinate-ids', `${configFile}: ${problem}.`, configFile)
  }
  for (const [tool, pkg] of [['lxc-usernsexec', 'lxc'], ['newuidmap', 'uidmap'], ['newgidmap', 'uidmap']] as const)
    if (!which(tool)) throw unavailable('userns-tool', `Unprivileged containers need ${tool} (Debian package ${pkg}) to set up the user namespace LXC uses; it is not installed.`)
  // the user's own ids go right above the map, where nothing of the container's lies
  const owner = Math.max(...map.map((e) => e.nsid + e.count))
  const maps = [...map.map((e) => `${e.kind}:${e.nsid}:${e.hostid}:${e.count}`), `u:${owner}:${user.uid}:1`, `g:${owner}:${process.getgid?.() ?? user.gid}:1`]
  // through sh, which turns a death by signal into 128+N: lxc-usernsexec itself reports such a death as success
  const inner = ['/bin/sh', '-c', '"$@"; exit $?', 'sh', process.execPath, ...process.execArgv, process.argv[1]!, command, ...args]
  const child = spawn('lxc-usernsexec', [...maps.flatMap((m) => ['-m', m]), '--', ...inner], {
    stdio: 'inherit',
    env: { ...process.env, STRATA_USERNS_OWNER: String(owner) }
  })
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2)))
  })
}
