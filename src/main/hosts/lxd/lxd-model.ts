// LXD's instances, snapshots and pools in Strata's own model, so that every view and command
// shows them as it shows LXC's containers. An LXD project stands where an lxcpath stands
// (`/1.0/projects/<name>`, the project's place in the API); an instance's "config" is its API
// path. LXD records no origin for a copy (only the image it was made from), so the lineage of an
// LXD host is each instance with its snapshots.
import type { Backend, ContainerInfo, ContainerRef, ContainerState, IdMapEntry, LineageGraph, LineageNode, SnapshotInfo } from '@shared/model'
import { refused } from '@shared/errors'
import { say } from '@shared/engine-text'

/** An instance as `GET /1.0/instances?recursion=2` gives it (the fields Strata reads). */
export interface LxdInstance {
  name: string
  status: string
  type: string
  location: string
  project?: string
  created_at: string
  expanded_config: Record<string, string>
  expanded_devices: Record<string, Record<string, string>>
  snapshots: LxdSnapshot[] | null
}

export interface LxdSnapshot {
  name: string
  created_at: string
  expires_at?: string
}

export interface LxdPool {
  name: string
  driver: string
  config: Record<string, string>
}

const PROJECT_PREFIX = '/1.0/projects/'

/** The lxcpath Strata shows for an LXD project. */
export function projectPath(project: string): string {
  return `${PROJECT_PREFIX}${project}`
}

/** The project an lxcpath of this host names, or the refusal naming the host's lxcpaths. */
export function projectOf(lxcpath: string, host: string, served: readonly string[]): string {
  if (!served.includes(lxcpath)) {
    throw refused('lxd-lxcpath', say('lxd-not-a-project', { lxcpath, host, served: served.join(', ') || '(none)' }), lxcpath)
  }
  return lxcpath.slice(PROJECT_PREFIX.length)
}

/** An instance's API path, with the project it is in. */
export function instancePath(ref: ContainerRef, project: string, tail = ''): string {
  return `/1.0/instances/${encodeURIComponent(ref.name)}${tail}?project=${encodeURIComponent(project)}`
}

/** LXD's pool drivers as LXC names the same storage; cephfs has no LXC equivalent. */
const DRIVER_BACKEND: Record<string, Backend> = { dir: 'dir', btrfs: 'btrfs', zfs: 'zfs', lvm: 'lvm', ceph: 'rbd' }

export function backendOfPool(pool: LxdPool | undefined): Backend | null {
  return pool ? (DRIVER_BACKEND[pool.driver] ?? null) : null
}

/** The pool holding an instance's root disk. */
export function rootPool(instance: LxdInstance): string | null {
  const root = Object.values(instance.expanded_devices ?? {}).find((d) => d.type === 'disk' && d.path === '/')
  return root?.pool ?? null
}

const STATES: Record<string, ContainerState> = { Running: 'running', Stopped: 'stopped', Frozen: 'frozen', Starting: 'starting', Stopping: 'stopping', Freezing: 'freezing' }

/** LXC's `ts` format (`YYYY:MM:DD HH:MM:SS`, UTC), which the views read for every snapshot. */
export function lxcTimestamp(iso: string): string | null {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1970) return null
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}:${p(d.getUTCMonth() + 1)}:${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
}

function snapshotInfo(lxcpath: string, instance: LxdInstance, snap: LxdSnapshot, backend: Backend | null): SnapshotInfo {
  return {
    name: snap.name,
    snapdir: `${lxcpath}/${instance.name}/snaps`,
    timestamp: lxcTimestamp(snap.created_at),
    comment: null,
    backend,
    rootfs: null
  }
}

/** An instance's id map as LXD applied it (volatile.idmap.current); none for a privileged one or one LXD has not mapped yet. */
export function idMapOf(instance: Pick<LxdInstance, 'expanded_config'>): IdMapEntry[] {
  const config = instance.expanded_config ?? {}
  if (config['security.privileged'] === 'true') return []
  try {
    const raw = JSON.parse(config['volatile.idmap.current'] ?? '[]') as { Isuid?: boolean; Isgid?: boolean; Hostid: number; Nsid: number; Maprange: number }[]
    return raw.map((e) => ({ kind: e.Isuid && e.Isgid ? 'b' : e.Isuid ? 'u' : 'g', nsid: e.Nsid, hostid: e.Hostid, count: e.Maprange }))
  } catch {
    return []
  }
}

export function containerInfo(lxcpath: string, instance: LxdInstance, pools: ReadonlyMap<string, LxdPool>): ContainerInfo {
  const pool = rootPool(instance)
  const backend = backendOfPool(pool ? pools.get(pool) : undefined)
  return {
    name: instance.name,
    lxcpath,
    config: `/1.0/instances/${instance.name}`,
    backend,
    rootfs: pool ? `${pool}:containers/${instance.name}` : null,
    state: STATES[instance.status] ?? 'unknown',
    origin: null,
    dependsOn: [],
    dependents: [],
    snapshots: (instance.snapshots ?? []).map((s) => snapshotInfo(lxcpath, instance, s, backend)),
    legacy: false,
    problems: [],
    layered: false,
    storageOutside: null,
    idMap: idMapOf(instance),
    ...(instance.location && instance.location !== 'none' ? { location: instance.location } : {})
  }
}

/** Instances and their snapshots; each snapshot points at its instance. */
export function lineageOf(infos: readonly ContainerInfo[]): LineageGraph {
  const nodes: LineageNode[] = []
  const edges: LineageGraph['edges'] = []
  for (const c of infos) {
    const id = `${c.lxcpath}/${c.name}`
    nodes.push({ id, kind: 'container', ref: { lxcpath: c.lxcpath, name: c.name }, backend: c.backend, state: c.state })
    for (const s of c.snapshots) {
      const sid = `${s.snapdir}/${s.name}`
      nodes.push({ id: sid, kind: 'snapshot', ref: { lxcpath: s.snapdir, name: s.name }, backend: s.backend, state: 'stopped' })
      edges.push({ from: sid, to: id, kind: 'snapshot-of' })
    }
  }
  return { nodes, edges, findings: [] }
}

/** The next free LXC-style snapshot name (snap0, snap1, ...), as `lxc snapshot` names them too. */
export function nextSnapshotName(existing: readonly LxdSnapshot[]): string {
  const used = existing.map((s) => /^snap(\d+)$/.exec(s.name)).filter((m) => m !== null).map((m) => Number(m[1]))
  return `snap${used.length ? Math.max(...used) + 1 : 0}`
}

/** An instance's config as `key: value` lines (what `lxc config show --expanded` holds), in key order. */
export function configLines(instance: LxdInstance): { key: string; value: string }[] {
  const lines = Object.entries(instance.expanded_config ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ key, value }))
  for (const [dev, props] of Object.entries(instance.expanded_devices ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [k, v] of Object.entries(props).sort(([a], [b]) => a.localeCompare(b))) lines.push({ key: `devices.${dev}.${k}`, value: v })
  }
  return lines
}
