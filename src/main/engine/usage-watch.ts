// Usage that follows changes: the usage report of some lxcpaths, sent again whenever what it
// measured changed, at the cost of the change. Every tree the report scans (an upper, a dir
// rootfs, a lower) is kept live (fs/live-tree.ts) while the watch lasts, so a new report reads
// their figures instead of scanning; the rest (configs, lineage, small container files) is
// read again, which is cheap. A tree no report uses any more is let go.
import { resolve } from 'node:path'
import type { ContainerUsage } from '@shared/model'
import { LiveTree } from './fs/live-tree'
import { projectQuotaSupport, type QuotaSupport } from './fs/project-quota'
import { measureUsageReport } from './usage'

/** What a usage watch sends: `measuring` while a measurement runs (a whole one, or a change's), then the figures. */
export interface UsageUpdate {
  measuring: boolean
  containers?: ContainerUsage[]
  /** whether the filesystem could do the accounting itself (project quotas), and why not */
  projectQuota?: QuotaSupport
}

export interface UsageWatchOptions {
  all?: boolean
  signal: AbortSignal
  /** subscribes to changes of the lxcpaths themselves (containers made or destroyed); answers an unsubscribe */
  lxcpathChanges?: (onChange: () => void) => () => void
}

/** A report's trees are re-read at most this often; a write is on screen well within a second. */
const COALESCE_MS = 30

export async function watchUsage(lxcpaths: string[], opts: UsageWatchOptions, send: (u: UsageUpdate) => void): Promise<{ exitCode: null; closed: true }> {
  const trees = new Map<string, LiveTree>()
  let timer: ReturnType<typeof setTimeout> | null = null
  let reporting: Promise<void> | null = null
  let again = false
  const projectQuota = lxcpaths.length ? projectQuotaSupport(lxcpaths[0]!) : undefined

  const schedule = (): void => {
    if (opts.signal.aborted || timer) return
    // said at once, so that a change is seen being measured; the figures follow within
    // COALESCE_MS and a report, which says measuring: false again
    send({ measuring: true })
    timer = setTimeout(() => {
      timer = null
      // a later report that fails (a container went mid-read) is followed by the next change's
      void report().catch(() => undefined)
    }, COALESCE_MS)
  }
  const treeFor = (path: string, xattrs: boolean): LiveTree => {
    const key = `${xattrs ? 'x' : '-'}${resolve(path)}`
    let t = trees.get(key)
    if (!t) {
      t = new LiveTree(resolve(path), { xattrs, onUpdate: schedule, onMeasuring: () => send({ measuring: true }) })
      trees.set(key, t)
    }
    return t
  }
  const report = async (): Promise<void> => {
    if (reporting) {
      again = true
      return reporting
    }
    reporting = (async () => {
      const used = new Set<LiveTree>()
      const r = await measureUsageReport(lxcpaths, {
        all: opts.all,
        signal: opts.signal,
        known: (path, xattrs) => {
          const t = treeFor(path, xattrs)
          used.add(t)
          return t.ready.then(() => t.figures())
        }
      })
      for (const [key, t] of trees) {
        if (used.has(t)) continue
        t.stop()
        trees.delete(key)
      }
      if (!opts.signal.aborted) send({ measuring: [...used].some((t) => t.measuring), containers: r.containers, projectQuota })
    })()
      .catch((err: unknown) => {
        if (!opts.signal.aborted) throw err
      })
      .finally(() => {
        reporting = null
        if (again) {
          again = false
          schedule()
        }
      })
    return reporting
  }

  const closed = new Promise<void>((done) => {
    if (opts.signal.aborted) done()
    else opts.signal.addEventListener('abort', () => done(), { once: true })
  })
  const unsubscribe = opts.lxcpathChanges?.(schedule)
  try {
    send({ measuring: true, projectQuota })
    // closing ends the watch at once, even while the first report waits (on a container's lock, a big tree)
    await Promise.race([report(), closed])
    await closed
  } finally {
    unsubscribe?.()
    if (timer) clearTimeout(timer)
    for (const t of trees.values()) t.stop()
    trees.clear()
  }
  return { exitCode: null, closed: true }
}
