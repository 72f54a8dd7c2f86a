// Directories a process makes for itself under a shared parent (the ssh masters' control
// directories in $XDG_RUNTIME_DIR or the temp dir), named with their owner's pid and start time
// so that what a process killed outright (SIGKILL) left can be told from what a live one holds
// (a pid alone may have been reused since). The next process to make one sweeps the dead ones.
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

/** A process's start time in clock ticks since boot (/proc/PID/stat field 22), or null when it is gone. */
export function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name (field 2) may hold spaces and parentheses: count from the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null
  }
}

/** `<prefix><pid>.<start>-XXXXXX` under `parent`, this process's own. */
export function makeOwnedDir(parent: string, prefix: string): string {
  return mkdtempSync(join(parent, `${prefix}${process.pid}.${startTime(process.pid) ?? '0'}-`))
}

/**
 * Removes this user's directories `<prefix><pid>.<start>-*` under `parent` whose owner is gone
 * (no process of that pid started then); never a live owner's, nor one named otherwise. Returns
 * the paths removed.
 */
export function sweepOwnedDirs(parent: string, prefix: string): string[] {
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)\\.(\\d+)-[A-Za-z0-9]{6}$`)
  const uid = process.getuid?.()
  const removed: string[] = []
  let names: string[]
  try {
    names = readdirSync(parent)
  } catch {
    return removed
  }
  for (const name of names) {
    const m = pattern.exec(name)
    if (!m || startTime(Number(m[1])) === m[2]) continue
    const path = join(parent, name)
    try {
      const st = lstatSync(path)
      // a shared temp dir: only this user's own directories, never a symlink
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue
      rmSync(path, { recursive: true, force: true })
      removed.push(path)
    } catch {
      // gone meanwhile (its owner's own cleanup, another sweep)
    }
  }
  return removed
}
