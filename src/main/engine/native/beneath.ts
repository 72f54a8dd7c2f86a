// Wrappers for beneath.c: symlink-proof writes below a root, and an atomic directory swap.
// Kept apart from index.ts; the same .node file is loaded (Node caches it by path).
import { createRequire } from 'node:module'
import { addonPath, NativeAddonMissingError, nativeAvailable } from './index'

interface BeneathAddon {
  writeFileBeneath(root: string, rel: string, data: Buffer, createMode: number, uid: number, gid: number): void
  exchangePaths(a: string, b: string): void
}

function addon(): BeneathAddon {
  if (!nativeAvailable()) throw new NativeAddonMissingError(`strata native addon not found at ${addonPath()}: run \`npm install\``)
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
  addon().writeFileBeneath(root, rel, buf, create?.mode ?? -1, create?.uid ?? -1, create?.gid ?? -1)
}

/** renameat2(a, b, RENAME_EXCHANGE): both exist, on one filesystem; swapped atomically. */
export function exchangePaths(a: string, b: string): void {
  addon().exchangePaths(a, b)
}
