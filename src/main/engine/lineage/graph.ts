// One graph of every container and snapshot of the scanned lxcpaths, with typed edges, built
// from both what LXC recorded (lxc_rdepends / lxc_snapshots) and what the rootfs specs say
// (an overlay or aufs lower IS a dependency, bookkeeping or not).
import { dirname, basename } from 'node:path'
import type { ContainerRef, LineageEdge, LineageEdgeKind, LineageGraph, LineageNode } from '@shared/model'
import type { LxcpathScan } from './scan'
import { isHiddenName } from '@shared/names'
import { driverFor } from '../drivers/index'
import { normalLxcpath, refKey } from './bookkeeping'
import type { BaseDrift } from './drift'
import { integrityFindings } from './integrity'
import { collectEntries, type Lineage } from './lineage'

/** Who owns a lower directory: the record whose rootfs is it, else LXC's `<P>/<n>/rootfs` shape. */
function lowerOwner(lower: string, byRootfs: Map<string, ContainerRef>): ContainerRef | null {
  const norm = normalLxcpath(lower)
  const known = byRootfs.get(norm)
  if (known) return known
  if (basename(norm) !== 'rootfs') return null
  const dir = dirname(norm)
  return { lxcpath: dirname(dir), name: basename(dir) }
}

/** `drifts`: base drift by refKey (baseDrifts); without it the findings say nothing of drift. */
export function buildLineage(scans: readonly LxcpathScan[], drifts?: ReadonlyMap<string, BaseDrift>): Lineage {
  const entries = collectEntries(scans)
  const states = new Map<string, LineageNode['state']>()
  for (const scan of scans) for (const c of scan.containers) states.set(refKey(c.record.ref), c.state)

  const byRootfs = new Map<string, ContainerRef>()
  for (const { record } of entries.values()) {
    const spec = record.spec
    if (spec && 'path' in spec) byRootfs.set(normalLxcpath(spec.path), record.ref)
  }

  const nodes = new Map<string, LineageNode>()
  for (const [key, e] of entries) {
    nodes.set(key, {
      id: key,
      kind: e.kind,
      ref: e.record.ref,
      backend: e.record.backend,
      state: e.kind === 'container' ? (states.get(key) ?? 'unknown') : 'stopped',
      hidden: e.hidden
    })
  }
  const edges: LineageEdge[] = []
  const edgeSeen = new Set<string>()
  const dependsOn = new Map<string, ContainerRef[]>()
  const dependents = new Map<string, ContainerRef[]>()
  const lowerOwners = new Map<string, ContainerRef[]>()

  // A node's id is its refKey; a caller that has the keys passes them (the listing runs this
  // once per container, in a cold process).
  const addEdge = (from: ContainerRef, to: ContainerRef, kind: LineageEdgeKind, fromKey = refKey(from), toKey = refKey(to)): void => {
    const id = `${fromKey}\0${toKey}`
    if (edgeSeen.has(id)) return
    edgeSeen.add(id)
    if (!nodes.has(toKey)) nodes.set(toKey, { id: toKey, kind: 'missing', ref: to, backend: null, state: 'unknown', hidden: isHiddenName(to.name) })
    edges.push({ from: fromKey, to: toKey, kind })
    if (kind === 'snapshot-of' || kind === 'copied-from') return
    // a pair of keys passes edgeSeen once, so `to` is not among the dependencies yet
    const deps = dependsOn.get(fromKey)
    if (deps) deps.push(to)
    else dependsOn.set(fromKey, [to])
    const back = dependents.get(toKey)
    if (back) back.push(from)
    else dependents.set(toKey, [from])
  }

  for (const [key, { record, kind, owner }] of entries) {
    const spec = record.spec
    const owners: ContainerRef[] = []
    const ownerKeys: string[] = []
    if (spec && 'lowers' in spec) {
      for (const lower of spec.lowers) {
        const o = lowerOwner(lower, byRootfs)
        const oKey = o && refKey(o)
        if (o && oKey !== key) {
          owners.push(o)
          ownerKeys.push(oKey!)
        }
      }
    }
    lowerOwners.set(key, owners)
    // Recorded dependencies first, in LXC's order (base first, the direct origin last).
    for (const dep of record.rdepends ?? []) {
      const depKey = refKey(dep)
      addEdge(record.ref, dep, ownerKeys.includes(depKey) ? 'depends-on-lower' : 'cloned-from', key, depKey)
    }
    owners.forEach((o, i) => addEdge(record.ref, o, 'depends-on-lower', key, ownerKeys[i]))
    if (kind === 'snapshot' && owner) addEdge(record.ref, owner, 'snapshot-of', key)
    // Strata's own record of a copy clone's origin (provenance.ts): a relation, not a dependency.
    if (record.provenance && refKey(record.provenance.origin) !== key) addEdge(record.ref, record.provenance.origin, 'copied-from')
  }

  // What the storage itself records (a btrfs subvolume's parent UUID): LXC records nothing for
  // a btrfs snapshot, which does not need its origin. The edge is a dependency only where the
  // driver says its snapshots depend on their origin. Not an edge to one's own snapshot (after
  // a restore in place), which would close a cycle with its snapshot-of edge.
  const byStorage = new Map<string, ContainerRef>()
  const storageKey = (backend: string, id: string): string => `${backend}\0${id}`
  for (const { record } of entries.values()) if (record.storage && record.spec) byStorage.set(storageKey(record.spec.backend, record.storage.id), record.ref)
  for (const [key, { record, kind, owner }] of entries) {
    const parentId = record.storage?.parent
    const parent = parentId && record.spec ? byStorage.get(storageKey(record.spec.backend, parentId)) : undefined
    if (!parent || refKey(parent) === key) continue
    if (kind === 'snapshot' && owner && refKey(owner) === refKey(parent)) continue
    const parentEntry = entries.get(refKey(parent))
    if (parentEntry?.kind === 'snapshot' && parentEntry.owner && refKey(parentEntry.owner) === key) continue
    addEdge(record.ref, parent, driverFor(record.spec!.backend).capabilities.snapshotDependsOnOrigin ? 'cloned-from' : 'copied-from')
  }

  let graph: LineageGraph | null = null
  const lineage: Lineage = {
    // Findings cost file checks that `strata ls` does not need: computed on first use.
    get graph() {
      graph ??= { nodes: [...nodes.values()], edges, findings: integrityFindings(lineage, scans, drifts) }
      return graph
    },
    entries,
    lowerOwners,
    dependsOn: (ref) => dependsOn.get(refKey(ref)) ?? [],
    dependents: (ref) => dependents.get(refKey(ref)) ?? []
  }
  return lineage
}

/**
 * The graph as shown when hidden containers are not asked for: without them, their snapshots,
 * their edges and findings about them, and without missing nodes only they pointed at.
 */
export function withoutHidden(graph: LineageGraph): LineageGraph {
  const dropped = new Set(graph.nodes.filter((n) => n.hidden && n.kind !== 'missing').map((n) => n.id))
  if (dropped.size === 0) return graph
  const edges = graph.edges.filter((e) => !dropped.has(e.from) && !dropped.has(e.to))
  const pointedAt = new Set(edges.map((e) => e.to))
  const nodes = graph.nodes.filter((n) => !dropped.has(n.id) && (n.kind !== 'missing' || pointedAt.has(n.id)))
  const findings = graph.findings.filter((f) => !dropped.has(refKey(f.subject)))
  return { nodes, edges, findings }
}
