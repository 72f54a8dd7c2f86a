// An LXD host's state in the app follows LXD itself, from its events stream: against a real LXD
// 5.0.2 daemon (lxd-daemon.ts, reached through its unix socket), the app's service (its hosts
// file naming that LXD) says "unreachable" with the socket's reason once the daemon stops, with
// no call made meanwhile, and "connected" again once it is back; the host's listing works again.
// A daemon that hangs (SIGSTOP: its socket stays open, nothing answers) is noticed by the stream's
// pings, not left "connected".
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createService } from '../../src/main/service'
import type { HostStatus } from '../../src/shared/api'
import type { Service } from '../../src/main/hosts/host-sessions'
import { lxdSkipReason, startLxdFixture, type LxdFixture } from './lxd-daemon'
import { lxdEngine } from '../../src/main/hosts/lxd/lxd-engine'

const skip = lxdSkipReason()
if (skip) console.warn(`skipping the LXD host state tests: ${skip}`)

let fx: LxdFixture
let dir: string
let service: Service

describe.skipIf(skip)("an LXD host's state follows the daemon (a real LXD 5.0.2 daemon in its own network namespace)", () => {
  beforeAll(async () => {
    // at debug level LXD logs each events stream it serves: how many this process holds is read there
    fx = await startLxdFixture({ debug: true })
    dir = mkdtempSync('/tmp/strata-hosts-presence-')
    writeFileSync(join(dir, 'hosts.json'), JSON.stringify({ hosts: [{ name: 'lxd1', lxd: { url: `unix:${fx.socket}` } }] }))
    service = createService({ hostsFile: join(dir, 'hosts.json'), lxcpaths: [dir], watch: false })
  }, 240_000)
  afterAll(async () => {
    service?.close()
    await fx?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
  }, 120_000)

  it("one events stream per host serves both its state and the watch of changes made with LXD's own client", async () => {
    // the events streams LXD serves now, as its debug log says them (started minus stopped)
    const streams = (): number => {
      const log = readFileSync(join(fx.dir, 'm1.log'), 'utf8')
      return (log.match(/Event listener server handler started/g) ?? []).length - (log.match(/Event listener server handler stopped/g) ?? []).length
    }
    const base = streams()
    const lost: unknown[] = []
    const engine = lxdEngine({ name: 'lxd1', lxd: { url: `unix:${fx.socket}` } }, { onGone: (err) => lost.push(err), onBack: () => undefined })
    const watching = new AbortController()
    const changed: string[] = []
    try {
      await engine.connect()
      await vi.waitFor(() => expect(streams()).toBe(base + 1), { timeout: 30_000, interval: 100 })
      const watch = engine.call('watchChanges', {}, { signal: watching.signal, stream: { send: (lxcpath: string) => void changed.push(lxcpath), onInput: () => undefined } })
      await fx.lxc(['init', 'busybox', 'onestream'])
      await vi.waitFor(() => expect(changed.length).toBeGreaterThan(0), { timeout: 30_000, interval: 100 })
      // the watch rode the presence's stream: still one
      expect(streams()).toBe(base + 1)
      watching.abort()
      await watch
      expect(streams()).toBe(base + 1)
      expect(lost).toEqual([])
    } finally {
      watching.abort()
      await engine.close()
      await fx.lxc(['delete', 'onestream', '--force']).catch(() => undefined)
    }
    await vi.waitFor(() => expect(streams()).toBe(base), { timeout: 30_000, interval: 100 })
  }, 120_000)

  it('turns unreachable with the reason when LXD stops, without any call, and connected again when it is back', async () => {
    const states: HostStatus[] = []
    const off = service.on('hostState', (s) => void (s.name === 'lxd1' && states.push(s)))
    const state = async (): Promise<HostStatus> => (await service.api.hosts({})).find((h) => h.name === 'lxd1')!
    try {
      expect((await service.api.connectHost({ name: 'lxd1' })).state).toBe('connected')
      states.length = 0
      await fx.stop()
      await vi.waitFor(async () => expect((await state()).state).toBe('unreachable'), { timeout: 30_000, interval: 100 })
      expect((await state()).error?.message).toMatch(/LXD on lxd1 .* is not running: nothing listens on .*unix\.socket/)
      // it was said as it happened, as a pushed state
      expect(states.some((s) => s.state === 'unreachable')).toBe(true)
      // and a call answers why, not a hang
      await expect(service.api.listContainers({ host: 'lxd1' })).rejects.toMatchObject({ rule: 'lxd-not-running' })

      await fx.start()
      await vi.waitFor(async () => expect((await state()).state).toBe('connected'), { timeout: 30_000, interval: 100 })
      expect((await state()).error).toBeUndefined()
      expect(states.at(-1)?.state).toBe('connected')
      expect(Array.isArray(await service.api.listContainers({ host: 'lxd1' }))).toBe(true)
    } finally {
      off()
    }
  }, 180_000)

  it('turns unreachable when LXD hangs (its socket open, nothing answering), and connected again once it goes on', async () => {
    const state = async (): Promise<HostStatus> => (await service.api.hosts({})).find((h) => h.name === 'lxd1')!
    const states: HostStatus[] = []
    const off = service.on('hostState', (st) => void (st.name === 'lxd1' && states.push(st)))
    await vi.waitFor(async () => expect((await state()).state).toBe('connected'), { timeout: 30_000, interval: 100 })
    // a live LXD answers the pings: two rounds later it is still connected, and nothing was pushed meanwhile
    states.length = 0
    await new Promise((r) => setTimeout(r, 12_000))
    expect((await state()).state).toBe('connected')
    expect(states).toEqual([])
    const inNetns = (await execa('ip', ['netns', 'pids', fx.members[0]!.netns])).stdout.split('\n').filter(Boolean).map(Number)
    const lxd = inNetns.filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'lxd'
      } catch {
        return false // gone since
      }
    })
    expect(lxd.length).toBeGreaterThan(0)
    try {
      for (const pid of lxd) process.kill(pid, 'SIGSTOP')
      // no longer shown connected within the pings' 10 s (the app then tries to reconnect at once) ...
      await vi.waitFor(async () => expect((await state()).state).not.toBe('connected'), { timeout: 30_000, interval: 200 })
      // ... and unreachable, with LXD's name, once that attempt has timed out too
      await vi.waitFor(async () => expect((await state()).state).toBe('unreachable'), { timeout: 90_000, interval: 500 })
      expect((await state()).error?.message).toMatch(/LXD on lxd1 /)
      expect(states.some((s) => s.state === 'unreachable' && /answered no ping for 10 s/.test(s.error?.message ?? ''))).toBe(true)
    } finally {
      for (const pid of lxd) process.kill(pid, 'SIGCONT')
      off()
    }
    await vi.waitFor(async () => expect((await state()).state).toBe('connected'), { timeout: 60_000, interval: 200 })
    expect(Array.isArray(await service.api.listContainers({ host: 'lxd1' }))).toBe(true)
  }, 240_000)
})
