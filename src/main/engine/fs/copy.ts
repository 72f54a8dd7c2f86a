// The one way the engine copies a tree: the native copier (faithful, threaded, progress,
// abort), or cp when the addon is missing. A failed or cancelled copy removes what it made.
// An xattr (an ACL, a file capability) the destination cannot keep fails the copy, unless the
// user accepted that loss (`dropUnsupportedXattrs`, after the clone said what would be lost).
import { mkdirSync, rmSync } from 'node:fs'
import { copyTree, nativeAvailable, scanUsage } from '../native/index'
import { ioThreads } from './io-threads'
import { removeDirectoryTree } from './remove'
import { note, report, type OpContext } from '../context'
import { say } from '@shared/engine-text'
import { run } from '../tools'

export interface TreeCopyOptions {
  /** drop (and count) the xattrs the destination's filesystem does not support instead of failing */
  dropUnsupportedXattrs?: boolean
}

/**
 * cp's flags: `-a` preserves xattrs only where it can and says nothing of the rest, so the strict
 * copy names them (`--preserve=...,xattr` fails on one it cannot set); the lossy copy is `-a`.
 */
function cpFlags(opts: TreeCopyOptions): string[] {
  return opts.dropUnsupportedXattrs ? ['-a'] : ['-dR', '--preserve=mode,ownership,timestamps,links,xattr']
}

export async function copyDirectoryTree(src: string, dst: string, ctx: OpContext = {}, phase = 'copy', opts: TreeCopyOptions = {}): Promise<void> {
  if (!nativeAvailable()) {
    note(ctx, phase, say('progress-cp-fallback', { source: src }))
    mkdirSync(dst, { recursive: true })
    try {
      await run('cp', [...cpFlags(opts), '--sparse=auto', '--no-target-directory', `${src}/.`, dst], { signal: ctx.signal })
    } catch (err) {
      rmSync(dst, { recursive: true, force: true })
      throw err
    }
    return
  }
  let totals: { totalFiles: number; totalBytes: number } | null = null
  const threads = ioThreads()
  if (ctx.onProgress && ctx.progressTotals !== false) {
    // A quick scan first, so that a progress bar can show how far along the copy is.
    const u = await scanUsage(src, { signal: ctx.signal, threads })
    totals = { totalFiles: u.files, totalBytes: u.apparentBytes }
    report(ctx, { phase, files: 0, bytes: 0, ...totals })
  }
  let dropped: number
  try {
    const result = await copyTree(src, dst, {
      threads,
      signal: ctx.signal,
      dropUnsupportedXattrs: opts.dropUnsupportedXattrs,
      onProgress: ctx.onProgress ? (p) => report(ctx, { phase, files: p.files, bytes: p.bytes, ...totals }) : undefined
    })
    dropped = result.droppedXattrs
  } catch (err) {
    await removeDirectoryTree(dst).catch(() => undefined)
    throw err
  }
  if (totals) report(ctx, { phase, files: totals.totalFiles, bytes: totals.totalBytes, ...totals })
  if (dropped > 0) note(ctx, 'attributes', say('progress-xattrs-dropped', { count: dropped }))
}
