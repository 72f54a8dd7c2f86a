// A test's warm workers (out/cli/warm-worker.cjs), found and waited for through /proc: the ones
// serving a test's own worker directory (STRATA_WARM_DIR), so tests running at the same time
// never take each other's.
import { execa } from 'execa'
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'

export const CLIENT = join(import.meta.dirname, '../../build/Release/strata')

/** Pids of the workers serving `dir` (their command line names it). */
export function workerPids(dir: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0')
        return cmd.some((a) => a.endsWith('warm-worker.cjs')) && cmd[cmd.indexOf('--dir') + 1] === dir
      } catch {
        return false
      }
    })
    .map(Number)
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export async function until(what: string, ok: () => boolean, ms = 90_000): Promise<void> {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

/**
 * One worker of `dir` is up and waiting for a command in its poll() on the socket (syscall 7 on
 * one fd, its main thread, from /proc): the next call is a warm one, its warm-up and kept listing
 * done. Asleep is not enough: during its warm-up a worker also sleeps on children and timers, and
 * a call made then waits for the rest of the warm-up (seconds on a loaded machine). Its pid.
 */
export async function warmReady(dir: string): Promise<number> {
  let pid = 0
  await until('a warm worker waiting for a command', () => {
    const pids = workerPids(dir)
    if (pids.length !== 1 || !existsSync(join(dir, 'cli-warm.sock'))) return false
    pid = pids[0]!
    try {
      // Node itself (a successor is a shell until the command before it ends)
      if (!readlinkSync(`/proc/${pid}/exe`).includes('node')) return false
      const call = readFileSync(`/proc/${pid}/syscall`, 'utf8').split(' ')
      return call[0] === '7' && call[2] === '0x1'
    } catch {
      return false
    }
  })
  return pid
}

/** `strata warm stop` for `dir`, and SIGKILL for a worker still there after 5 s. */
export async function stopWorkers(dir: string): Promise<void> {
  await execa(CLIENT, ['warm', 'stop'], { reject: false, env: { ...process.env, STRATA_WARM_DIR: dir } })
  await until('the workers to stop', () => workerPids(dir).length === 0, 5_000).catch(() => {
    for (const pid of workerPids(dir)) process.kill(pid, 'SIGKILL')
  })
}
