// LXD's events stream, against a real LXD 5.0.2 daemon (lxd-daemon.ts, logging at debug level so
// that `lxc monitor --type=logging`, LXD's own client, shows each API request LXD handles): an
// operation is followed through the stream (its progress words arrive, it is never long-polled)
// and cancelled as before; changes made with LXD's own client (`lxc launch`, `lxc stop`,
// `lxc delete`, ...) are reported by the engine's watchChanges; a stream that drops (LXD
// restarted, the TCP connection killed) is opened again. Over the unix socket and over HTTPS
// with a client certificate.
import { readFileSync } from 'node:fs'
import { createServer, request as httpRequest } from 'node:http'
import type { Socket } from 'node:net'
import { join } from 'node:path'
import { execa, type ResultPromise } from 'execa'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { lxdConnection, type LxdConnection, type LxdOperation } from '../../src/main/hosts/lxd/lxd-connection'
import { lxdEngine } from '../../src/main/hosts/lxd/lxd-engine'
import { watchLxdChanges } from '../../src/main/hosts/lxd/lxd-watch'
import { LxdEventHub } from '../../src/main/hosts/lxd/lxd-event-hub'
import type { HostEngine } from '../../src/main/hosts/host-engine'
import type { ContainerInfo } from '../../src/shared/model'
import { lxdSkipReason, startLxdFixture, type LxdFixture } from './lxd-daemon'

const skip = lxdSkipReason()
if (skip) console.warn(`skipping the LXD events tests: ${skip}`)

const DEFAULT = '/1.0/projects/default'
let fx: LxdFixture
let engine: HostEngine

/** LXD's own monitor of its debug log: the API requests LXD handled while it ran (method and URL). */
interface RequestLog {
  requests(): { method: string; url: string }[]
  stop(): Promise<void>
}

async function monitorRequests(): Promise<RequestLog> {
  const child: ResultPromise = execa('lxc', ['monitor', '--type=logging', '--format=json'], { env: { LXD_DIR: fx.lxdDir }, reject: false, buffer: false, stdin: 'ignore' })
  let text = ''
  child.stdout!.on('data', (c: Buffer) => (text += c.toString('utf8')))
  const requests = (): { method: string; url: string }[] =>
    [...text.matchAll(/"context":\s*(\{[^}]*\})/g)]
      .map((m) => JSON.parse(m[1]!) as { method?: string; url?: string })
      .filter((c) => c.method && c.url)
      .map((c) => ({ method: c.method!, url: c.url! }))
  // attached once a request of ours shows in it
  await vi.waitFor(
    async () => {
      await fx.lxc(['query', '/1.0/instances?monitor-check=1'])
      if (!requests().some((r) => r.url.includes('monitor-check'))) throw new Error('lxc monitor shows no request yet')
    },
    { timeout: 30_000, interval: 200 }
  )
  return {
    requests,
    async stop() {
      child.kill()
      await child
    }
  }
}

/** A watch's stream is open once a change is seen: web is touched until one is reported. */
async function untilWatching(reported: (timeout: number) => Promise<unknown>): Promise<void> {
  await vi.waitFor(
    async () => {
      await fx.lxc(['config', 'set', 'web', 'user.touched', String(Date.now())])
      await reported(1_000)
    },
    { timeout: 30_000, interval: 500 }
  )
}

async function names(): Promise<Map<string, string>> {
  const list = JSON.parse(await fx.lxc(['list', '--format', 'json'])) as { name: string; status: string }[]
  return new Map(list.map((i) => [i.name, i.status]))
}

/** The lxcpaths a watch reported, and a way to wait for the next one. */
function recorder() {
  let seen: string[] = []
  return {
    send: (lxcpath: string) => void seen.push(lxcpath),
    clear: () => void (seen = []),
    /** waits until `lxcpath` was reported since the last clear */
    reported: (lxcpath: string, timeout = 30_000) =>
      vi.waitFor(
        () => {
          if (!seen.includes(lxcpath)) throw new Error(`no change reported in ${lxcpath} (reported: ${seen.join(', ') || 'nothing'})`)
        },
        { timeout, interval: 50 }
      )
  }
}

const progressWords = (op: LxdOperation): string[] => Object.entries(op.metadata ?? {}).flatMap(([k, v]) => (/progress/.test(k) && typeof v === 'string' ? [v] : []))

describe.skipIf(skip)("LXD's events stream (a real LXD 5.0.2 daemon in its own network namespace)", () => {
  beforeAll(async () => {
    fx = await startLxdFixture({ debug: true })
    await fx.lxc(['init', 'busybox', 'web'])
    engine = lxdEngine({ name: 'lxd1', lxd: { url: `unix:${fx.socket}` } })
    await engine.connect()
  }, 240_000)
  afterAll(async () => {
    await engine?.close()
    await fx?.cleanup()
  }, 120_000)

  it("follows a long operation's progress through the events stream, never long-polling it", async () => {
    const log = await monitorRequests()
    try {
      const api = lxdConnection('lxd1', { kind: 'unix', socket: fx.socket })
      // made from the image: LXD unpacks it, saying how far it got
      const { operation } = await api.call('POST', '/1.0/instances', { name: 'unpacked', source: { type: 'image', alias: 'busybox' } })
      const words: string[] = []
      const op = await api.wait(operation!, { onUpdate: (o) => words.push(...progressWords(o)) })
      expect(op.status).toBe('Success')
      expect(words.some((w) => /^Unpack: \d+%/.test(w)), words.join(' | ')).toBe(true)
      expect((await names()).get('unpacked')).toBe('Stopped')
      // LXD was asked for the events stream and the operation, never to wait on it
      await vi.waitFor(() => expect(log.requests().some((r) => r.url.startsWith('/1.0/events?type=operation'))).toBe(true), { timeout: 10_000 })
      expect(log.requests().filter((r) => r.url.startsWith(operation!))).not.toEqual([])
      expect(log.requests().filter((r) => r.url.includes('/wait'))).toEqual([])
    } finally {
      await log.stop()
    }
  }, 120_000)

  it('cancels as before: the operation is asked to stop, and a copy LXD finished anyway is deleted', async () => {
    const log = await monitorRequests()
    try {
      const ac = new AbortController()
      let updates = 0
      const clone = engine.call('clone', { origin: { lxcpath: DEFAULT, name: 'web' }, name: 'web-cancelled' }, { signal: ac.signal, onProgress: () => (updates++, ac.abort()) })
      await expect(clone).rejects.toMatchObject({ code: 'cancelled' })
      expect(updates).toBeGreaterThan(0)
      expect((await names()).has('web-cancelled')).toBe(false)
      await vi.waitFor(() => expect(log.requests().some((r) => r.method === 'DELETE' && r.url.startsWith('/1.0/operations/'))).toBe(true), { timeout: 10_000 })
      expect(log.requests().filter((r) => r.url.includes('/wait'))).toEqual([])
    } finally {
      await log.stop()
    }
  }, 120_000)

  it("reports what LXD's own client does (launch, stop, snapshot, copy, delete) through watchChanges, the listing then showing it", async () => {
    const rec = recorder()
    const watching = new AbortController()
    const watch = engine.call('watchChanges', {}, { signal: watching.signal, stream: { send: rec.send, onInput: () => undefined } })
    const listed = async (): Promise<Map<string, ContainerInfo>> => new Map((await engine.call('listContainers', {})).map((c) => [c.name, c]))
    try {
      await untilWatching((timeout) => rec.reported(DEFAULT, timeout))
      const steps: [string[], (l: Map<string, ContainerInfo>) => void][] = [
        [['launch', 'busybox', 'w1'], (l) => expect(l.get('w1')?.state).toBe('running')],
        [['stop', 'w1', '--force'], (l) => expect(l.get('w1')?.state).toBe('stopped')],
        [['snapshot', 'w1'], (l) => expect(l.get('w1')?.snapshots.map((s) => s.name)).toEqual(['snap0'])],
        [['copy', 'w1', 'w2'], (l) => expect(l.has('w2')).toBe(true)],
        [['delete', 'w1'], (l) => expect(l.has('w1')).toBe(false)],
        [['delete', 'w2'], (l) => expect(l.has('w2')).toBe(false)]
      ]
      for (const [args, check] of steps) {
        rec.clear()
        await fx.lxc(args)
        await rec.reported(DEFAULT)
        check(await listed())
      }
    } finally {
      watching.abort()
    }
    await expect(watch).resolves.toEqual({ exitCode: null, closed: true })
  }, 180_000)

  it('opens the stream again after LXD restarts, and reports every lxcpath then', async () => {
    const rec = recorder()
    const watching = new AbortController()
    const watch = engine.call('watchChanges', {}, { signal: watching.signal, stream: { send: rec.send, onInput: () => undefined } })
    try {
      await untilWatching((timeout) => rec.reported(DEFAULT, timeout))
      await fx.stop()
      rec.clear()
      await fx.start()
      // reconnected: what changed meanwhile is unknown, so the lxcpath reads as changed
      await rec.reported(DEFAULT)
      rec.clear()
      await fx.lxc(['init', 'busybox', 'after-restart'])
      await rec.reported(DEFAULT)
      expect((await engine.call('listContainers', {})).some((c) => c.name === 'after-restart')).toBe(true)
    } finally {
      watching.abort()
    }
    await watch
  }, 180_000)

  it('polls an operation where the events stream cannot be opened (through a stand-in proxy that passes REST calls and refuses websockets)', async () => {
    // LXD itself answers every call; only the upgrade to a websocket is refused, as by a proxy without websocket support
    const proxySocket = join(fx.dir, 'no-websockets.socket')
    const proxy = createServer((req, res) => {
      const upstream = httpRequest({ socketPath: fx.socket, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      upstream.on('error', () => res.destroy())
      req.pipe(upstream)
    })
    proxy.on('upgrade', (_req, socket: Socket) => socket.end('HTTP/1.1 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'))
    await new Promise<void>((resolve) => proxy.listen(proxySocket, resolve))
    const log = await monitorRequests()
    try {
      const api = lxdConnection('lxd-proxied', { kind: 'unix', socket: proxySocket })
      await expect(api.events(['operation'], 'all', () => undefined)).rejects.toMatchObject({ code: 'refused', message: expect.stringContaining('HTTP 501') })
      const { operation } = await api.call('POST', '/1.0/instances', { name: 'polled', source: { type: 'image', alias: 'busybox' } })
      const words: string[] = []
      expect((await api.wait(operation!, { onUpdate: (o) => words.push(...progressWords(o)) })).status).toBe('Success')
      expect(words.some((w) => /^Unpack: \d+%/.test(w)), words.join(' | ')).toBe(true)
      expect(log.requests().some((r) => r.url.startsWith(`${operation!}/wait`))).toBe(true)
      expect((await names()).get('polled')).toBe('Stopped')
    } finally {
      await log.stop()
      proxy.closeAllConnections()
      await new Promise((resolve) => proxy.close(resolve))
    }
  }, 120_000)

  describe('over HTTPS with a client certificate', () => {
    let api: LxdConnection
    beforeAll(async () => {
      const key = join(fx.dir, 'client.key')
      const cert = join(fx.dir, 'client.crt')
      await execa('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=strata-test', '-keyout', key, '-out', cert])
      await fx.lxc(['config', 'trust', 'add', cert])
      api = lxdConnection('lxd2', {
        kind: 'https',
        host: fx.address,
        port: 8443,
        serverCert: readFileSync(join(fx.lxdDir, 'server.crt'), 'utf8'),
        clientCert: readFileSync(cert, 'utf8'),
        clientKey: readFileSync(key, 'utf8')
      })
    }, 60_000)

    it("follows an operation through the stream, and an untrusted client's stream is refused as LXD words it", async () => {
      const { operation } = await api.call('POST', '/1.0/instances', { name: 'over-https', source: { type: 'image', alias: 'busybox' } })
      const words: string[] = []
      expect((await api.wait(operation!, { onUpdate: (o) => words.push(...progressWords(o)) })).status).toBe('Success')
      expect(words.some((w) => /^Unpack: \d+%/.test(w)), words.join(' | ')).toBe(true)
      const untrusted = lxdConnection('lxd3', { kind: 'https', host: fx.address, port: 8443, serverCert: readFileSync(join(fx.lxdDir, 'server.crt'), 'utf8') })
      await expect(untrusted.events(['lifecycle'], ['default'], () => undefined)).rejects.toMatchObject({ rule: 'lxd-untrusted' })
    }, 120_000)

    it('reports a change, and after its TCP connection is killed opens the stream again', async () => {
      const seen: string[] = []
      const watching = new AbortController()
      const watch = watchLxdChanges(new LxdEventHub(api, watching.signal), ['default'], watching.signal, (p) => seen.push(p))
      const reported = (timeout = 30_000) => vi.waitFor(() => expect(seen).toContain('default'), { timeout, interval: 50 })
      try {
        await untilWatching(reported)
        seen.length = 0
        await fx.lxc(['start', 'web'])
        await reported()
        // the stream's connection killed under it (LXD keeps running)
        seen.length = 0
        await execa('ss', ['-K', 'dst', fx.address, 'dport', '=', ':8443'])
        await reported()
        seen.length = 0
        await fx.lxc(['stop', 'web', '--force'])
        await reported()
      } finally {
        watching.abort()
      }
      await watch
    }, 120_000)
  })
})
