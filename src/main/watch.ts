// Live updates: LXC's own tools change lxcpaths behind our back. We watch each lxcpath and
// each container directory in it (not recursively: rootfs trees are huge and may hold
// symlinks out), and report one debounced `changed` per lxcpath.
import { existsSync, readdirSync, watch, type FSWatcher } from 'node:fs'
import { join } from 'node:path'

const DEBOUNCE_MS = 200

export class LxcpathWatcher {
  private watchers = new Map<string, FSWatcher>()
  private timers = new Map<string, NodeJS.Timeout>()
  private closed = false

  constructor(
    lxcpaths: string[],
    private readonly onChange: (lxcpath: string) => void
  ) {
    for (const p of lxcpaths) this.sync(p)
  }

  /** (Re)attach watchers for the lxcpath and its container directories; drop vanished ones. */
  private sync(lxcpath: string): void {
    if (this.closed) return
    const want = new Set<string>()
    if (existsSync(lxcpath)) {
      want.add(lxcpath)
      try {
        for (const d of readdirSync(lxcpath, { withFileTypes: true })) if (d.isDirectory()) want.add(join(lxcpath, d.name))
      } catch {
        /* unreadable: watch what we can */
      }
    }
    for (const [dir, w] of this.watchers) {
      if ((dir === lxcpath || dir.startsWith(lxcpath + '/')) && !want.has(dir)) {
        w.close()
        this.watchers.delete(dir)
      }
    }
    for (const dir of want) {
      if (this.watchers.has(dir)) continue
      try {
        const w = watch(dir, { persistent: false }, () => this.bump(lxcpath))
        w.on('error', () => {
          w.close()
          this.watchers.delete(dir)
        })
        this.watchers.set(dir, w)
      } catch {
        /* raced with a delete */
      }
    }
  }

  private bump(lxcpath: string): void {
    clearTimeout(this.timers.get(lxcpath))
    this.timers.set(
      lxcpath,
      setTimeout(() => {
        this.timers.delete(lxcpath)
        this.sync(lxcpath)
        this.onChange(lxcpath)
      }, DEBOUNCE_MS)
    )
  }

  close(): void {
    this.closed = true
    for (const t of this.timers.values()) clearTimeout(t)
    for (const w of this.watchers.values()) w.close()
    this.watchers.clear()
  }
}
