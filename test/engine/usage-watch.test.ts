// The usage watch on a real lxcpath: a busybox container; a file written into its rootfs shows
// in the next message by itself (no new request), equal to what a fresh usage report says; a
// container made meanwhile with lxc-copy gets a row; closing the watch ends it.
import { renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ContainerUsage } from '@shared/model'
import { measureUsage } from '../../src/main/engine/usage'
import { watchUsage, type UsageUpdate } from '../../src/main/engine/usage-watch'
import { LxcpathWatcher } from '../../src/main/watch'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'

let lx: TestLxcpath

beforeAll(async () => {
  lx = await makeLxcpath('strata-usage-watch-')
  await lx.create('c1')
}, 120_000)
afterAll(async () => lx?.cleanup())

/** Resolves with the first message that satisfies `ok`, or rejects after `ms` naming what came. */
function next(updates: UsageUpdate[], ok: (u: UsageUpdate) => boolean, ms = 10_000): Promise<UsageUpdate> {
  return new Promise((resolve, reject) => {
    const start = updates.length
    const t0 = Date.now()
    const poll = setInterval(() => {
      const hit = updates.slice(start).find(ok)
      if (hit) {
        clearInterval(poll)
        resolve(hit)
      } else if (Date.now() - t0 > ms) {
        clearInterval(poll)
        reject(new Error(`no such usage message within ${ms} ms; got ${updates.length - start}`))
      }
    }, 10)
  })
}

/** Resolves once no message has come for `quietMs` (the watch's first reports, and the reports its trees' first measurements schedule, are done). */
function settled(updates: UsageUpdate[], quietMs = 300, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now()
    let seen = updates.length
    let since = Date.now()
    const poll = setInterval(() => {
      if (updates.length !== seen) {
        seen = updates.length
        since = Date.now()
      } else if (Date.now() - since >= quietMs) {
        clearInterval(poll)
        resolve()
      } else if (Date.now() - t0 > ms) {
        clearInterval(poll)
        reject(new Error(`the watch kept sending for ${ms} ms`))
      }
    }, 10)
  })
}

const row = (u: UsageUpdate, name: string): ContainerUsage | undefined => u.containers?.find((c) => c.ref.name === name)

describe('usage watch', () => {
  it('follows a write into a rootfs and a new container, and ends when closed', async () => {
    const updates: UsageUpdate[] = []
    const ac = new AbortController()
    const lxcpathChanges = (onChange: () => void): (() => void) => {
      const w = new LxcpathWatcher([lx.path], onChange)
      return () => w.close()
    }
    const ended = watchUsage([lx.path], { signal: ac.signal, lxcpathChanges }, (u) => updates.push(u))
    try {
      const first = await next(updates, (u) => row(u, 'c1') !== undefined)
      expect(updates[0]!.measuring).toBe(true)
      expect(first.measuring).toBe(false)
      const before = row(first, 'c1')!

      // a report already scheduled when the change comes carries it without a word of its own:
      // the change comes once the watch is quiet
      await settled(updates)
      // written whole elsewhere and moved in, so that no message can see it half written
      writeFileSync(`${lx.path}.grown`, Buffer.alloc(3 << 20, 1))
      const sent = updates.length
      renameSync(`${lx.path}.grown`, join(lx.path, 'c1', 'rootfs', 'grown'))
      const grown = await next(updates, (u) => (row(u, 'c1')?.measured.apparentBytes ?? 0) > before.measured.apparentBytes)
      // the change was said to be measured before its figures came, which end it
      const between = updates.slice(sent, updates.indexOf(grown))
      expect(between.some((u) => u.measuring && !u.containers)).toBe(true)
      expect(grown.measuring).toBe(false)
      expect(row(grown, 'c1')!.measured.apparentBytes - before.measured.apparentBytes).toBe(3 << 20)
      const fresh = (await measureUsage([lx.path])).find((c) => c.ref.name === 'c1')!
      expect(row(grown, 'c1')).toEqual(fresh)

      await lx.lxc('lxc-copy', '-n', 'c1', '-N', 'c2')
      await next(updates, (u) => row(u, 'c2') !== undefined)
    } finally {
      ac.abort(new Error('closed'))
    }
    await expect(ended).resolves.toEqual({ exitCode: null, closed: true })
  }, 120_000)
})
