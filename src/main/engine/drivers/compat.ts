// TEMPORARY (UI stand-in until the ops engineer's compat.ts lands; replace this whole file).
// Which backend a clone may use, from lxc-format.md §1.2 (LXC 5.0.2's storage_copy rules),
// plus what this machine can do (kernel filesystems, tools, loop devices).
import { accessSync, constants, existsSync, readFileSync, statfsSync } from 'node:fs'
import type { Backend, BackendChoice } from '@shared/model'

const BTRFS_MAGIC = 0x9123683e
const hasTool = (bin: string): boolean =>
  ['/usr/sbin', '/sbin', '/usr/bin', '/bin'].some((d) => {
    try {
      accessSync(`${d}/${bin}`, constants.X_OK)
      return true
    } catch {
      return false
    }
  })

const OFFERED: Backend[] = ['dir', 'overlay', 'btrfs', 'zfs', 'lvm', 'loop', 'aufs']

function kernelFs(): Set<string> {
  try {
    return new Set(readFileSync('/proc/filesystems', 'utf8').split('\n').map((l) => l.split('\t').pop()!.trim()))
  } catch {
    return new Set()
  }
}

function onBtrfs(path: string): boolean {
  try {
    return statfsSync(path).type === BTRFS_MAGIC
  } catch {
    return false
  }
}

/** Why this machine cannot use the backend, or null. */
function machineReason(b: Backend, target: string, fs: Set<string>): string | null {
  switch (b) {
    case 'overlay': return fs.has('overlay') ? null : 'this kernel has no overlay filesystem'
    case 'btrfs': return onBtrfs(target) ? null : `${target} is not on a btrfs filesystem`
    case 'zfs': return fs.has('zfs') ? null : 'LXC mounts zfs with mount(2), which needs the zfs kernel module (zfs-fuse is not enough)'
    case 'lvm': return hasTool('lvcreate') && existsSync('/dev/mapper/control') ? null : 'LVM needs lvcreate and device-mapper, which this machine lacks'
    case 'loop': return existsSync('/dev/loop-control') ? null : 'this machine has no loop devices'
    case 'aufs': return 'aufs is not in this kernel, and LXC removed its aufs driver in 3.0'
    default: return null
  }
}

/** LXC's rule for one (origin backend, mode, target backend): null if allowed, else why not. */
function ruleReason(origin: Backend, mode: 'copy' | 'snapshot', b: Backend, sameLxcpath: boolean): string | null {
  if (mode === 'snapshot') {
    if (origin === 'loop') return 'loop containers cannot be snapshotted (LXC: "does not support snapshots")'
    if (origin === 'dir' || origin === 'overlay')
      return b === 'overlay' ? null : `a snapshot clone of a ${origin} container is always overlay`
    if (origin === 'btrfs' || origin === 'zfs' || origin === 'lvm')
      return b === origin ? null : `a snapshot clone of a ${origin} container stays ${origin}`
    return `${origin} containers cannot be snapshot-cloned`
  }
  if (b === 'loop') return null // LXC builds a loop target from any origin
  if (origin === 'overlay') {
    if (b === 'dir') return null
    if (b === 'overlay') return 'overlay can only be used for snapshots: a copy needs another backend (dir)'
  }
  if (b === 'dir') return null
  if (b === origin && sameLxcpath && (b === 'btrfs' || b === 'zfs' || b === 'lvm')) return null
  if (b === 'btrfs' && origin === 'btrfs') return null
  return `LXC copies a ${origin} container only into dir, loop${origin === 'overlay' ? '' : ` or ${origin}`}`
}

/** LXC's pick when -B is not given (storage_copy). */
function lxcDefault(origin: Backend, mode: 'copy' | 'snapshot', sameLxcpath: boolean): Backend {
  if (mode === 'snapshot') return origin === 'dir' ? 'overlay' : origin
  return sameLxcpath ? origin : 'dir'
}

export function cloneChoices(origin: { backend: Backend; lxcpath: string }, target: { lxcpath: string }): BackendChoice[] {
  const fs = kernelFs()
  const same = origin.lxcpath.replace(/\/+$/, '') === target.lxcpath.replace(/\/+$/, '')
  const out: BackendChoice[] = []
  for (const mode of ['copy', 'snapshot'] as const) {
    const def = lxcDefault(origin.backend, mode, same)
    for (const b of OFFERED) {
      // aufs cannot exist here at all: say that rather than a rule about it.
      const reason =
        b === 'aufs' ? machineReason(b, target.lxcpath, fs) : (ruleReason(origin.backend, mode, b, same) ?? machineReason(b, target.lxcpath, fs))
      out.push({ backend: b, mode, allowed: reason === null, reason, isDefault: b === def })
    }
  }
  return out
}
