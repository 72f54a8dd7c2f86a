// The one way the engine removes a tree: the native remover (never follows a symlink, never
// crosses a mount), or `rm -rf --one-file-system` when the addon is missing.
import { nativeAvailable, removeTree } from '../native/index'
import { run } from '../tools'

export async function removeDirectoryTree(path: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
  if (nativeAvailable()) return removeTree(path, opts)
  if (path === '/' || path === '') throw new Error("refusing to remove '/'")
  await run('rm', ['-rf', '--one-file-system', '--', path], { signal: opts.signal })
}
