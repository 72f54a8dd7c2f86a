// zfs: `zfs:<pool>/<path>/<n>`, a dataset whose mountpoint is the rootfs (or, as older configs
// have it, the mountpoint path itself). Strata reads, lists, mounts and measures zfs containers
// (from zfs's own accounting); it does not make or copy them yet.
import type { RootfsSpec } from '@shared/model'
import { rewriteHostname } from '../fs/hostname'
import { NO_FIGURES } from '../fs/tree-usage'
import { run, toolText } from '../tools'
import { refused } from '@shared/errors'
import { directoryOf, type StorageDriver } from './driver'

const NOT_YET = 'Strata reads zfs containers but cannot make, copy or snapshot them yet.'

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

const refuse = async (): Promise<never> => {
  throw refused('zfs-not-yet', NOT_YET)
}

export const zfsDriver: StorageDriver = {
  backend: 'zfs',
  capabilities: {
    create: NOT_YET,
    copyInto: NOT_YET,
    cloneFrom: NOT_YET,
    snapshotOf: [],
    snapshotRule: NOT_YET,
    snapshotDependsOnOrigin: true,
    mountableWhileRunning: true,
    needs: { filesystems: ['zfs'], tools: { zfs: 'zfsutils-linux or zfs-fuse', zpool: 'zfsutils-linux or zfs-fuse' } }
  },
  create: refuse,
  copy: refuse,
  snapshot: refuse,
  /** the dataset's mountpoint; a dataset that is not mounted is mounted (and held, to be unmounted again) */
  async access(spec: RootfsSpec) {
    const path = directoryOf(spec)
    if (path.startsWith('/')) return { dir: path }
    const r = await run('zfs', ['get', '-H', '-o', 'value', 'mountpoint,mounted', path], { timeoutMs: 30_000 })
    const [mountpoint, mounted] = String(r.stdout).split('\n')
    if (!mountpoint || !mountpoint.startsWith('/')) throw refused('zfs-no-mountpoint', `the zfs dataset ${path} has no mountpoint (${mountpoint})`, path)
    if (mounted === 'yes') return { dir: mountpoint }
    await run('zfs', ['mount', path], { timeoutMs: 60_000 })
    return { dir: mountpoint, held: path }
  },
  async release(dataset: string): Promise<void> {
    await run('zfs', ['umount', dataset], { timeoutMs: 60_000 })
  },
  visibleTree: refuse,
  async usage(spec, probe) {
    const path = directoryOf(spec)
    if (path.startsWith('/')) return { ...(await probe.scanned(path, false)), sourceNote: `scanned: ${path} is a path, not a zfs dataset` }
    const z = await zfsUsage(path)
    if ('figures' in z) {
      const { used, referenced, usedByDataset } = z.figures
      return { measured: { ...NO_FIGURES, allocatedBytes: referenced }, dataBytes: used, fsShared: Math.max(0, referenced - usedByDataset), source: 'zfs', restBytes: probe.rest(null) }
    }
    // Without zfs there is no mountpoint to scan either: say so rather than guess.
    return { measured: NO_FIGURES, dataBytes: 0, fsShared: null, source: 'scan', restBytes: probe.rest(null), sourceNote: `not measured: ${z.reason}` }
  },
  writeHostname: async (spec, _at, name) => rewriteHostname({ kind: 'dir', root: directoryOf(spec) }, name),
  async destroy(): Promise<void> {}
}
