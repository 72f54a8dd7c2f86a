import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { execFile } from 'node:child_process'
import { existsSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lockFile, lxcLockPath } from '../../src/main/engine/native/index'
import { sh, tmp } from './helpers'

const execFileP = promisify(execFile)

async function exitCode(cmd: string, args: string[]): Promise<number> {
  try {
    await execFileP(cmd, args)
    return 0
  } catch (e) {
    return (e as { code?: number }).code ?? -1
  }
}

/** Resolves when p settles, or 'pending' after ms. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))])
}

let P: string
const lockDirs: string[] = []
beforeAll(() => {
  P = tmp('lock')
  lockDirs.push(`/run/lxc/lock${P}`)
  sh(`lxc-create -P '${P}' -n c1 -t busybox >/dev/null 2>&1`)
})
afterAll(() => {
  rmSync(P, { recursive: true, force: true })
  // LXC never deletes its lock files; remove the dirs our temp lxcpath created under /run/lxc/lock
  for (const d of lockDirs) rmSync(d, { recursive: true, force: true })
})

describe('lockFile / lxcLockPath', () => {
  it('computes the path LXC uses', () => {
    const p = lxcLockPath(P, 'c1')
    expect(p).toBe(`/run/lxc/lock/${P}/.c1`) // root owns /run; '//' as LXC writes it
  })

  it('blocks real LXC while held, and LXC proceeds after release', async () => {
    const path = lxcLockPath(P, 'c1')
    const lock = await lockFile(path)
    try {
      const st = statSync(path)
      expect(st.mode & 0o777).toBe(0o600)
      expect(await exitCode('timeout', ['2', 'lxc-info', '-P', P, '-n', 'c1'])).toBe(124)
    } finally {
      lock.release()
    }
    expect(await exitCode('timeout', ['5', 'lxc-info', '-P', P, '-n', 'c1'])).toBe(0)
    lock.release() // idempotent
  })

  it('waits while another process holds an fcntl lock; wait:false and abort reject', async () => {
    const path = join(P, 'locks/deeper/.x')
    const holder: ChildProcessWithoutNullStreams = spawn('python3', [
      '-c',
      'import fcntl,os,sys\nos.makedirs(os.path.dirname(sys.argv[1]),exist_ok=True)\nf=open(sys.argv[1],"a")\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint("locked",flush=True)\nsys.stdin.read()',
      path
    ])
    try {
      await new Promise<void>((res, rej) => {
        holder.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && res())
        holder.on('exit', (c) => rej(new Error(`holder exited ${c}`)))
      })
      await expect(lockFile(path, { wait: false })).rejects.toMatchObject({ code: 'EAGAIN' })

      const ac = new AbortController()
      const cancelled = lockFile(path, { signal: ac.signal })
      expect(await within(cancelled, 200)).toBe('pending')
      ac.abort()
      // the holder still holds the lock: only the cancel can have ended the wait
      await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' })

      const waiting = lockFile(path)
      expect(await within(waiting, 300)).toBe('pending')
      holder.stdin.end() // python exits, its lock goes away
      const lock = await within(waiting, 3000)
      expect(lock).not.toBe('pending')
      if (lock !== 'pending') {
        // while we hold it, a POSIX lock from another process fails
        const r = await execFileP('python3', ['-c', 'import fcntl,sys\nf=open(sys.argv[1],"a")\ntry:\n  fcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB); print("got")\nexcept OSError: print("busy")', path])
        expect(r.stdout.trim()).toBe('busy')
        lock.release()
        const r2 = await execFileP('python3', ['-c', 'import fcntl,sys\nf=open(sys.argv[1],"a")\nfcntl.lockf(f,fcntl.LOCK_EX|fcntl.LOCK_NB); print("got")', path])
        expect(r2.stdout.trim()).toBe('got')
      }
      expect(existsSync(path)).toBe(true) // never deleted, like LXC
    } finally {
      holder.kill()
    }
  })
})
