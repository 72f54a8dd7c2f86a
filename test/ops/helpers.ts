// Helpers for the write-side tests: file reads and LXC's bookkeeping, read back as text.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { expect } from 'vitest'
import { strata, type TestLxcpath } from '../helpers/lxc'

/** Runs the CLI and requires it to succeed; its stdout. */
export async function strataOk(...args: string[]): Promise<string> {
  const r = await strata(...args)
  expect(r.code, r.stderr).toBe(0)
  return r.stdout
}

/** Starts a container with LXC, requires LXC to see it running, and stops it again. */
export async function startStop(lxcpath: string, name: string): Promise<void> {
  await execa('lxc-start', ['-P', lxcpath, '-n', name])
  expect((await execa('lxc-info', ['-P', lxcpath, '-n', name, '-s'])).stdout).toMatch(/RUNNING/)
  await execa('lxc-stop', ['-P', lxcpath, '-n', name, '-k'])
}

export function text(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null
}

export function pairs(...refs: [string, string][]): string {
  return refs.map(([p, n]) => `${p}\n${n}\n`).join('')
}

/** `strata check` on one lxcpath: exit code and findings. */
export async function check(lxcpath: string): Promise<{ code: number; findings: { code: string; message: string }[] }> {
  const r = await strata('check', '-P', lxcpath, '--json')
  return { code: r.code, findings: r.stdout ? JSON.parse(r.stdout) : [] }
}

export async function lxcLs(lxcpath: string): Promise<string[]> {
  const r = await execa('lxc-ls', ['-P', lxcpath, '-1'])
  return r.stdout.split('\n').filter(Boolean)
}

/** Holds a classic fcntl write lock (which conflicts with LXC's OFD lock) from another process until release(). */
export async function holdLock(path: string): Promise<{ release(): Promise<void> }> {
  const p = spawn('python3', ['-c', 'import fcntl,sys,os\nos.makedirs(os.path.dirname(sys.argv[1]),exist_ok=True)\nf=open(sys.argv[1],"a")\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint("locked",flush=True)\nimport time\ntime.sleep(600)', path], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    p.stdout.once('data', () => resolve())
    p.once('error', reject)
  })
  return {
    release: () =>
      new Promise<void>((resolve) => {
        if (p.exitCode !== null || p.signalCode !== null) return resolve()
        p.once('exit', () => resolve())
        p.kill('SIGKILL') // its lock goes with it
      })
  }
}

export function dir(lxcpath: string, name: string, ...rest: string[]): string {
  return join(lxcpath, name, ...rest)
}

/** base <- a (an overlay snapshot clone) <- a2 (a clone of the clone), base <- b, made by LXC in P: what the destroy plans are tried on. */
export async function addCloneTree(P: TestLxcpath): Promise<void> {
  await P.create('base')
  await P.lxc('lxc-copy', '-n', 'base', '-N', 'a', '-s', '-B', 'overlay')
  await P.lxc('lxc-copy', '-n', 'a', '-N', 'a2', '-s', '-B', 'overlay')
  await P.lxc('lxc-copy', '-n', 'base', '-N', 'b', '-s', '-B', 'overlay')
}
