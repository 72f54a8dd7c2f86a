// lxc-snapshot's snapshots, made and read the way LXC 5 does: `<P>/<n>/snaps/snapN` (or LXC
// 1.0's `<P>snaps/<n>/snapN` when that directory exists), N the smallest free number, with a
// `ts` (no newline) and an optional `comment`; name and MACs kept; a snapshot clone where the
// driver makes one of its own kind (overlay: the upper copied and the origin's lxc_rdepends
// inherited; btrfs: a subvolume snapshot), else a full copy, dir (of a dir or loop container).
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Backend, ContainerRef, SnapshotInfo } from '@shared/model'
import { lxcSnapshotMode } from '../drivers/compat'
import { RDEPENDS_FILE } from '../lineage/bookkeeping'
import { OWNER_PROVENANCE_FILE, PROVENANCE_FILE, provenanceText } from '../lineage/provenance'
import { readSnapshots, legacySnapshotRoot, snapshotDir } from '../lineage/snapshots'
import { cloneWith, prepareClone } from './clone'
import { assertStopped, loadExisting } from './preconditions'
import type { OpContext } from '../context'
import { dependentsOf, destroyContainer } from './destroy'
import { failed, refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import { notFoundError, show } from '../errors'
import { admitRecordedRefs } from './recorded'
import { swapInRebuilt } from './swap'

function two(n: number): string {
  return String(n).padStart(2, '0')
}

/** lxc-snapshot's ts: local time `%Y:%m:%d %H:%M:%S`. */
export function snapshotTimestamp(d = new Date()): string {
  return `${d.getFullYear()}:${two(d.getMonth() + 1)}:${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
}

function nextSnapName(snapdir: string): string {
  for (let i = 0; ; i++) if (!existsSync(join(snapdir, `snap${i}`))) return `snap${i}`
}

export function listSnapshots(ref: ContainerRef): SnapshotInfo[] {
  loadExisting(ref)
  return readSnapshots(ref, legacySnapshotRoot(ref.lxcpath)).map((s) => s.info)
}

/**
 * The clone lxc-snapshot makes of a `backend` container (LXC_CLONE_MAYBE_SNAPSHOT): a snapshot
 * clone of its own kind where its driver makes one (overlay, btrfs), else a copy with LXC's
 * default backend for another lxcpath, dir (so a loop container's snapshots are dir, as LXC's).
 */
function snapshotClone(backend: Backend): { snapshot: boolean; backend?: Backend } {
  return lxcSnapshotMode(backend) === 'snapshot' ? { snapshot: true, backend } : { snapshot: false }
}

/** The clone a restore makes of a snapshot: of the container's own backend (LXC passes its bdev type), copy-on-write where its driver can. */
function restoreClone(backend: Backend): { snapshot: boolean; backend: Backend } {
  return { snapshot: lxcSnapshotMode(backend) === 'snapshot', backend }
}

export async function createSnapshot(ref: ContainerRef, opts: { comment?: string } = {}, ctx: OpContext = {}): Promise<SnapshotInfo> {
  const owner = loadExisting(ref)
  if (!owner.backend) throw refused('snapshot-backend', say('snapshot-no-rootfs', { name: ref.name }), show(ref))
  const snapdir = snapshotDir(ref.lxcpath, ref.name)
  const name = nextSnapName(snapdir)
  const ts = snapshotTimestamp()
  const extraFiles: Record<string, string> = { ts }
  if (opts.comment !== undefined) extraFiles['comment'] = opts.comment
  // a copy's record goes into each of its snapshots too: LXC's restore in place keeps only snaps/ (lineage/provenance.ts)
  if (owner.provenance) extraFiles[OWNER_PROVENANCE_FILE] = provenanceText(owner.provenance)
  await cloneWith(
    { origin: ref, name, lxcpath: snapdir, ...snapshotClone(owner.backend) },
    { what: 'snapshot', keepName: true, keepMacs: true, recordOrigin: false, workDir: ref.lxcpath, extraFiles },
    ctx
  )
  const info = listSnapshots(ref).find((s) => s.name === name)
  if (!info) throw failed(say('snapshot-vanished', { snapshot: name, name: ref.name }), { subject: show(ref), rule: 'snapshot-vanished' })
  return info
}

export async function deleteSnapshot(ref: ContainerRef, snapshot: string, ctx: OpContext = {}): Promise<void> {
  loadExisting(ref)
  const snapRef = { lxcpath: snapshotDir(ref.lxcpath, ref.name), name: snapshot }
  if (!existsSync(join(snapRef.lxcpath, snapshot, 'config'))) throw notFoundError(snapRef)
  await destroyContainer(snapRef, {}, ctx)
}

/**
 * Restores a snapshot: to a new container (a clone of the snapshot, with a new name and MACs),
 * or in place, where the container is rebuilt from the snapshot under a hidden name and then
 * swapped in with one renameat2(RENAME_EXCHANGE): never half-restored (LXC 5 deletes the old
 * upper first and can leave a container without rootfs).
 */
export async function restoreSnapshot(ref: ContainerRef, snapshot: string, opts: { newName?: string } = {}, ctx: OpContext = {}): Promise<ContainerRef> {
  const owner = loadExisting(ref)
  const snapRef = { lxcpath: snapshotDir(ref.lxcpath, ref.name), name: snapshot }
  const snap = loadExisting(snapRef)
  const backend = owner.backend ?? snap.backend
  if (!backend) throw refused('snapshot-backend', say('restore-no-rootfs', { snapshot, name: ref.name }), show(ref))
  const clone = restoreClone(backend)
  if (opts.newName !== undefined && opts.newName !== ref.name) {
    return cloneWith({ origin: snapRef, name: opts.newName, lxcpath: ref.lxcpath, ...clone }, { what: 'restore', recordOrigin: false }, ctx)
  }
  await assertStopped(ref, 'restore')

  const deps = (await dependentsOf(owner, ctx)).filter((d) => d.lxcpath !== snapRef.lxcpath)
  if (deps.length > 0)
    throw refused('restore-has-dependents', say('restore-has-dependents', { name: ref.name, count: deps.length, dependents: deps.map((d) => `${d.lxcpath}/${d.name}`).join(', ') }), show(ref))
  // the container stays a copy of what it was copied from: its record goes into the rebuilt directory
  const keepRecord = owner.provenance ? { [PROVENANCE_FILE]: provenanceText(owner.provenance) } : undefined
  const prepared = await prepareClone(
    { origin: snapRef, name: ref.name, lxcpath: ref.lxcpath, ...clone },
    { what: 'restore', recordOrigin: false, extraFiles: keepRecord },
    ctx
  )
  const newDeps = prepared.plan.origins
  const oldDeps = owner.rdepends ?? []
  admitRecordedRefs(oldDeps, join(owner.dir, RDEPENDS_FILE), ctx)
  const same = (a: ContainerRef, b: ContainerRef): boolean => a.lxcpath === b.lxcpath && a.name === b.name
  await swapInRebuilt(
    {
      what: 'restore',
      ref,
      dir: owner.dir,
      addOrigins: newDeps.filter((d) => !oldDeps.some((o) => same(o, d))),
      removeOrigins: oldDeps.filter((o) => !newDeps.some((d) => same(o, d))),
      oldSpec: owner.spec
    },
    prepared.build,
    ctx
  )
  return ref
}
