// A filesystem image made for a test, loop-mounted in a temporary directory, so that df and
// cold-cache figures mean something (the root filesystem here is shared and journal-less).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { own } from '../support/owned'

export interface LoopFs {
  dir: string
  mnt: string
  image: string
  /** used bytes as df counts them, after a sync */
  usedBytes(): number
  remount(): void
  cleanup(): void
}

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8' })
}

export function makeLoopFs(fstype: 'ext4' | 'btrfs', sizeMb: number, prefix = 'strata-loopfs-', inodes = 0): LoopFs {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const image = join(dir, 'fs.img')
  const mnt = join(dir, 'mnt')
  // for the next run's sweep, should this one be killed before cleanup (the loop device goes with the mount)
  const records = [own({ kind: 'dir', path: dir }), own({ kind: 'mount', path: mnt })]
  mkdirSync(mnt)
  sh('truncate', ['-s', `${sizeMb}M`, image])
  if (fstype === 'ext4') sh('mkfs.ext4', ['-q', '-F', '-O', 'has_journal', ...(inodes ? ['-N', String(inodes)] : []), image])
  else sh('mkfs.btrfs', ['-q', '-f', image])
  sh('mount', ['-o', 'loop', image, mnt])
  return {
    dir,
    mnt,
    image,
    usedBytes() {
      sh('sync', ['-f', mnt])
      const [blocks, free, size] = sh('stat', ['-f', '-c', '%b %f %S', mnt]).trim().split(' ').map(Number)
      return (blocks! - free!) * size!
    },
    remount() {
      sh('umount', [mnt])
      sh('mount', ['-o', 'loop', image, mnt])
    },
    cleanup() {
      try {
        sh('umount', [mnt])
      } catch {
        try {
          sh('umount', ['-l', mnt])
        } catch {
          // not mounted
        }
      }
      rmSync(dir, { recursive: true, force: true })
      records.forEach((forget) => forget())
    }
  }
}
