// The lineage as the engine holds it: every record the scans found (containers, snapshots, hidden
// ones) and who depends on whom. graph.ts builds it, integrity.ts and usage read it: the one
// shape they share, below both.
import type { ContainerRef, LineageGraph } from '@shared/model'
import { isHiddenName } from '@shared/names'
import type { ContainerRecord } from '../container'
import { refKey } from './bookkeeping'
import type { LxcpathScan } from './scan'

export interface RecordEntry {
  record: ContainerRecord
  kind: 'container' | 'snapshot'
  /** for a snapshot, the container it is a snapshot of */
  owner: ContainerRef | null
  /** a hidden container (name starting with `.`), or a snapshot of one */
  hidden: boolean
}

export interface Lineage {
  readonly graph: LineageGraph
  /** what the container depends on: lxc_rdepends order first (base first), then lower owners; nearest last */
  dependsOn(ref: ContainerRef): ContainerRef[]
  dependents(ref: ContainerRef): ContainerRef[]
  entries: Map<string, RecordEntry>
  /** the owner of each overlay/aufs record's lowers, by record key */
  lowerOwners: Map<string, ContainerRef[]>
}

export function collectEntries(scans: readonly LxcpathScan[]): Map<string, RecordEntry> {
  const entries = new Map<string, RecordEntry>()
  for (const scan of scans) {
    for (const c of scan.containers) {
      const hidden = isHiddenName(c.record.ref.name)
      entries.set(refKey(c.record.ref), { record: c.record, kind: 'container', owner: null, hidden })
      for (const s of c.snapshots) {
        entries.set(refKey(s.record.ref), { record: s.record, kind: 'snapshot', owner: c.record.ref, hidden })
      }
    }
  }
  return entries
}
