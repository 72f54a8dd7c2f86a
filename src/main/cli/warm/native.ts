// The addon's few process-level calls the CLI uses: the fast exit and the warm worker's
// socket calls (native/warm.c). Loaded only when needed, from where the engine loads it.
import { createRequire } from 'node:module'
import { addonPath } from '../../engine/native'

export interface WarmRequest {
  conn: number
  fds: [number, number, number]
  uid: number
  /** NUL-separated: protocol, cwd, umask (octal), argc, argv..., env... */
  payload: string
}

export interface ProcessAddon {
  exitNow(code: number): never
  warmListen(dir: string): { fd: number; ino: number } | null
  warmUnlink(dir: string, ino: number): void
  warmAccept(listenFd: number, timeoutMs: number): WarmRequest | null
  warmPending(listenFd: number): boolean
  warmSend(fd: number, text: string): boolean
  dup2Fd(from: number, to: number): void
  closeFd(fd: number): void
  releaseStdio(): void
  spawnSuccessor(file: string, argv: string[], listenFd: number): { pid: number; hold: number }
  /** the kept listing's inotify feed (kept-listing.ts): keepWatchAdd gives a wd, or -errno */
  keepWatchOpen(): number
  keepWatchAdd(fd: number, path: string): number
  keepWatchDrain(fd: number): { overflow: boolean; wds: number[] }
}

let cached: ProcessAddon | null | undefined

/** The addon, or null where it is not built (the callers then do it Node's way). */
export function processAddon(): ProcessAddon | null {
  if (cached !== undefined) return cached
  try {
    cached = createRequire(import.meta.url)(addonPath()) as ProcessAddon
    if (typeof cached.exitNow !== 'function') cached = null
  } catch {
    cached = null
  }
  return cached
}

/**
 * Ends the process with `code` as soon as the command is done. Everything the CLI prints is
 * written synchronously (stdout by writeStdout; stderr is synchronous for files, pipes and
 * terminals on Linux), and every command awaits its own work. Left to end on its own, or
 * with process.exit, Node still tears down its heap and joins its platform threads after the
 * last write: 25 ms of a `strata ls` run here (the bench's exit phase). 'exit' listeners
 * (the phase marks, the warm worker's status) run first, as process.exit runs them.
 */
export function exitNow(code: number): never {
  const addon = processAddon()
  if (!addon) process.exit(code)
  process.exitCode = code
  process.emit('exit', code)
  return addon.exitNow(code)
}
