// Machine probes shared by drivers: which filesystems this kernel knows.
import { readFileSync } from 'node:fs'

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
