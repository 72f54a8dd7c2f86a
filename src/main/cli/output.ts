// Standard output and error written straight to fds 1 and 2. Node's process.stdout on a pipe
// is a socket stream whose machinery costs ~3 ms to load, a tenth of a `strata ls | jq` run; the
// CLI prints whole results at once and needs none of it. Never opening process.stdout/stderr
// also lets the warm worker (warm/) run commands before the caller's fds are its own.
import { fstatSync, writeSync } from 'node:fs'
import { createRequire } from 'node:module'

const STDOUT = 1
const STDERR = 2

/** Linux's memory devices (/dev/null, zero, full, random...): character devices, never a terminal. */
const MEM_DEVICES_MAJOR = 1

/**
 * True when the fd is a terminal. Only a character device can be one, so a pipe, a file or
 * /dev/null costs a fstat; only another character device loads node:tty (with node:net, ~5 ms).
 */
function isTerminal(fd: number): boolean {
  try {
    const st = fstatSync(fd)
    if (!st.isCharacterDevice() || deviceMajor(st.rdev) === MEM_DEVICES_MAJOR) return false
  } catch {
    return false
  }
  const tty = createRequire(import.meta.url)('node:tty') as typeof import('node:tty')
  return tty.isatty(fd)
}

/** The major number of a Linux device number (glibc's gnu_dev_major). */
function deviceMajor(rdev: number): number {
  return ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff)
}

export const stdoutIsTerminal = (): boolean => isTerminal(STDOUT)
export const stderrIsTerminal = (): boolean => isTerminal(STDERR)

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * Writes all of `text`. A reader that went away (`strata ls | head`) ends the process quietly,
 * as it ends any Unix tool; a non-blocking stdout that is full is waited for.
 */
export const writeStdout = (text: string | Uint8Array): void => writeAll(STDOUT, text)
export const writeStderr = (text: string | Uint8Array): void => writeAll(STDERR, text)

function writeAll(fd: number, text: string | Uint8Array): void {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text
  let offset = 0
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EAGAIN') pause(1)
      else if (code === 'EPIPE') process.exit(process.exitCode ?? 0)
      else throw err
    }
  }
}
