// TEMPORARY stand-in, written on branch `ui` only so the UI has real data before the engine
// lands on main. It will be replaced on merge by the engine's lineage/graph.ts (same signature).
import { join } from 'node:path'
import type { Finding, LineageEdge, LineageGraph, LineageNode } from '../../../shared/model'
import { listContainers, lowerOwner } from '../lxcpath'

const idOf = (lxcpath: string, name: string): string => join(lxcpath, name)

export async function readLineage(lxcpaths: string[]): Promise<LineageGraph> {
  const cs = await listContainers(lxcpaths)
  const nodes: LineageNode[] = []
  const edges: LineageEdge[] = []
  const findings: Finding[] = []
  const ids = new Set(cs.map((c) => idOf(c.lxcpath, c.name)))
  for (const c of cs) {
    const id = idOf(c.lxcpath, c.name)
    nodes.push({ id, kind: 'container', ref: { lxcpath: c.lxcpath, name: c.name }, backend: c.backend, state: c.state })
    if (c.origin) {
      const to = idOf(c.origin.lxcpath, c.origin.name)
      const kind = lowerOwner(c.rootfs) ? 'depends-on-lower' : 'cloned-from'
      if (!ids.has(to)) {
        ids.add(to)
        nodes.push({ id: to, kind: 'missing', ref: c.origin, backend: null, state: 'unknown' })
        findings.push({
          severity: 'error', code: 'origin-missing', subject: { lxcpath: c.lxcpath, name: c.name }, file: c.config,
          message: `origin ${c.origin.name} does not exist in ${c.origin.lxcpath}`
        })
      }
      edges.push({ from: id, to, kind })
    }
    for (const d of c.dependents) {
      if (!cs.some((o) => o.lxcpath === d.lxcpath && o.name === d.name)) {
        findings.push({
          severity: 'warning', code: 'stale-entry', subject: { lxcpath: c.lxcpath, name: c.name },
          file: join(c.lxcpath, c.name, 'lxc_snapshots'),
          message: `lxc_snapshots lists ${d.name}, which does not exist`
        })
      }
    }
    for (const s of c.snapshots) {
      const sid = join(s.snapdir, s.name)
      nodes.push({ id: sid, kind: 'snapshot', ref: { lxcpath: s.snapdir, name: s.name }, backend: s.backend, state: 'stopped' })
      edges.push({ from: sid, to: id, kind: 'snapshot-of' })
    }
  }
  return { nodes, edges, findings }
}
