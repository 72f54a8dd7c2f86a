// What a scan of one lxcpath holds, as plain data: lxcpath.ts fills it, the lineage reads it.
import type { ContainerState, Finding } from '@shared/model'
import type { ContainerRecord } from '../container'
import type { SnapshotRecord } from './snapshots'

export interface ScannedContainer {
  record: ContainerRecord
  snapshots: SnapshotRecord[]
  state: ContainerState
}

export interface LxcpathScan {
  lxcpath: string
  containers: ScannedContainer[]
  /** why the lxcpath itself could not be read, or null */
  error: Finding | null
}
