// Wrappers for beneath.c: symlink-proof writes below a root, and an atomic directory swap.
// Kept apart from index.ts; the same .node file is loaded (Node caches it by path).
import { closeSync, constants, fchownSync, fstatSync, ftruncateSync, lstatSync, openSync, writeSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { unavailable } from '@shared/errors'
import { addonPath, nativeAvailable } from './index'

interface BeneathAddon {
  writeFileBeneath(root: string, rel: string, data: Buffer, createMode: number, uid: number, gid: number): void
  exchangePaths(a: string, b: string): void
}

function addon(): BeneathAddon {
  if (!nativeAvailable()) throw unavailable('native-addon', `strata native addon not found at ${addonPath()}: run \`npm install\``)
  return createRequire(import.meta.url)(addonPath()) as BeneathAddon
}

/**
 * Writes `data` to `rel` below `root`, never following a symlink and never leaving `root`
 * (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS|RESOLVE_NO_XDEV). Without `create`, the file
 * must already exist; a symlink anywhere on the way fails with code ELOOP (or EXDEV).
 */
export function writeFileBeneath(
  root: string,
  rel: string,
  data: string | Buffer,
  create?: { mode: number; uid: number; gid: number }
): void {
  const buf = typeof data === 'string' ? Buffer.from(data) : data
  if (nativeAvailable()) return addon().writeFileBeneath(root, rel, buf, create?.mode ?? -1, create?.uid ?? -1, create?.gid ?? -1)
  writeWithoutAddon(root, rel, buf, create)
}

function errnoError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code })
}

/**
 * Without the addon: every directory on the way must be a real directory (lstat), and the file is
 * opened with O_NOFOLLOW. Weaker than openat2 (a concurrent rename could race it), which is why
 * it is only the fallback; the containers written here are stopped.
 */
function writeWithoutAddon(root: string, rel: string, buf: Buffer, create?: { mode: number; uid: number; gid: number }): void {
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.')
  if (parts.includes('..')) throw errnoError('EXDEV', `${rel} leaves ${root}`)
  let dir = root
  for (const part of parts.slice(0, -1)) {
    dir = join(dir, part)
    const st = lstatSync(dir, { throwIfNoEntry: false })
    if (!st) throw errnoError('ENOENT', `${dir} does not exist`)
    if (!st.isDirectory()) throw errnoError('ELOOP', `${dir} is not a directory (a symlink?)`)
  }
  const file = join(root, ...parts)
  const base = constants.O_WRONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK
  let fd: number
  try {
    fd = openSync(file, base)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !create) throw err
    fd = openSync(file, base | constants.O_CREAT | constants.O_EXCL, create.mode)
    fchownSync(fd, create.uid, create.gid)
  }
  try {
    if (!fstatSync(fd).isFile()) throw errnoError('EINVAL', `${file} is not a regular file`)
    ftruncateSync(fd, 0)
    writeSync(fd, buf)
  } finally {
    closeSync(fd)
  }
}

/** renameat2(a, b, RENAME_EXCHANGE): both exist, on one filesystem; swapped atomically. */
export function exchangePaths(a: string, b: string): void {
  addon().exchangePaths(a, b)
}
