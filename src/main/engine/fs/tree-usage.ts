// The default way to measure a rootfs: one native scan per tree (shared by whoever asks for the
// same path: a lower scanned once whatever reads it), and a plain walk of the rest of the
// container's directory. Drivers with their own accounting (btrfs qgroups, zfs properties)
// use it only where that accounting cannot be had.
import { lstatSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import type { UsageFigures } from '@shared/model'
import { scanUsage, type UsageResult } from '../native'

export const NO_FIGURES: UsageFigures = { apparentBytes: 0, allocatedBytes: 0, files: 0, dirs: 0, hardlinkedInodes: 0, whiteouts: 0, opaqueDirs: 0 }

export function figures(r: UsageResult): UsageFigures {
  return {
    apparentBytes: r.apparentBytes,
    allocatedBytes: r.allocatedBytes,
    files: r.files,
    dirs: r.dirs,
    hardlinkedInodes: r.hardlinkedInodes,
    whiteouts: r.whiteouts,
    opaqueDirs: r.opaqueDirs
  }
}

const SLASH = Buffer.from('/')

/**
 * Allocated bytes of a container directory without the paths in `skip` (its data and `snaps/`,
 * measured on their own). These are a handful of small files, so a plain walk is fine here; it
 * never follows a symlink and never leaves the filesystem.
 */
export function restOfDir(dir: string, skip: ReadonlySet<string>): number {
  const root = lstatSync(dir, { throwIfNoEntry: false })
  if (!root) return 0
  // Names are bytes (LXC allows any): walk with Buffers, never decoding them.
  const skipped = [...skip].map((p) => Buffer.from(p))
  const seen = new Set<string>()
  let total = root.blocks * 512
  const walk = (path: Buffer): void => {
    let names: Buffer[]
    try {
      names = readdirSync(path, { encoding: 'buffer' })
    } catch {
      return
    }
    for (const n of names) {
      const child = Buffer.concat([path, SLASH, n])
      if (skipped.some((s) => s.equals(child))) continue
      const st = lstatSync(child, { throwIfNoEntry: false })
      if (!st || st.dev !== root.dev) continue
      if (st.nlink > 1 && !st.isDirectory()) {
        const k = `${st.ino}`
        if (seen.has(k)) continue
        seen.add(k)
      }
      total += st.blocks * 512
      if (st.isDirectory()) walk(child)
    }
  }
  walk(Buffer.from(resolve(dir)))
  return total
}

/** One native scan per path, whoever asks, for one measurement. */
export class TreeScans {
  private scans = new Map<string, Promise<UsageResult>>()
  constructor(private signal: AbortSignal | undefined) {}

  scan(path: string, xattrs: boolean): Promise<UsageResult> {
    const key = resolve(path)
    let p = this.scans.get(key)
    if (!p) {
      p = scanUsage(key, { signal: this.signal, xattrs })
      this.scans.set(key, p)
    }
    return p
  }
}
