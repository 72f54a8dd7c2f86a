// LXC's own per-container lock (an OFD write lock on /run/lxc/lock/<lxcpath>/.<name>), held
// while Strata changes a container's config or bookkeeping, so lxc-copy / lxc-destroy running
// at the same time wait for us and we wait for them.
// Without the native addon, a perl child holds a classic fcntl write lock on the same file
// instead (it conflicts with LXC's OFD lock too; flock(1) would not).
import { lstatSync, mkdirSync } from 'node:fs'
import { giveToUser, usernsOwner } from './identity'
import { dirname } from 'node:path'
import type { ContainerRef } from '@shared/model'
import { lockFile, lxcLockPath, lxcRunDir, nativeAvailable, type LockHandle } from './native/index'

const PERL_LOCK = `use Fcntl; sysopen(my $f, $ARGV[0], O_RDWR|O_CREAT|O_NOFOLLOW, 0600) or die "open: $!";
my $l = pack("s s x4 q q i x4", F_WRLCK, 0, 0, 0, 0); fcntl($f, F_SETLKW, $l) or die "lock: $!";
$| = 1; print "locked\\n"; <STDIN>;`
const PERL_TRY = PERL_LOCK.replace('F_SETLKW', 'F_SETLK').replace('or die "lock: $!"', 'or do { print "busy\\n"; exit 0 }')

async function lockWithPerl(path: string, wait: boolean, signal?: AbortSignal): Promise<LockHandle> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 })
  // loaded here: node:child_process costs ~1 ms of every CLI start, and this is only the fallback
  const { spawn } = await import('node:child_process')
  const child = spawn('perl', ['-e', wait ? PERL_LOCK : PERL_TRY, path], { stdio: ['pipe', 'pipe', 'pipe'], signal })
  await new Promise<void>((resolve, reject) => {
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.stdout.once('data', (d: Buffer) =>
      d.toString().startsWith('busy') ? reject(Object.assign(new Error(`${path} is locked`), { code: 'EAGAIN' })) : resolve()
    )
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`cannot take LXC's lock on ${path}: ${err.trim() || `perl exited ${code}`}`)))
  })
  return { release: () => void child.stdin.end() }
}

/** An fcntl write lock on any path (created 0600); wait=false rejects with code EAGAIN when held. */
export async function lockPath(path: string, opts: { signal?: AbortSignal; wait?: boolean } = {}): Promise<LockHandle> {
  const wait = opts.wait ?? true
  return nativeAvailable() ? lockFile(path, { signal: opts.signal, wait }) : lockWithPerl(path, wait, opts.signal)
}

export async function takeLxcLock(ref: ContainerRef, signal?: AbortSignal): Promise<LockHandle> {
  const path = lxcLockPath(ref.lxcpath, ref.name)
  const lock = await lockPath(path, { signal })
  // in the user's namespace, what this made under their run dir stays theirs, so that their LXC can open it too
  if (usernsOwner() !== null) for (let p = path; p.startsWith(lxcRunDir()) && p !== lxcRunDir(); p = dirname(p)) if (lstatSync(p).uid === 0) giveToUser(p)
  return lock
}

export async function withLxcLock<T>(ref: ContainerRef, fn: () => Promise<T> | T, signal?: AbortSignal): Promise<T> {
  const lock = await takeLxcLock(ref, signal)
  try {
    return await fn()
  } finally {
    lock.release()
  }
}
