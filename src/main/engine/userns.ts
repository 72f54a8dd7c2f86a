// The user namespace a non-root user's work on their unprivileged containers runs in, as LXC
// runs its own for them (identity.ts says why): the id map is the container's own lxc.idmap
// lines (includes expanded), else those of the user's default config (lxc.default_config,
// ~/.config/lxc/default.conf) for a container not made yet; the user's own uid and gid are
// mapped right above it, so that their files (configs, bookkeeping) stay theirs. lxc-usernsexec
// sets the map up through the setuid newuidmap/newgidmap from Debian's uidmap package. The CLI
// (cli/userns.ts) and the app's namespaced engine (main/userns-engine.ts) both start it from here.
import { existsSync, readFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { refused, unavailable } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'
import { expandConfigFile } from './config/expand'
import { idMap, type IdMapEntry } from './config/idmap'
import { readGlobalConfig } from './global-config'
import { which } from './drivers/probe'

type UidGidEntry = IdMapEntry & { kind: 'u' | 'g' }

export interface UsernsMap {
  /** the config file the map comes from, for messages */
  source: string
  /** lxc-usernsexec's `-m` values: the container's map, then the user's own ids above it */
  maps: string[]
  /** the user's uid and gid inside the namespace (STRATA_USERNS_OWNER) */
  owner: number
}

/** The u and g lines of a config's id map (includes expanded), as lxc-usernsexec takes them. */
export function idMapOfFile(file: string): UidGidEntry[] {
  if (!existsSync(file)) return []
  return idMap(expandConfigFile(file).entries).filter((e): e is UidGidEntry => e.kind !== 'b')
}

/** The config whose id map a container's namespace uses: its own when it has one, else the user's default config. */
export function idMapSource(container?: { lxcpath: string; name: string }): string {
  if (container) {
    const own = join(container.lxcpath, container.name, 'config')
    if (idMapOfFile(own).length > 0) return own
  }
  return readGlobalConfig().defaultConfig
}

/** Why `entry` is not among the user's subordinate ids (/etc/subuid, /etc/subgid), or null. */
function subordinateProblem(source: string, entry: IdMapEntry, user: { username: string; uid: number }): Said | null {
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
  return say('subordinate-ids', {
    source,
    line: `${entry.kind} ${entry.nsid} ${entry.hostid} ${entry.count}`,
    ids: entry.kind === 'u' ? 'uids' : 'gids',
    first: entry.hostid,
    last: entry.hostid + entry.count - 1,
    file,
    user: user.username,
    theirs: ranges.length === 0 ? say('subordinate-none') : say('subordinate-theirs', { ranges: ranges.map((r) => `${r.start}-${r.start + r.count - 1}`).join(', ') })
  })
}

/**
 * The namespace for work on `container` (or, without one, a container made from the user's
 * default config); null when there is no id map (then there is nothing to map). Refuses a map
 * the user's subordinate ranges do not cover, and names a missing tool's package.
 */
export function usernsMapFor(container?: { lxcpath: string; name: string }): UsernsMap | null {
  const source = idMapSource(container)
  const map = idMapOfFile(source)
  if (map.length === 0) return null
  const user = userInfo()
  for (const entry of map) {
    const problem = subordinateProblem(source, entry, { username: user.username, uid: user.uid })
    if (problem) throw refused('subordinate-ids', problem, source)
  }
  for (const [tool, pkg] of [['lxc-usernsexec', 'lxc'], ['newuidmap', 'uidmap'], ['newgidmap', 'uidmap']] as const)
    if (!which(tool)) throw unavailable('userns-tool', say('userns-tool-missing', { tool, package: pkg }))
  // the user's own ids go right above the map, where nothing of the container's lies
  const owner = Math.max(...map.map((e) => e.nsid + e.count))
  const maps = [...map.map((e) => `${e.kind}:${e.nsid}:${e.hostid}:${e.count}`), `u:${owner}:${user.uid}:1`, `g:${owner}:${process.getgid?.() ?? user.gid}:1`]
  return { source, maps, owner }
}

/** lxc-usernsexec's command line running `argv` in the namespace, with STRATA_USERNS_OWNER set there. */
export function usernsCommand(ns: UsernsMap, argv: string[]): { file: string; args: string[] } {
  return { file: 'lxc-usernsexec', args: [...ns.maps.flatMap((m) => ['-m', m]), '--', '/usr/bin/env', `STRATA_USERNS_OWNER=${ns.owner}`, ...argv] }
}
