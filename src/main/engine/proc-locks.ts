// Which files are locked right now, from /proc/locks: used to tell LXC's live `partial`
// marker (OFD-locked while lxc-create runs) from a stale one left by a crash.
import { readFileSync } from 'node:fs'

/** `major:minor:inode` keys of every locked file, in the kernel's hex device notation. */
export function lockedInodes(procLocks = '/proc/locks'): Set<string> {
  const keys = new Set<string>()
  let text: string
  try {
    text = readFileSync(procLocks, 'latin1')
  } catch {
    return keys
  }
  for (const line of text.split('\n')) {
    const m = /\s([0-9a-f]+):([0-9a-f]+):(\d+)\s/.exec(line)
    if (m) keys.add(`${parseInt(m[1]!, 16)}:${parseInt(m[2]!, 16)}:${m[3]}`)
  }
  return keys
}

/** The key /proc/locks would use for a file with this stat. */
export function inodeKey(dev: number, ino: number): string {
  // Linux encodes dev_t as major = (dev >> 8) & 0xfff | (dev >> 32) & ~0xfff, minor = dev & 0xff | (dev >> 12) & ~0xff.
  const major = Number((BigInt(dev) >> 8n) & 0xfffn) | Number((BigInt(dev) >> 32n) & ~0xfffn)
  const minor = (dev & 0xff) | Number((BigInt(dev) >> 12n) & ~0xffn)
  return `${major}:${minor}:${ino}`
}
