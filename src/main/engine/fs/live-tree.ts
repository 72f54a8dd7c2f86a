// A tree's usage kept current from the kernel's change feed instead of scanning it again: per
// directory what it holds, per inode its bytes (counted once, whatever number of names it has),
// and running totals. A change measures again only the directories it touched (one statDir
// each); a directory that appears is measured whole, one that goes is dropped whole. The feed
// is fanotify as root and inotify otherwise (native/watch.c); when it overflows, or cannot be
// had, the whole tree is measured again. The figures equal what scanUsage reports for the tree.
import { statDir, watchTree, type RawDirStats, type UsageResult } from '../native'

const FILE = 0
const DIR = 1
const SYMLINK = 2
const WHITEOUT = 3
const FIELDS = 5

interface DirRecord {
  ino: number
  size: number
  allocated: number
  opaque: boolean
  /** non-directory entries: inode and kind per name */
  names: string[]
  inos: Float64Array
  kinds: Uint8Array
  /** directory entries: name -> inode */
  children: Map<string, number>
}

interface InodeRecord {
  refs: number
  size: number
  allocated: number
  nlink: number
}

export type FeedKind = 'fanotify' | 'inotify'

export interface LiveTreeOptions {
  /** read the overlay opaque xattr of each directory (an overlay upper) */
  xattrs: boolean
  /** which feed; default fanotify as root (falling back to inotify), inotify otherwise */
  feed?: FeedKind
  /** after every update (not during a whole measurement) */
  onUpdate?: (tree: LiveTree) => void
  /** a whole measurement starts (first one, or after an overflow) */
  onMeasuring?: (tree: LiveTree) => void
}

/** What the last updates cost, for the bench. */
export interface LiveTreeStats {
  wholeMeasurements: number
  dirsMeasured: number
  /** ms spent in the last update (the directories a batch named) */
  lastUpdateMs: number
}

/** Latin1 strings carry a path's bytes unchanged between here and the addon. */
const bytesText = (path: string): string => Buffer.from(path).toString('latin1')
const join = (rel: string, name: string): string => (rel === '' ? name : `${rel}/${name}`)
const depth = (rel: string): number => (rel === '' ? 0 : rel.split('/').length)

export class LiveTree {
  readonly rootText: string
  private dirs = new Map<string, DirRecord>()
  private inodes = new Map<number, InodeRecord>()
  private t = { apparent: 0, allocated: 0, files: 0, dirs: 0, symlinks: 0, specials: 0, whiteouts: 0, opaque: 0, hardlinked: 0 }
  private pending = new Set<string>()
  private whole = true
  private running: Promise<void> | null = null
  private stopFeed: (() => void) | null = null
  private stopped = false
  /** the feed in use, or null when there is none (then every update is a whole measurement) */
  feed: FeedKind | null = null
  /** why the feed could not be had or was lost */
  feedError: string | null = null
  measuring = true
  readonly stats: LiveTreeStats = { wholeMeasurements: 0, dirsMeasured: 0, lastUpdateMs: 0 }
  /** resolves once the first whole measurement is done */
  readonly ready: Promise<void>

  constructor(
    readonly root: string,
    private readonly opts: LiveTreeOptions
  ) {
    this.rootText = bytesText(root)
    // The feed first, then the measurement: nothing that changes in between is missed.
    this.startFeed()
    this.ready = this.kick()
  }

  private startFeed(): void {
    const order: FeedKind[] = this.opts.feed ? [this.opts.feed] : process.geteuid?.() === 0 ? ['fanotify', 'inotify'] : ['inotify']
    const errors: string[] = []
    for (const feed of order) {
      try {
        this.stopFeed = watchTree(this.rootText, feed, (dirs, overflow, error) => this.onEvents(dirs, overflow, error))
        this.feed = feed
        return
      } catch (err) {
        errors.push(`${feed}: ${(err as Error).message}`)
      }
    }
    this.feedError = errors.join('; ')
  }

  private onEvents(dirs: string[], overflow: boolean, error: string | null): void {
    if (this.stopped) return
    if (error) {
      // part of the tree is no longer followed (e.g. out of inotify watches): measure whole from now on
      this.feedError = error
      this.stopFeed?.()
      this.stopFeed = null
      this.feed = null
    }
    if (overflow || error) this.whole = true
    const prefix = this.rootText === '/' ? '/' : `${this.rootText}/`
    for (const d of dirs) {
      if (d === this.rootText) this.pending.add('')
      else if (d.startsWith(prefix)) this.pending.add(d.slice(prefix.length))
    }
    void this.kick()
  }

  /** Measures again what is pending; one run at a time. */
  private kick(): Promise<void> {
    if (!this.running) {
      this.running = this.run().finally(() => {
        this.running = null
        if (!this.stopped && (this.whole || this.pending.size)) void this.kick()
      })
    }
    return this.running
  }

  private async run(): Promise<void> {
    await Promise.resolve()
    if (this.stopped) return
    if (this.whole) {
      this.whole = false
      this.pending.clear()
      this.measuring = true
      this.opts.onMeasuring?.(this)
      await this.measureWhole()
      this.measuring = false
      this.opts.onUpdate?.(this)
      return
    }
    if (this.pending.size === 0) return
    const t0 = performance.now()
    const rels = [...this.pending].sort((a, b) => depth(a) - depth(b))
    this.pending.clear()
    const done = new Set<string>()
    const relink = new Map<number, number>()
    for (const rel of rels) {
      if (done.has(rel) || !this.dirs.has(rel)) continue // unknown: a parent's measurement covers it
      this.remeasure(rel, done, relink)
    }
    // A name of a hard-linked file went: its inode's link count changed where no event says so.
    for (const [ino, before] of relink) {
      const now = this.inodes.get(ino)?.refs ?? 0
      if (now === 0 || now >= before) continue
      const holder = this.holderOf(ino)
      if (holder !== null && !done.has(holder)) this.remeasure(holder, done, new Map())
    }
    this.stats.lastUpdateMs = performance.now() - t0
    this.opts.onUpdate?.(this)
  }

  private async measureWhole(): Promise<void> {
    this.stats.wholeMeasurements++
    this.dirs.clear()
    this.inodes.clear()
    for (const k of Object.keys(this.t) as (keyof typeof this.t)[]) this.t[k] = 0
    const stack = ['']
    let slice = performance.now()
    while (stack.length && !this.stopped) {
      const rel = stack.pop()!
      const rec = this.addDir(rel, this.stat(rel))
      if (rec) for (const name of rec.children.keys()) stack.push(join(rel, name))
      // keep the event loop going on a big tree
      if (performance.now() - slice > 20) {
        await new Promise((r) => setImmediate(r))
        slice = performance.now()
      }
    }
  }

  private stat(rel: string): RawDirStats | null {
    this.stats.dirsMeasured++
    try {
      return statDir(this.rootText, rel, this.opts.xattrs)
    } catch {
      return null // unreadable: as the scan, its contents are not counted
    }
  }

  /** Measures one directory again; new subdirectories whole, vanished ones dropped whole. */
  private remeasure(rel: string, done: Set<string>, relink: Map<number, number>): void {
    done.add(rel)
    const old = this.dirs.get(rel)!
    const raw = this.stat(rel)
    if (!raw || raw.self[0] !== old.ino) {
      this.dropTree(rel, relink)
      if (raw) this.addTree(rel, raw, done)
      return
    }
    this.removeOwn(old, relink)
    this.dirs.delete(rel)
    const rec = this.addDir(rel, raw)!
    for (const [name, ino] of old.children) {
      if (rec.children.get(name) !== ino) this.dropTree(join(rel, name), relink)
    }
    for (const [name, ino] of rec.children) {
      const child = join(rel, name)
      if (old.children.get(name) !== ino || !this.dirs.has(child)) {
        if (this.dirs.has(child)) this.dropTree(child, relink)
        this.addTree(child, this.stat(child), done)
      }
    }
  }

  private addTree(rel: string, raw: RawDirStats | null, done: Set<string>): void {
    const stack: [string, RawDirStats | null][] = [[rel, raw]]
    while (stack.length) {
      const [r, st] = stack.pop()!
      done.add(r)
      const rec = this.addDir(r, st)
      if (rec) for (const name of rec.children.keys()) stack.push([join(r, name), this.stat(join(r, name))])
    }
  }

  private dropTree(rel: string, relink: Map<number, number>): void {
    const rec = this.dirs.get(rel)
    if (!rec) return
    this.removeOwn(rec, relink)
    this.dirs.delete(rel)
    for (const name of rec.children.keys()) this.dropTree(join(rel, name), relink)
  }

  /** Records one directory (not its subdirectories) and adds what it holds to the totals. */
  private addDir(rel: string, raw: RawDirStats | null): DirRecord | null {
    if (!raw) return null
    const all = raw.count ? raw.names.split('\0') : []
    const names: string[] = []
    const inos: number[] = []
    const kinds: number[] = []
    const children = new Map<string, number>()
    const s = raw.stats
    for (let i = 0; i < raw.count; i++) {
      const o = i * FIELDS
      const kind = s[o + 4]!
      if (kind === DIR) {
        children.set(all[i]!, s[o]!)
        continue
      }
      names.push(all[i]!)
      inos.push(s[o]!)
      kinds.push(kind)
      this.countEntry(kind, 1)
      this.ref(s[o]!, s[o + 1]!, s[o + 2]!, s[o + 3]!)
    }
    const rec: DirRecord = {
      ino: raw.self[0],
      size: raw.self[2],
      allocated: raw.self[3],
      opaque: raw.self[4] === 1,
      names,
      inos: Float64Array.from(inos),
      kinds: Uint8Array.from(kinds),
      children
    }
    this.t.dirs++
    this.t.apparent += rec.size
    this.t.allocated += rec.allocated
    if (rec.opaque) this.t.opaque++
    this.dirs.set(rel, rec)
    return rec
  }

  /** Takes one directory's own part out of the totals (not its subdirectories'). */
  private removeOwn(rec: DirRecord, relink: Map<number, number>): void {
    this.t.dirs--
    this.t.apparent -= rec.size
    this.t.allocated -= rec.allocated
    if (rec.opaque) this.t.opaque--
    for (let i = 0; i < rec.inos.length; i++) {
      this.countEntry(rec.kinds[i]!, -1)
      const ino = rec.inos[i]!
      if (!relink.has(ino)) relink.set(ino, this.inodes.get(ino)?.refs ?? 0)
      this.unref(ino)
    }
  }

  private countEntry(kind: number, d: number): void {
    if (kind === FILE) this.t.files += d
    else if (kind === SYMLINK) this.t.symlinks += d
    else if (kind === WHITEOUT) this.t.whiteouts += d
    else this.t.specials += d
  }

  private ref(ino: number, nlink: number, size: number, allocated: number): void {
    const r = this.inodes.get(ino)
    if (!r) {
      this.inodes.set(ino, { refs: 1, size, allocated, nlink })
      this.t.apparent += size
      this.t.allocated += allocated
      if (nlink > 1) this.t.hardlinked++
      return
    }
    // the same inode under another name: its latest figures count, once
    r.refs++
    this.t.apparent += size - r.size
    this.t.allocated += allocated - r.allocated
    this.t.hardlinked += Number(nlink > 1) - Number(r.nlink > 1)
    r.size = size
    r.allocated = allocated
    r.nlink = nlink
  }

  /** Drops one name of an inode. */
  private unref(ino: number): void {
    const r = this.inodes.get(ino)
    if (!r || --r.refs > 0) return
    this.inodes.delete(ino)
    this.t.apparent -= r.size
    this.t.allocated -= r.allocated
    if (r.nlink > 1) this.t.hardlinked--
  }

  /** A directory that still names the inode (rare: only after a hard link went). */
  private holderOf(ino: number): string | null {
    if (!this.inodes.has(ino)) return null
    for (const [rel, rec] of this.dirs) if (rec.inos.includes(ino)) return rel
    return null
  }

  /** The figures, as scanUsage reports them for the tree. */
  figures(): UsageResult {
    const t = this.t
    return {
      apparentBytes: t.apparent,
      allocatedBytes: t.allocated,
      files: t.files,
      dirs: t.dirs,
      symlinks: t.symlinks,
      specials: t.specials,
      hardlinkedInodes: t.hardlinked,
      whiteouts: t.whiteouts,
      opaqueDirs: t.opaque,
      errors: 0,
      skippedMounts: 0
    }
  }

  /** Resolves when nothing is pending any more. */
  async settled(): Promise<void> {
    while (this.running) await this.running
  }

  stop(): void {
    this.stopped = true
    this.stopFeed?.()
    this.stopFeed = null
  }
}
