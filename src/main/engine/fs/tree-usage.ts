// The default way to measure a rootfs: one native scan per tree (shared by whoever asks for the
// same path: a lower scanned once whatever reads it), and a plain walk of the rest of the
// container's directory. Drivers with their own accounting (btrfs qgroups, zfs properties)
// use it only where that accounting cannot be had.
import { lstatSync, readdirSync, statfsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { UsageFigures } from '@shared/model'
import { scanUsage, type UsageResult } from '../native'
import { ioThreads } from './io-threads'

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

/** Filesystems whose files can share extents (reflink copies): btrfs, xfs. */
const REFLINK_FS = new Set([0x9123683e, 0x58465342])

/** Whether files at path can share extents with others, so that their shared bytes must be counted apart. */
export function sharesExtents(path: string): boolean {
  try {
    return REFLINK_FS.has(statfsSync(path).type)
  } catch {
    return false
  }
}

/** Where a measurement can take a tree's figures without scanning it (live trees), or null. */
export type KnownFigures = (path: string, xattrs: boolean) => Promise<UsageResult> | null

/** One native scan per path, whoever asks, for one measurement. */
export class TreeScans {
  private scans = new Map<string, Promise<UsageResult>>()
  constructor(
    private signal: AbortSignal | undefined,
    private known: KnownFigures | null = null
  ) {}

  /** With `shared`, the bytes of extents other files use too are counted apart (sharedBytes). */
  scan(path: string, xattrs: boolean, shared = false): Promise<UsageResult> {
    const key = resolve(path)
    const id = `${shared ? 's' : '-'}${xattrs ? 'x' : '-'}${key}`
    let p = this.scans.get(id)
    if (!p) {
      p = (!shared && this.known?.(key, xattrs)) || scanUsage(key, { signal: this.signal, xattrs, shared, threads: ioThreads() })
      this.scans.set(id, p)
    }
    return p
  }
}
