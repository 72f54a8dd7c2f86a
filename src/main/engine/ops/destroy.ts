// Destroy: refused while anything depends on the container (clones reading its rootfs, clones
// recorded in its lxc_snapshots, its lxc-snapshot snapshots), unless withDependents, which
// destroys the whole subtree leaves first. Each container is first renamed to a hidden trash
// name (gone for LXC and Strata in one rename), then removed from its origins' lxc_snapshots
// (exactly its own entry), then deleted. A crash after the rename is finished by recovery.
// Before any of that, every container of the tree is checked (destroy-checks.ts): a mount
// inside it, a Strata mount of it, or storage outside its directory that the user did not
// confirm stops the destroy with nothing changed.
import { existsSync, renameSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ContainerRef, RootfsSpec } from '@shared/model'
import type { ContainerRecord } from '../container'
import { driverFor } from '../drivers/index'
import { RDEPENDS_FILE, refKey, SNAPSHOTS_FILE } from '../lineage/bookkeeping'
import { buildLineage } from '../lineage/graph'
import { legacySnapshotRoot, readSnapshots } from '../lineage/snapshots'
import { removeDependent } from '../lineage/update'
import { withLxcLock } from '../lock'
import { scanLxcpaths } from '../lxcpath'
import { removeMarkedTree } from '../fs/remove'
import { readMountinfo } from '../mount'
import { loadExisting } from './preconditions'
import { checkAborted, note, type OpContext } from '../context'
import { assertDestroyable } from './destroy-checks'
import { failed } from '@shared/errors'
import { say } from '@shared/engine-text'
import { dependentsError, show } from '../errors'
import { faultPoint } from './fault'
import { Journal, markerName, workDirOf } from '../journal/journal'
import { configHooks, defaultRootfsMount, runLxcHooks } from './lxc-hooks'
import { admitRecordedRefs } from './recorded'

/**
 * Everything that depends on ref: recorded or layered dependents that exist, and its snapshots.
 * Its lxc_snapshots entries are checked (ops/recorded.ts) before their lxcpaths are scanned.
 */
export async function dependentsOf(record: ContainerRecord, ctx: OpContext = {}): Promise<ContainerRef[]> {
  const ref = record.ref
  const recorded = record.snapshotsRecord?.format === 'list' ? record.snapshotsRecord.entries : []
  admitRecordedRefs(recorded, join(record.dir, SNAPSHOTS_FILE), ctx)
  // a snapshot's restores to a new name live in its owner's lxcpath (they read it where the storage records it: zfs)
  const lxcpaths = new Set<string>([ref.lxcpath, workDirOf(ref)])
  for (const e of recorded) lxcpaths.add(e.lxcpath)
  const scans = await scanLxcpaths([...lxcpaths].filter((p) => existsSync(p)))
  const lineage = buildLineage(scans)
  const found = new Map<string, ContainerRef>()
  for (const d of lineage.dependents(ref)) if (lineage.entries.has(refKey(d))) found.set(refKey(d), d)
  for (const e of recorded) if (existsSync(join(e.lxcpath, e.name, 'config'))) found.set(refKey(e), e)
  // its own lxc-snapshot snapshots are not in the lineage's dependents (snapshot-of edges)
  const isSnapshot = /\/snaps$/.test(ref.lxcpath)
  if (!isSnapshot) for (const s of readSnapshots(ref, legacySnapshotRoot(ref.lxcpath))) found.set(refKey(s.record.ref), s.record.ref)
  found.delete(refKey(ref))
  return [...found.values()]
}

/** What a destroy of ref would remove, as the destroy itself plans it (nothing is changed). */
export interface DestroyPlanResult {
  /** what depends on ref directly: a plain destroy is refused while there is any (its own snapshots aside) */
  dependents: ContainerRef[]
  /** everything `withDependents` removes besides ref, leaves first (its own snapshots too) */
  withDependents: ContainerRef[]
}

/** What depends on ref other than its own snapshots (which go with it): what refuses a plain destroy. */
export async function otherDependentsOf(record: ContainerRecord, ctx: OpContext = {}): Promise<ContainerRef[]> {
  const ownSnapshots = `${record.ref.lxcpath}/${record.ref.name}/snaps`
  return (await dependentsOf(record, ctx)).filter((d) => d.lxcpath !== ownSnapshots)
}

export async function destroyPlan(ref: ContainerRef, ctx: OpContext = {}): Promise<DestroyPlanResult> {
  const direct = await otherDependentsOf(loadExisting(ref), ctx)
  const order = await planDestroy(ref, true, ctx)
  return { dependents: direct, withDependents: order.map((r) => r.ref).filter((r) => refKey(r) !== refKey(ref)) }
}

export interface DestroyOptions {
  /** destroy its dependents too, leaves first */
  withDependents?: boolean
  /** storage outside the containers' directories that the user confirmed may be deleted (paths as Strata names them) */
  deleteOutside?: string[]
}

export async function destroyContainer(ref: ContainerRef, opts: DestroyOptions = {}, ctx: OpContext = {}): Promise<{ destroyed: ContainerRef[] }> {
  const order = await planDestroy(ref, opts.withDependents ?? false, ctx)
  // Everything is checked before anything is changed: a refusal leaves the whole tree as it was.
  const confirmed = new Set((opts.deleteOutside ?? []).map((p) => resolve(p)))
  const mounts = readMountinfo()
  const going = order.flatMap((r) => (r.spec ? [r.spec] : []))
  for (const record of order) await assertDestroyable(record, confirmed, mounts, going)
  const destroyed: ContainerRef[] = []
  for (const record of order) {
    checkAborted(ctx, `destroying ${record.ref.name}`)
    await destroyOne(record, ctx)
    destroyed.push(record.ref)
  }
  return { destroyed }
}

/**
 * What a destroy removes, dependents before what they depend on. The whole tree is found and
 * every container it reaches (dependents, and the origins whose lxc_snapshots lose an entry)
 * is admitted (ops/recorded.ts) before anything is removed, so one out of reach stops it with
 * nothing changed.
 */
async function planDestroy(ref: ContainerRef, withDependents: boolean, ctx: OpContext): Promise<ContainerRecord[]> {
  const order: ContainerRecord[] = []
  const planned = new Set<string>()
  const visit = async (r: ContainerRef): Promise<void> => {
    const record = loadExisting(r)
    admitRecordedRefs(record.rdepends ?? [], join(record.dir, RDEPENDS_FILE), ctx)
    const deps = await dependentsOf(record, ctx)
    if (deps.length > 0 && !withDependents) throw dependentsError(r, deps)
    planned.add(refKey(r))
    for (const d of deps) {
      if (planned.has(refKey(d))) continue
      admitRecordedRefs([d], `the dependents of ${show(r)}`, ctx)
      if (existsSync(join(d.lxcpath, d.name, 'config'))) await visit(d)
    }
    order.push(record)
  }
  await visit(ref)
  return order
}

async function destroyOne(record: ContainerRecord, ctx: OpContext): Promise<void> {
  const ref = record.ref
  note(ctx, 'destroy', say('progress-destroying', { container: `${ref.lxcpath}/${ref.name}` }))
  // LXC runs lxc.hook.destroy before it removes anything; a hook that fails keeps the container.
  const hooks = configHooks(record.configFile, 'destroy')
  if (hooks.hooks.length > 0) {
    // a loaded config holds the rootfs path without its type (confile.c set_config_rootfs_path cuts at the first ':')
    const rootfsPath = hooks.rootfsPath?.includes(':') ? hooks.rootfsPath.slice(hooks.rootfsPath.indexOf(':') + 1) : hooks.rootfsPath
    const env = {
      LXC_ROOTFS_MOUNT: hooks.rootfsMount ?? defaultRootfsMount(),
      LXC_ROOTFS_PATH: rootfsPath ?? undefined,
      LXC_CONSOLE: hooks.console ?? undefined,
      LXC_CONSOLE_LOGPATH: hooks.consoleLog ?? undefined
    }
    const ran = await runLxcHooks({ type: 'destroy', configFile: record.configFile, name: ref.name, env, signal: ctx.signal }, hooks)
    note(ctx, 'hooks', say('progress-destroy-hooks', { count: ran }))
  }
  const workDir = workDirOf(ref)
  const id = Journal.newId()
  const trash = Journal.trashDir(workDir, id)
  const origins = record.rdepends ?? []
  const spec = record.spec
  const journal = await Journal.begin(workDir, id, { op: 'destroy', ref, dir: record.dir, trash, origins, spec })
  try {
    await withLxcLock(ref, () => {
      if (!existsSync(record.dir)) throw failed(say('destroy-vanished', { name: ref.name }), { subject: show(ref), rule: 'vanished' })

      // the marker goes in first and travels with the rename: recovery finishes only a marked trash
      journal.mark(record.dir)
      renameSync(record.dir, trash)
    })
  } catch (err) {
    journal.unmark(record.dir)
    journal.finish()
    throw err
  }
  faultPoint('destroy:hidden')
  await finishDestroy({ id, ref, trash, origins, spec, dir: record.dir }, ctx)
  journal.finish()
}

/** The part after the rename, also run by recovery. */
export async function finishDestroy(
  d: { id: string; ref: ContainerRef; trash: string; origins: ContainerRef[]; spec: RootfsSpec | null; dir: string },
  ctx: OpContext = {}
): Promise<void> {
  for (const origin of d.origins) {
    await removeDependent(origin, d.ref)
    faultPoint('destroy:origin-unlisted')
  }
  if (d.spec) await driverFor(d.spec.backend).destroy(d.spec, d.dir, ctx)
  await removeMarkedTree(d.trash, markerName(d.id), { signal: ctx.signal })
}
