// Machine probes shared by drivers and the environment check: which filesystems this kernel
// knows, and where a tool is.
import { accessSync, constants, readFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'

let cached: Set<string> | null = null

/** Names from /proc/filesystems (overlay, btrfs, fuse, ...). */
export function kernelFilesystems(): Set<string> {
  if (cached) return cached
  const names = new Set<string>()
  try {
    for (const line of readFileSync('/proc/filesystems', 'utf8').split('\n')) {
      const name = line.split('\t').pop()?.trim()
      if (name) names.add(name)
    }
  } catch {
    // no /proc: report nothing as available
  }
  cached = names
  return names
}

/** Where an executable is: on PATH, else in the sbin and bin directories a shell of root has. */
export function which(bin: string): string | null {
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin'])
  for (const d of dirs) {
    const p = join(d, bin)
    try {
      accessSync(p, constants.X_OK)
      return p
    } catch {
      /* next */
    }
  }
  return null
}
