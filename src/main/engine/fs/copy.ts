// The one way the engine copies a tree: the native copier (faithful, threaded, progress,
// abort), or `cp -a` when the addon is missing. A failed or cancelled copy removes what it made.
import { mkdirSync, rmSync } from 'node:fs'
import { copyTree, nativeAvailable, scanUsage } from '../native/index'
import { ioThreads } from './io-threads'
import { removeDirectoryTree } from './remove'
import { report, type OpContext } from '../context'
import { run } from '../tools'

export async function copyDirectoryTree(src: string, dst: string, ctx: OpContext = {}, phase = 'copy'): Promise<void> {
  if (!nativeAvailable()) {
    report(ctx, { phase, message: `copying ${src} with cp -a (native copier unavailable)` })
    mkdirSync(dst, { recursive: true })
    try {
      await run('cp', ['-a', '--sparse=auto', '--no-target-directory', `${src}/.`, dst], { signal: ctx.signal })
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
  try {
    await copyTree(src, dst, {
      threads,
      signal: ctx.signal,
      onProgress: ctx.onProgress ? (p) => report(ctx, { phase, files: p.files, bytes: p.bytes, ...totals }) : undefined
    })
  } catch (err) {
    await removeDirectoryTree(dst).catch(() => undefined)
    throw err
  }
  if (totals) report(ctx, { phase, files: totals.totalFiles, bytes: totals.totalBytes, ...totals })
}

