// Live usage on a real overlay: an ext4 loop image holding a lower and an upper, the overlay
// mounted, and 1,000 random changes made through the merged mount (create, grow, truncate,
// delete, which leaves whiteouts over the lower's files, rename, hard link, mkdir/rmdir). After
// them, the upper's figures kept from the change feed equal a fresh full scan exactly, with
// each feed: fanotify (as root) and inotify.
import { execFileSync } from 'node:child_process'
import { appendFileSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LiveTree, type FeedKind } from '../../src/main/engine/fs/live-tree'
import { scanUsage } from '../../src/main/engine/native'
import { makeLoopFs, type LoopFs } from '../helpers/loop-fs'

const isRoot = process.geteuid?.() === 0
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A small deterministic PRNG: a failing run can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

let fs: LoopFs | undefined
let n = 0

interface Overlay {
  lower: string
  upper: string
  merged: string
  unmount(): void
}

function mountOverlay(tag: string): Overlay {
  const base = join(fs!.mnt, tag)
  const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((d) => join(base, d)) as [string, string, string, string]
  for (const d of [lower, upper, work, merged]) mkdirSync(d, { recursive: true })
  for (let d = 0; d < 20; d++) {
    mkdirSync(join(lower, `d${d}`))
    for (let f = 0; f < 50; f++) writeFileSync(join(lower, `d${d}`, `f${f}`), Buffer.alloc((f * 97) % 5000, 1))
  }
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged])
  return { lower, upper, merged, unmount: () => execFileSync('umount', [merged]) }
}

/** One random change through the merged mount; errors (a name that went meanwhile) are fine. */
function change(root: string, r: () => number): void {
  const dirs = readdirSync(root).filter((d) => d.startsWith('d'))
  const dir = join(root, dirs[Math.floor(r() * dirs.length)] ?? 'd0')
  const names = (() => {
    try {
      return readdirSync(dir)
    } catch {
      return []
    }
  })()
  const some = (): string => join(dir, names[Math.floor(r() * names.length)] ?? 'none')
  const op = Math.floor(r() * 8)
  try {
    if (op === 0) writeFileSync(join(dir, `n${n++}`), Buffer.alloc(Math.floor(r() * 20000), 2))
    else if (op === 1) appendFileSync(some(), Buffer.alloc(Math.floor(r() * 9000), 3))
    else if (op === 2) truncateSync(some(), Math.floor(r() * 3000))
    else if (op === 3) unlinkSync(some()) // a lower file leaves a whiteout in the upper
    else if (op === 4) renameSync(some(), join(root, dirs[Math.floor(r() * dirs.length)] ?? 'd0', `m${n++}`))
    else if (op === 5) linkSync(some(), join(dir, `l${n++}`))
    else if (op === 6) mkdirSync(join(root, `d${dirs.length + n++}`))
    else {
      const sub = join(dir, `s${n++}`)
      mkdirSync(sub)
      writeFileSync(join(sub, 'x'), 'x')
      if (r() < 0.5) rmSync(sub, { recursive: true })
    }
  } catch {
    // the name was a directory, or went meanwhile
  }
}

async function settle(tree: LiveTree): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await sleep(150) // longer than the feed's batch
    await tree.settled()
  }
}

beforeAll(() => {
  if (isRoot) fs = makeLoopFs('ext4', 256, 'strata-live-tree-')
})
afterAll(() => fs?.cleanup())

const feeds: FeedKind[] = ['fanotify', 'inotify']
describe.skipIf(!isRoot)('live usage of an overlay upper (needs root: loop mount and overlay)', () => {
  for (const feed of feeds) {
    it(`after 1,000 random changes the ${feed}-kept figures equal a fresh full scan`, async () => {
      const ovl = mountOverlay(feed)
      const tree = new LiveTree(ovl.upper, { xattrs: true, feed })
      try {
        await tree.ready
        expect(tree.feed).toBe(feed)
        expect(tree.figures()).toMatchObject(await scanUsage(ovl.upper, { xattrs: true }))
        const r = rng(feed === 'fanotify' ? 17 : 18)
        for (let i = 0; i < 1000; i++) {
          change(ovl.merged, r)
          if (i % 100 === 99) await sleep(5) // let batches interleave with the changes
        }
        // opaque directories: a lower directory removed and made again
        rmSync(join(ovl.merged, 'd3'), { recursive: true, force: true })
        mkdirSync(join(ovl.merged, 'd3'))
        await settle(tree)
        const scan = await scanUsage(ovl.upper, { xattrs: true })
        expect(scan.whiteouts).toBeGreaterThan(0)
        expect(scan.hardlinkedInodes).toBeGreaterThan(0)
        expect(scan.opaqueDirs).toBeGreaterThan(0)
        const live = tree.figures()
        for (const k of ['apparentBytes', 'allocatedBytes', 'files', 'dirs', 'symlinks', 'specials', 'hardlinkedInodes', 'whiteouts', 'opaqueDirs'] as const) {
          expect({ [k]: live[k] }).toEqual({ [k]: scan[k] })
        }
        expect(tree.stats.wholeMeasurements).toBe(1) // nothing overflowed: every update was per directory
      } finally {
        tree.stop()
        ovl.unmount()
      }
    })
  }

  it('a write of one file measures only its directory again', async () => {
    const ovl = mountOverlay('one-write')
    const tree = new LiveTree(ovl.upper, { xattrs: true })
    try {
      await tree.ready
      mkdirSync(join(ovl.merged, 'big'))
      for (let i = 0; i < 300; i++) writeFileSync(join(ovl.merged, 'big', `f${i}`), 'x')
      await settle(tree)
      const before = tree.stats.dirsMeasured
      const bytes = tree.figures().apparentBytes
      appendFileSync(join(ovl.merged, 'big', 'f7'), Buffer.alloc(100_000, 1))
      await settle(tree)
      expect(tree.figures().apparentBytes).toBe(bytes + 100_000)
      expect(tree.stats.dirsMeasured - before).toBe(1)
    } finally {
      tree.stop()
      ovl.unmount()
    }
  })
})
