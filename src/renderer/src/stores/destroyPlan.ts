// What destroying a container would touch: its dependents, transitively (the subtree in the
// lineage graph), and its own lxc-snapshot snapshots. Pure, for the dialog and for tests.
import type { ContainerInfo, ContainerRef } from '@shared/model'

export interface DestroyPlan {
  /** containers (outside its own snapshots) that depend on it, nearest first, each once */
  dependents: ContainerRef[]
  /** its own lxc-snapshot snapshots, destroyed with it */
  ownSnapshots: number
  /** node ids to highlight: the container and its dependents */
  highlight: string[]
}

const key = (r: ContainerRef): string => `${r.lxcpath}/${r.name}`

export function destroyPlan(c: ContainerInfo, list: ContainerInfo[]): DestroyPlan {
  const byKey = new Map(list.map((x) => [key(x), x]))
  const ownSnaps = `${c.lxcpath}/${c.name}/snaps`
  const isOwnSnapshot = (r: ContainerRef): boolean => r.lxcpath === ownSnaps
  const seen = new Set<string>([key(c)])
  const out: ContainerRef[] = []
  const queue = c.dependents.filter((d) => !isOwnSnapshot(d))
  while (queue.length) {
    const d = queue.shift()!
    if (seen.has(key(d))) continue
    seen.add(key(d))
    out.push(d)
    queue.push(...(byKey.get(key(d))?.dependents ?? []))
  }
  return { dependents: out, ownSnapshots: c.snapshots.length, highlight: [key(c), ...out.map(key)] }
}
