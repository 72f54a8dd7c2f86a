// What a test run makes outside itself (network namespaces, mounts, zpools, allow-list lines,
// daemons, temporary directories), recorded under its owner, the test process: its pid and
// start time (so a reused pid is not taken for it). Its own cleanup takes each record out
// again; what a run killed before its cleanup leaves is recorded still, and the next run's
// sweep (sweep.ts) removes it once the owner is gone. Runs in other checkouts share the
// machine: a live owner's records are never touched.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTime } from '../../src/main/hosts/owned-dirs'

/** What can be left behind, and what identifies it (the sweep undoes each kind in sweep.ts). */
export type Owned =
  | { kind: 'process'; pid: number; start: string }
  | { kind: 'netns'; name: string }
  | { kind: 'link'; name: string }
  | { kind: 'allowed-lxcpath'; path: string }
  | { kind: 'zpool'; name: string; guid: string }
  | { kind: 'zfs-fuse'; pid: number; start: string }
  | { kind: 'mount'; path: string }
  | { kind: 'dir'; path: string }

export const OWNED_ROOT = '/run/strata-tests'

/** A process's start time (/proc/PID/stat), as the app's own owned directories name their owner. */
export { startTime }

/** The running process `pid` that started at `start`: not one that got its pid later. */
export function alive(pid: number, start: string): boolean {
  return startTime(pid) === start
}

let count = 0

/** Records `what` as this process's; the function returned takes the record out (its cleanup ran). */
export function own(what: Owned): () => void {
  const dir = join(OWNED_ROOT, `${process.pid}.${startTime(process.pid)}`)
  const file = join(dir, `${++count}-${what.kind}.json`)
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    writeFileSync(file, JSON.stringify(what))
  } catch {
    // not root (no /run to write): such a run makes none of these things
    return () => undefined
  }
  return () => rmSync(file, { force: true })
}

/** A process this run started, recorded by its pid and start time. */
export function ownProcess(pid: number | undefined): () => void {
  const start = pid === undefined ? null : startTime(pid)
  return pid === undefined || start === null ? () => undefined : own({ kind: 'process', pid, start })
}
