// The root helper serves only LXC's own lxcpath and those listed in its allow-list, a root file
// at a fixed path that no caller can choose. A test that runs a helper on a temporary lxcpath
// lists it there for the test's length: its lines are added under a lock (test runs in other
// checkouts on the machine share the file) and removed again, leaving the rest as it was.
import { existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { lockPath } from '../../src/main/engine/lock'
import { ALLOW_LIST_FILE } from '../../src/main/helper/lxcpath-policy'
import { own } from '../support/owned'

const LOCK = '/run/strata-allow-list-test.lock'

/** Runs `fn` holding the allow-list's lock (a test that replaces the whole file takes it too). */
export async function withAllowListLock<T>(fn: () => T | Promise<T>): Promise<T> {
  const lock = await lockPath(LOCK)
  try {
    return await fn()
  } finally {
    lock.release()
  }
}

function write(text: string): void {
  const tmp = `${ALLOW_LIST_FILE}.test-${process.pid}`
  writeFileSync(tmp, text, { mode: 0o644 })
  renameSync(tmp, ALLOW_LIST_FILE)
}

/** Lists `paths` in the allow-list; the function returned takes exactly those lines out again. */
export async function allowLxcpaths(paths: readonly string[]): Promise<() => Promise<void>> {
  const dir = dirname(ALLOW_LIST_FILE)
  let madeDir = false
  let madeFile = false
  await withAllowListLock(() => {
    if (!existsSync(dir)) {
      mkdirSync(dir, { mode: 0o755 })
      madeDir = true
    }
    madeFile = !existsSync(ALLOW_LIST_FILE)
    const before = madeFile ? '' : readFileSync(ALLOW_LIST_FILE, 'utf8')
    write(before + (before === '' || before.endsWith('\n') ? '' : '\n') + paths.map((p) => `${p}\n`).join(''))
  })
  // a run killed before it takes them out leaves them to the next run's sweep (test/support/sweep.ts)
  const records = paths.map((path) => own({ kind: 'allowed-lxcpath', path }))
  let removed = false
  return async () => {
    if (removed) return
    removed = true
    await withAllowListLock(() => {
      const lines = readFileSync(ALLOW_LIST_FILE, 'utf8').split('\n')
      for (const p of paths) {
        const i = lines.indexOf(p)
        if (i >= 0) lines.splice(i, 1)
      }
      records.forEach((forget) => forget())
      const after = lines.join('\n')
      if (!madeFile || after.trim() !== '') return write(after)
      rmSync(ALLOW_LIST_FILE, { force: true })
      rmSync(LOCK, { force: true }) // nothing is listed any more: the lock file goes with the list
      try {
        if (madeDir) rmdirSync(dir)
      } catch {
        // another run put a file there meanwhile
      }
    })
  }
}

/** Takes `paths` out of the allow-list, the rest left as it was (the sweep's undo of a dead run's lines). */
export async function removeAllowedLxcpaths(paths: readonly string[]): Promise<void> {
  await withAllowListLock(() => {
    if (!existsSync(ALLOW_LIST_FILE)) return
    const lines = readFileSync(ALLOW_LIST_FILE, 'utf8').split('\n')
    const kept = lines.filter((l) => !paths.includes(l))
    if (kept.length !== lines.length) write(kept.join('\n'))
  })
}
