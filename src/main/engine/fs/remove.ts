// The one way the engine removes a tree: the native remover (never follows a symlink, never
// crosses a mount), or `rm -rf --one-file-system` when the addon is missing.
import { lstatSync, readdirSync, rmdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { nativeAvailable, removeTree } from '../native/index'
import { run } from '../tools'
import { refused } from '@shared/errors'

export async function removeDirectoryTree(path: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
  if (nativeAvailable()) return removeTree(path, opts)
  if (path === '/' || path === '') throw refused('remove-root', "refusing to remove '/'", '/')
  await run('rm', ['-rf', '--one-file-system', '--', path], { signal: opts.signal })
}

/**
 * Removes a directory that holds `marker`, a regular file of this user (or root), which goes
 * last: a removal cut short leaves the marker or an empty directory, never an unmarked half.
 * Refused when the directory, as opened, holds no such marker.
 */
export async function removeMarkedTree(path: string, marker: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
  if (nativeAvailable()) return removeTree(path, { ...opts, keep: marker })
  const st = lstatSync(path, { throwIfNoEntry: false })
  if (!st) return
  const m = lstatSync(join(path, marker), { throwIfNoEntry: false })
  const me = process.geteuid?.() ?? -1
  if (!st.isDirectory() || !m?.isFile() || m.nlink !== 1 || (m.uid !== me && m.uid !== 0))
    throw refused('no-marker', `refusing to remove '${path}': it holds no marker ${marker} written by this user`, path)
  for (const name of readdirSync(path)) if (name !== marker) await removeDirectoryTree(join(path, name), opts)
  rmSync(join(path, marker), { force: true })
  rmdirSync(path)
}
