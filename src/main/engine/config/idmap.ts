// A container's id map: the `lxc.idmap = u|g|b NSID HOSTID COUNT` lines in effect (includes
// expanded, an empty value starting over), read once for whoever needs it.
import { effectiveList, type ConfigEntry } from './effective'

import type { IdMapEntry } from '@shared/model'

export type { IdMapEntry }

/** The id map the entries end up with; lines that do not parse are left out (LXC refuses them when it loads the config). */
export function idMap(entries: readonly ConfigEntry[]): IdMapEntry[] {
  const map: IdMapEntry[] = []
  for (const e of effectiveList(entries, 'lxc.idmap')) {
    const f = e.value.trim().split(/\s+/)
    const [nsid, hostid, count] = f.slice(1).map(Number) as [number, number, number]
    if (f.length === 4 && (f[0] === 'u' || f[0] === 'g' || f[0] === 'b') && [nsid, hostid, count].every((n) => Number.isInteger(n) && n >= 0))
      map.push({ kind: f[0], nsid, hostid, count })
  }
  return map
}
