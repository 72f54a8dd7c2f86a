// Machine probes shared by drivers and the environment check: which filesystems this kernel
// knows, where a tool is, and what of a driver's needs this machine lacks.
import { article, say, type Said } from '@shared/engine-text'
import { accessSync, constants, readFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { DriverNeeds, StorageDriver } from './driver'

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

/** What the machine lacks of a driver's needs, as `fs:NAME` and `tool:NAME` (the environment check's words). */
export function missingNeeds(needs: DriverNeeds): string[] {
  const fs = needs.filesystems
  return [...(fs && !fs.some((f) => kernelFilesystems().has(f)) ? [`fs:${fs[0]}`] : []), ...Object.keys(needs.tools).filter((t) => !which(t)).map((t) => `tool:${t}`)]
}

/** Why the driver cannot work here for this lxcpath (what the machine lacks, then the driver's own probe), or null. */
export function driverProblem(driver: StorageDriver, lxcpath: string): Said | null {
  const { filesystems, tools, root } = driver.capabilities.needs
  if (filesystems && !filesystems.some((f) => kernelFilesystems().has(f))) return say('no-kernel-fs', { fs: filesystems[0]! })
  const tool = Object.keys(tools).find((t) => !which(t))
  if (tool) return say('tool-missing', { tool, package: tools[tool]! })
  if (root && process.geteuid?.() !== 0) return say('needs-root', { a: article(driver.backend) === 'an' ? 'An' : 'A', backend: driver.backend })
  return driver.probe?.(lxcpath) ?? null
}
