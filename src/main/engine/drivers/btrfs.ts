// btrfs: the rootfs is a subvolume, `btrfs:<P>/<n>/rootfs`, on the lxcpath's own btrfs
// filesystem (LXC 5.0.2 storage/btrfs.c). A snapshot is a writable subvolume snapshot
// (BTRFS_IOC_SNAP_CREATE_V2, here `btrfs subvolume snapshot`): independent of its origin once
// made, so LXC records no dependency and neither does Strata. A copy of a btrfs origin on the
// same filesystem is such a snapshot too (as LXC makes it); anything else is a new subvolume
// filled by the copier. A subvolume is a directory: it needs no mount, and an empty one is
// removed like one (rmdir, since Linux 4.18), so a destroy needs nothing more than dir's.
import { say, type Said } from '@shared/engine-text'
import { existsSync, lstatSync, statfsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { RootfsSpec } from '@shared/model'
import type { OpContext } from '../context'
import { copyDirectoryTree } from '../fs/copy'
import { rewriteHostname } from '../fs/hostname'
import { removeDirectoryTree } from '../fs/remove'
import { btrfsSubvolume } from '../native/index'
import { failed, isStrataError, refused } from '@shared/errors'
import { run, toolFailure, toolText } from '../tools'
import { NO_FIGURES } from '../fs/tree-usage'
import { directoryOf, type BuildTarget, type SourceStorage, type StorageDriver } from './driver'
import { pathOutside } from './outside-storage'

const BTRFS_SUPER_MAGIC = 0x9123683e

/** The nearest existing directory at or above path (a new lxcpath may not exist yet). */
function existingAncestor(path: string): string {
  let p = path
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p)
  return p
}

function onBtrfs(path: string): boolean {
  try {
    return statfsSync(existingAncestor(path)).type === BTRFS_SUPER_MAGIC
  } catch {
    return false
  }
}

/**
 * btrfs's own accounting for a subvolume: its level-0 qgroup (0/<subvolume id>). Usable only
 * when `path` is a subvolume's root (a plain directory would report the enclosing subvolume),
 * quotas are enabled and the qgroup data is consistent (no rescan running or needed).
 */
async function btrfsQgroup(path: string): Promise<{ figures: { referenced: number; exclusive: number } } | { reason: string }> {
  const st = lstatSync(path, { throwIfNoEntry: false })
  if (!st?.isDirectory()) return { reason: `${path} is not a directory` }
  // 256 is BTRFS_FIRST_FREE_OBJECTID: the inode of every subvolume's root directory.
  if (st.ino !== 256) return { reason: `${path} is not a btrfs subvolume (its qgroup would be the enclosing subvolume's)` }
  let id: string
  try {
    id = String((await run('btrfs', ['inspect-internal', 'rootid', path], { timeoutMs: 10_000 })).stdout).trim()
  } catch (err) {
    return { reason: `btrfs cannot tell the subvolume of ${path}: ${toolText(err)}` }
  }
  let r
  try {
    r = await run('btrfs', ['qgroup', 'show', '--raw', '-f', path], { timeoutMs: 30_000 })
  } catch (err) {
    const text = toolText(err)
    if (/quotas not enabled/i.test(text)) return { reason: `btrfs quotas are not enabled on the filesystem of ${path} (btrfs quota enable)` }
    return { reason: `btrfs qgroup show ${path} failed: ${text}` }
  }
  const warning = String(r.stderr)
  if (/inconsistent|rescan/i.test(warning)) return { reason: `btrfs qgroup data of ${path} is not consistent (${warning.trim().split('\n')[0]!.replace(/^WARNING:\s*/, '')})` }
  for (const line of String(r.stdout).split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f[0] === `0/${id}` && f.length >= 3) {
      const referenced = Number(f[1])
      const exclusive = Number(f[2])
      if (Number.isSafeInteger(referenced) && Number.isSafeInteger(exclusive)) return { figures: { referenced, exclusive } }
    }
  }
  return { reason: `btrfs has no qgroup 0/${id} for ${path}` }
}

function rootfsSpec(target: BuildTarget): RootfsSpec {
  return { backend: 'btrfs', prefix: 'btrfs', path: join(target.finalDir, 'rootfs') }
}

/** A writable snapshot of `origin` as the new rootfs; btrfs refuses one across filesystems. */
async function snapshotInto(origin: string, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
  try {
    await run('btrfs', ['subvolume', 'snapshot', origin, join(target.buildDir, 'rootfs')], { signal: ctx.signal })
  } catch (err) {
    const tool = toolFailure(err)
    if (!tool) throw err
    throw failed(say('btrfs-snapshot-failed', { origin, error: tool.stderr || (err as Error).message }), {
      subject: origin,
      rule: 'btrfs-snapshot',
      cause: err
    })
  }
  return rootfsSpec(target)
}

export const btrfsDriver: StorageDriver = {
  backend: 'btrfs',
  capabilities: {
    create: null,
    copyInto: null,
    cloneFrom: null,
    snapshotOf: ['btrfs'],
    snapshotRule: say('btrfs-snapshot-rule'),
    snapshotDependsOnOrigin: false,
    mountableWhileRunning: true,
    needs: { filesystems: ['btrfs'], tools: { btrfs: 'btrfs-progs' } }
  },
  probe(lxcpath: string): Said | null {
    if (!onBtrfs(lxcpath)) return say('not-on-btrfs', { lxcpath })
    return null
  },
  async create(target: BuildTarget, ctx: OpContext) {
    await run('btrfs', ['subvolume', 'create', join(target.buildDir, 'rootfs')], { signal: ctx.signal })
    return { spec: rootfsSpec(target), fill: { dir: join(target.buildDir, 'rootfs') } }
  },
  async copy(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
    const spec = source.spec
    // as LXC copies a btrfs origin: a snapshot where btrfs can make one, else a filled subvolume
    if (spec.backend === 'btrfs') {
      try {
        return await snapshotInto(spec.path, target, ctx)
      } catch (err) {
        if (!isStrataError(err) || err.rule !== 'btrfs-snapshot') throw err
      }
    }
    await run('btrfs', ['subvolume', 'create', join(target.buildDir, 'rootfs')], { signal: ctx.signal })
    await source.withVisibleTree((root) => copyDirectoryTree(root, join(target.buildDir, 'rootfs'), ctx))
    return rootfsSpec(target)
  },
  async snapshot(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
    const spec = source.spec
    if (spec.backend !== 'btrfs') throw refused('btrfs-snapshot-origin', say('btrfs-snapshot-origin'))
    return snapshotInto(spec.path, target, ctx)
  },
  // a subvolume is a directory
  access: async (spec) => ({ dir: directoryOf(spec) }),
  visibleTree: (spec, _dir, fn) => fn(directoryOf(spec)),
  async usage(spec, probe) {
    const path = directoryOf(spec)
    const q = await btrfsQgroup(path)
    if ('figures' in q) {
      const { referenced, exclusive } = q.figures
      return { measured: { ...NO_FIGURES, allocatedBytes: referenced }, dataBytes: exclusive, fsShared: Math.max(0, referenced - exclusive), source: 'btrfs-qgroup', restBytes: probe.rest(path) }
    }
    return { ...(await probe.scanned(path, false)), sourceNote: say('usage-scanned', { reason: q.reason }) }
  },
  writeHostname: (spec, _at, name) => rewriteHostname({ kind: 'dir', root: directoryOf(spec) }, name),
  // LXC records nothing between a snapshot and its origin; the subvolume's parent UUID says what it was made from
  lineage(spec) {
    const sub = btrfsSubvolume(directoryOf(spec))
    return sub ? { id: sub.uuid, parent: sub.parentUuid } : null
  },
  storageOutside: (spec, containerDir) => pathOutside(directoryOf(spec), containerDir),
  async destroy(spec: RootfsSpec, containerDir: string, ctx: OpContext): Promise<void> {
    // A rootfs subvolume elsewhere (lxc-create --dir) goes too, as LXC deletes it (once the user confirmed it).
    const outside = pathOutside(directoryOf(spec), containerDir)
    if (outside) await removeDirectoryTree(outside, { signal: ctx.signal })
  }
}
