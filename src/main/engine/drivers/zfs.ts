// zfs: the rootfs is a dataset, `zfs:<pool>/<…>/<n>` (or, as older configs have it, the
// dataset's mountpoint path). As LXC 5.0.2 makes them (storage/zfs.c, lxc-format.md):
// - create: `zfs create -o mountpoint=… -o canmount=noauto -p <zfsroot>/<n>` (lxc.bdev.zfs.root,
//   default `lxc`, or lxc-create --zfsroot);
// - copy: the same, beside the origin's dataset (under zfsroot for an origin that is not zfs),
//   filled with the origin's visible tree;
// - snapshot clone: `zfs snapshot -r <origin>@<n>` + `zfs clone`: it reads that snapshot, which
//   the dataset's `origin` property records. LXC writes no lxc_snapshots for it, so the lineage
//   and the destroy rule come from that property (lineage()); never `destroy -R` or promote;
// - destroy: `zfs destroy -r <dataset>`, then its origin snapshot.
// Where Strata differs, on purpose: a dataset name that is taken (another container's `snap0`
// from lxc-snapshot, say) gets a free `_N` suffix instead of failing, since the config names the
// dataset; while a build runs, the mountpoint is in the staging directory (zfs-fuse mounts a
// clone even with canmount=noauto, which would make the final directory appear early) and is
// set to `<P>/<n>/rootfs` once the container is registered.
import { say, type Said } from '@shared/engine-text'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { basename, dirname, join } from 'node:path'
import type { RootfsSpec } from '@shared/model'
import type { OpContext } from '../context'
import { copyDirectoryTree } from '../fs/copy'
import { setXattr } from '../native/index'
import { rewriteHostname } from '../fs/hostname'
import { NO_FIGURES } from '../fs/tree-usage'
import { run, toolText } from '../tools'
import { failed, refused } from '@shared/errors'
import { directoryOf, type BuildTarget, type SourceStorage, type StorageDriver, type StorageSpecs } from './driver'

const TIMEOUT_MS = 120_000
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

const zfs = (args: string[], ctx: OpContext = {}) => run('zfs', args, { signal: ctx.signal, timeoutMs: TIMEOUT_MS })

/**
 * A zfs command that zfs may refuse for a while as "busy" (an unmount still settling: zfs-fuse
 * says it for seconds on a loaded machine): retried with a growing pause, about a minute in all.
 */
async function zfsPatiently(args: string[], ctx: OpContext = {}): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await zfs(args, ctx)
      return
    } catch (err) {
      if (attempt >= 40 || !/busy/i.test(toolText(err)) || ctx.signal?.aborted) throw err
      await sleep(Math.min(250 * attempt, 2000))
    }
  }
}

/**
 * node:child_process, loaded on first use: it pulls in net and streams (~4 ms of CPU), and every
 * listing bundles this driver but lists no zfs container on most machines.
 */
function childProcess(): typeof import('node:child_process') {
  return createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process')
}

function exists(name: string): boolean {
  return childProcess().spawnSync('zfs', ['list', '-H', '-o', 'name', '-t', 'all', name], { stdio: 'ignore' }).status === 0
}

/** What one `zfs list` says of every filesystem: its origin snapshot, and which dataset each mountpoint is. */
interface PoolView {
  origins: Map<string, string | null>
  byMountpoint: Map<string, string>
}

/** One `zfs list`, shared by all the listing's calls within one turn of the event loop. */
let view: PoolView | null = null
function poolView(): PoolView {
  if (view) return view
  const v: PoolView = { origins: new Map(), byMountpoint: new Map() }
  const r = childProcess().spawnSync('zfs', ['list', '-H', '-o', 'name,origin,mountpoint', '-t', 'filesystem'], { encoding: 'utf8', timeout: 30_000 })
  if (r.status === 0)
    for (const line of r.stdout.split('\n')) {
      const [name, origin, mountpoint] = line.split('\t')
      if (!name) continue
      v.origins.set(name, origin && origin !== '-' ? origin : null)
      if (mountpoint?.startsWith('/')) v.byMountpoint.set(mountpoint, name)
    }
  view = v
  setImmediate(() => (view = null))
  return v
}

/** The dataset of a spec: its path, or for a mountpoint path (LXC's legacy form) the dataset mounted there. */
function datasetOf(spec: RootfsSpec): string {
  const path = directoryOf(spec)
  if (!path.startsWith('/')) return path
  const dataset = poolView().byMountpoint.get(path)
  if (!dataset) throw refused('zfs-no-dataset', say('zfs-no-dataset', { path }), path)
  return dataset
}

/** `<parent>/<name>`, or with the first free `_N` suffix: free as a dataset and as a snapshot of `snapshotOf`. */
function freeDataset(parent: string, name: string, snapshotOf?: string): string {
  for (let n = 0; ; n++) {
    const leaf = n === 0 ? name : `${name}_${n}`
    if (!exists(`${parent}/${leaf}`) && !(snapshotOf && exists(`${snapshotOf}@${leaf}`))) return `${parent}/${leaf}`
  }
}

async function mounted(dataset: string): Promise<{ mountpoint: string; mounted: boolean }> {
  const r = await zfs(['get', '-H', '-o', 'value', 'mountpoint,mounted', dataset])
  const [mountpoint, isMounted] = String(r.stdout).split('\n')
  if (!mountpoint?.startsWith('/')) throw refused('zfs-no-mountpoint', say('zfs-no-mountpoint', { dataset, mountpoint: String(mountpoint) }), dataset)
  return { mountpoint, mounted: isMounted === 'yes' }
}

async function unmount(dataset: string): Promise<void> {
  if (exists(dataset) && (await mounted(dataset).catch(() => null))?.mounted) await zfsPatiently(['umount', dataset])
}

/** Mounts the dataset at its mountpoint unless it is mounted; `held` when this call mounted it. */
async function access(dataset: string): Promise<{ dir: string; held?: string }> {
  const m = await mounted(dataset)
  if (m.mounted) return { dir: m.mountpoint }
  await zfsPatiently(['mount', dataset])
  return { dir: m.mountpoint, held: dataset }
}

async function withMounted<T>(dataset: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const a = await access(dataset)
  try {
    return await fn(a.dir)
  } finally {
    if (a.held) await unmount(a.held)
  }
}

const specOf = (dataset: string): RootfsSpec => ({ backend: 'zfs', prefix: 'zfs', path: dataset })

/** A new, empty dataset for the build, mounted in the staging directory while it is filled. */
async function newDataset(parent: string, target: BuildTarget, ctx: OpContext): Promise<string> {
  const dataset = freeDataset(parent, basename(target.finalDir))
  const at = join(target.buildDir, 'rootfs')
  try {
    await zfs(['create', '-o', `mountpoint=${at}`, '-o', 'canmount=noauto', '-p', dataset], ctx)
  } catch (err) {
    throw failed(say('zfs-create-failed', { dataset, parent, error: toolText(err) }), {
      subject: dataset,
      rule: 'zfs-create',
      cause: err
    })
  }
  target.claim(dataset)
  mkdirSync(at, { recursive: true })
  return dataset
}

/** Where a copy's dataset goes: beside the origin's dataset, as LXC places it; under zfsroot when the origin is not zfs. */
function copyParent(origin: RootfsSpec, specs: StorageSpecs): string {
  return origin.backend === 'zfs' ? dirname(datasetOf(origin)) : specs.zfsRoot
}

/** Whether each pool's filesystem keeps xattrs, probed once per process (zfs-fuse keeps none; the kernel's zfs does). */
const poolXattrs = new Map<string, Promise<string | null>>()

/**
 * Probes a pool with a test xattr on a throwaway dataset (made, mounted in a temporary directory,
 * destroyed): what it says is the filesystem's own answer, whatever zfs this is. Null when kept,
 * else how the set failed.
 */
async function probePoolXattrs(pool: string): Promise<string | null> {
  const dataset = `${pool}/strata-xattr-probe-${process.pid}`
  const at = mkdtempSync(join(tmpdir(), 'strata-xattr-probe-'))
  try {
    await zfs(['create', '-o', `mountpoint=${at}`, '-o', 'canmount=noauto', dataset])
    if (!(await mounted(dataset)).mounted) await zfsPatiently(['mount', dataset])
    try {
      await setXattr(at, 'user.strata-probe', Buffer.from('1'))
      return null
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOTSUP' || code === 'EOPNOTSUPP') return `setting an xattr there fails with ${code}`
      throw err
    }
  } finally {
    await destroyDataset(dataset).catch(() => undefined)
    rmSync(at, { recursive: true, force: true })
  }
}

interface ZfsFigures {
  /** the dataset with its snapshots (and children): what destroying it all gives back */
  used: number
  /** what the dataset reads, its own data and its origin's alike */
  referenced: number
  /** what only the dataset itself holds, not its snapshots */
  usedByDataset: number
}

/** zfs's own accounting for a dataset, read by property name (never by output order). */
async function zfsUsage(dataset: string): Promise<{ figures: ZfsFigures } | { reason: string }> {
  let r
  try {
    r = await run('zfs', ['get', '-Hp', '-o', 'property,value', 'used,referenced,usedbydataset', dataset], { timeoutMs: 30_000 })
  } catch (err) {
    return { reason: `zfs cannot tell the usage of ${dataset}: ${toolText(err)}` }
  }
  const values = new Map<string, number>()
  for (const line of String(r.stdout).split('\n')) {
    const [property, value] = line.split('\t')
    if (property && value !== undefined && /^\d+$/.test(value)) values.set(property, Number(value))
  }
  const used = values.get('used')
  const referenced = values.get('referenced')
  const usedByDataset = values.get('usedbydataset')
  if (used === undefined || referenced === undefined || usedByDataset === undefined) {
    return { reason: `zfs reported no used/referenced/usedbydataset for ${dataset}` }
  }
  return { figures: { used, referenced, usedByDataset } }
}

/** Destroys a dataset or snapshot with what hangs below it (LXC's -r), tolerating one that is gone already. */
async function destroyDataset(name: string, ctx: OpContext = {}): Promise<void> {
  if (!exists(name)) return
  if (!name.includes('@')) await unmount(name)
  await zfsPatiently(['destroy', '-r', name], ctx)
}

export const zfsDriver: StorageDriver = {
  backend: 'zfs',
  capabilities: {
    create: null,
    copyInto: null,
    cloneFrom: null,
    snapshotOf: ['zfs'],
    snapshotRule: say('zfs-snapshot-rule'),
    snapshotDependsOnOrigin: true,
    originInStorage: true,
    mountableWhileRunning: true,
    // zfs is the kernel module; zfs-fuse mounts through fuse (there LXC itself cannot mount a dataset, Strata can)
    needs: { filesystems: ['zfs', 'fuse'], tools: { zfs: 'zfsutils-linux or zfs-fuse', zpool: 'zfsutils-linux or zfs-fuse' } }
  },
  // cheap, since every clone's choices ask it: is there a zfs to talk to (the kernel module's /dev/zfs, zfs-fuse's socket)?
  probe(): Said | null {
    if (existsSync('/dev/zfs') || existsSync('/run/zfs/zfs_socket')) return null
    return say('zfs-not-running')
  },
  async create(target, ctx) {
    const dataset = await newDataset(target.specs.zfsRoot, target, ctx)
    const fill = await access(dataset)
    return { spec: specOf(dataset), fill }
  },
  async xattrsLost(origin, specs) {
    // a received container's dataset goes where create makes one: under zfsroot
    const pool = (origin ? copyParent(origin, specs) : specs.zfsRoot).split('/')[0]!
    let probe = poolXattrs.get(pool)
    if (!probe) poolXattrs.set(pool, (probe = probePoolXattrs(pool)))
    // a probe that could not run (no such pool) tells nothing: asked again next time, and the copy fails on its own
    const why = await probe.catch(() => (poolXattrs.delete(pool), null))
    return why === null ? null : say('zfs-keeps-no-xattrs', { pool, why })
  },
  async copy(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
    const dataset = await newDataset(copyParent(source.spec, target.specs), target, ctx)
    const opts = { dropUnsupportedXattrs: target.dropUnsupportedXattrs }
    await withMounted(dataset, (dir) => source.withVisibleTree((root) => copyDirectoryTree(root, dir, ctx, 'copy', opts)))
    return specOf(dataset)
  },
  async snapshot(source: SourceStorage, target: BuildTarget, ctx: OpContext): Promise<RootfsSpec> {
    if (source.spec.backend !== 'zfs') throw refused('zfs-snapshot-origin', say('zfs-snapshot-origin'))
    const origin = datasetOf(source.spec)
    const dataset = freeDataset(dirname(origin), basename(target.finalDir), origin)
    const snapshot = `${origin}@${basename(dataset)}`
    await zfs(['snapshot', '-r', snapshot], ctx)
    target.claim(snapshot)
    const at = join(target.buildDir, 'rootfs')
    await zfs(['clone', '-p', '-o', 'canmount=noauto', '-o', `mountpoint=${at}`, snapshot, dataset], ctx)
    target.claim(dataset)
    await unmount(dataset) // zfs-fuse mounts a clone whatever canmount says
    mkdirSync(at, { recursive: true })
    return specOf(dataset)
  },
  /** the dataset's mountpoint; a dataset that is not mounted is mounted (and held, to be unmounted again) */
  async access(spec: RootfsSpec) {
    const path = directoryOf(spec)
    return path.startsWith('/') ? { dir: path } : access(path)
  },
  release: (dataset) => unmount(dataset),
  visibleTree: (spec, _dir, fn) => (directoryOf(spec).startsWith('/') ? fn(directoryOf(spec)) : withMounted(datasetOf(spec), fn)),
  async usage(spec, probe) {
    const path = directoryOf(spec)
    if (path.startsWith('/')) return { ...(await probe.scanned(path, false)), sourceNote: say('usage-zfs-path', { path }) }
    const z = await zfsUsage(path)
    if ('figures' in z) {
      const { used, referenced, usedByDataset } = z.figures
      return { measured: { ...NO_FIGURES, allocatedBytes: referenced }, dataBytes: used, fsShared: Math.max(0, referenced - usedByDataset), source: 'zfs', restBytes: probe.rest(null) }
    }
    // Without zfs there is no mountpoint to scan either: say so rather than guess.
    return { measured: NO_FIGURES, dataBytes: 0, fsShared: null, source: 'scan', restBytes: probe.rest(null), sourceNote: say('usage-not-measured', { reason: z.reason }) }
  },
  writeHostname: (spec, _at, name) => withMounted(datasetOf(spec), (root) => rewriteHostname({ kind: 'dir', root }, name)),
  lineage(spec) {
    const path = directoryOf(spec)
    const { origins: all, byMountpoint } = poolView()
    const dataset = path.startsWith('/') ? byMountpoint.get(path) : path
    if (!dataset || !all.has(dataset)) return null
    const origin = all.get(dataset)
    return { id: dataset, parent: origin ? origin.slice(0, origin.indexOf('@')) : null }
  },
  claimsOf: async (spec) => {
    const dataset = datasetOf(spec)
    const origin = poolView().origins.get(dataset) ?? null
    return origin ? [origin, dataset] : [dataset]
  },
  async undiscardable(items, going = []) {
    // zfs will not destroy a dataset whose snapshots zfs clones read (lxc-destroy and lxc-snapshot -r fail on it too)
    const gone = new Set(going.flatMap((g) => (g.backend === 'zfs' && !directoryOf(g).startsWith('/') ? [directoryOf(g)] : [])))
    const readers = items
      .filter((d) => !d.includes('@'))
      .flatMap((d) => [...poolView().origins].filter(([name, o]) => o?.startsWith(`${d}@`) && !gone.has(name)).map(([name, o]) => `${name} (a clone of ${o})`))
    if (readers.length === 0) return null
    return `its zfs dataset is read by ${readers.length === 1 ? 'the zfs clone' : 'the zfs clones'} ${readers.join(', ')}, so zfs will not destroy it (nor will LXC)`
  },
  async discard(item) {
    await destroyDataset(item)
  },
  async registered(spec, finalDir) {
    const dataset = datasetOf(spec)
    await unmount(dataset)
    await zfs(['set', `mountpoint=${join(finalDir, 'rootfs')}`, dataset])
  },
  async destroy(spec, _containerDir, ctx) {
    // as lxc-destroy: the dataset, then the snapshot it was cloned from (which other clones may still read: then it stays)
    const dataset = datasetOf(spec)
    if (!exists(dataset)) return
    const origin = String((await zfs(['get', '-H', '-o', 'value', 'origin', dataset])).stdout).trim()
    await destroyDataset(dataset, ctx)
    if (origin && origin !== '-') {
      try {
        await destroyDataset(origin, ctx)
      } catch (err) {
        if (!/dependent clones/i.test(toolText(err))) throw err
      }
    }
  }
}
