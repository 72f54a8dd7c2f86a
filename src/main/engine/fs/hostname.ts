// /etc/hostname of a new clone: rewritten only where it exists, and never through a symlink.
// LXC 5.0.2 writes through an etc/hostname symlink onto whatever it points to, on the host.
// For an overlay clone the write goes to the upper layer (as a copy-up would put it there).
import { chmodSync, chownSync, lstatSync, mkdirSync, utimesSync, type Stats } from 'node:fs'
import { join } from 'node:path'
import { getXattrs } from '../native/index'
import { writeFileBeneath } from '../native/beneath'
import { say, type Said } from '@shared/engine-text'

export type HostnameResult =
  | { outcome: 'written'; file: string }
  | { outcome: 'absent' }
  /** a symlink or something else than a file: left alone, with the reason */
  | { outcome: 'skipped'; reason: Said }

export type LayeredRoot = { kind: 'dir'; root: string } | { kind: 'overlay'; upper: string; lowers: readonly string[] }

function lst(path: string): Stats | undefined {
  return lstatSync(path, { throwIfNoEntry: false })
}

function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0
}

async function isOpaque(dir: string): Promise<boolean> {
  const x = await getXattrs(dir).catch(() => ({}) as Record<string, Buffer>)
  return ['trusted.overlay.opaque', 'user.overlay.opaque'].some((k) => x[k]?.toString() === 'y')
}

function content(name: string): string {
  return `${name}\n`
}

function writeExisting(root: string, name: string): HostnameResult {
  try {
    writeFileBeneath(root, 'etc/hostname', content(name))
    return { outcome: 'written', file: join(root, 'etc/hostname') }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { outcome: 'absent' }
    if (code === 'ELOOP' || code === 'EXDEV' || code === 'EINVAL')
      return { outcome: 'skipped', reason: say('hostname-not-plain', { file: `${root}/etc/hostname` }) }
    throw err
  }
}

/** Which layer holds the visible etc/hostname, or why there is none / it is not safe. */
async function findInLayers(layers: readonly string[]): Promise<{ layer: string; st: Stats } | HostnameResult> {
  for (const layer of layers) {
    const etc = lst(join(layer, 'etc'))
    if (etc) {
      if (isWhiteout(etc)) return { outcome: 'absent' }
      if (!etc.isDirectory()) return { outcome: 'skipped', reason: say('hostname-etc-not-dir', { dir: `${layer}/etc` }) }
      const file = lst(join(layer, 'etc/hostname'))
      if (file) {
        if (isWhiteout(file)) return { outcome: 'absent' }
        if (!file.isFile()) return { outcome: 'skipped', reason: say('hostname-not-plain-layer', { file: `${layer}/etc/hostname` }) }
        return { layer, st: file }
      }
      if (await isOpaque(join(layer, 'etc'))) return { outcome: 'absent' }
    }
  }
  return { outcome: 'absent' }
}

export async function rewriteHostname(root: LayeredRoot, name: string): Promise<HostnameResult> {
  if (root.kind === 'dir') return writeExisting(root.root, name)
  const found = await findInLayers([root.upper, ...root.lowers])
  if ('outcome' in found) return found
  if (found.layer === root.upper) return writeExisting(root.upper, name)
  // Copy-up: the upper gets etc/ with the lower's owner, mode and times, then the file.
  const lowerEtc = lstatSync(join(found.layer, 'etc'))
  const upperEtc = join(root.upper, 'etc')
  if (!lst(upperEtc)) {
    mkdirSync(upperEtc, { mode: lowerEtc.mode & 0o7777 })
    chownSync(upperEtc, lowerEtc.uid, lowerEtc.gid)
    chmodSync(upperEtc, lowerEtc.mode & 0o7777)
  }
  writeFileBeneath(root.upper, 'etc/hostname', content(name), { mode: found.st.mode & 0o7777, uid: found.st.uid, gid: found.st.gid })
  utimesSync(upperEtc, lowerEtc.atime, lowerEtc.mtime)
  return { outcome: 'written', file: join(root.upper, 'etc/hostname') }
}
