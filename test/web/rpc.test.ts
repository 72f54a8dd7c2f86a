// Browser mode's WebSocket: the contract round-trips; a wrong token, a foreign Origin or an
// unknown lxcpath is refused; events reach the client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import WebSocket from 'ws'
import { get } from 'node:http'
import { createService, type Service } from '../../src/main/service'
import { startWebServer, type WebServer } from '../../src/main/web/server'
import { createWsApi, type WsCtor } from '../../src/shared/ws-client'
import { openEarlySocket, rpcUrl, type EarlyWsLike } from '../../src/shared/ws-early'

let dir: string
let lxcpath: string
let service: Service
let server: WebServer

/** `ws` with the Origin our own page would send. */
const wsFrom = (origin: string): WsCtor =>
  class extends WebSocket {
    constructor(url: string) {
      super(url, { origin })
    }
  } as unknown as WsCtor

const rejected = (url: string, origin: string): Promise<number> =>
  new Promise((resolve) => {
    const ws = new WebSocket(url, { origin })
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('open', () => resolve(101))
    ws.on('error', () => undefined)
  })

beforeAll(async () => {
  dir = mkdtempSync('/tmp/strata-rpc-test-')
  lxcpath = `${dir}/lxc`
  mkdirSync(`${lxcpath}/c1`, { recursive: true })
  writeFileSync(`${lxcpath}/c1/config`, 'lxc.rootfs.path = dir:/nonexistent\nlxc.uts.name = c1\n')
  service = createService({ lxcpaths: [lxcpath] })
  const renderer = `${dir}/renderer`
  mkdirSync(renderer)
  writeFileSync(`${renderer}/index.html`, '<p>hi</p>')
  server = await startWebServer({ service, rendererDir: renderer, token: 'secret-token' })
})

afterAll(async () => {
  await server.close()
  service.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('browser mode RPC', () => {
  it('prints a URL with the token on 127.0.0.1', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=secret-token`)
  })

  it('round-trips the contract', async () => {
    const origin = `http://127.0.0.1:${server.port}`
    const api = createWsApi(`ws://127.0.0.1:${server.port}/rpc?token=secret-token`, wsFrom(origin))
    try {
      expect(await api.lxcpaths({})).toEqual([lxcpath])
      const list = await api.listContainers({})
      expect(list.map((c) => c.name)).toEqual(['c1'])
      expect(list[0]?.backend).toBe('dir')
      const view = await api.configView({ lxcpath, name: 'c1' })
      expect(view.entries.map((e) => e.key)).toEqual(['lxc.rootfs.path', 'lxc.uts.name'])
      // errors arrive whole: code, subject and rule, not just words
      await expect(api.configView({ lxcpath: '/etc', name: 'x' })).rejects.toMatchObject({
        name: 'StrataError',
        code: 'refused',
        rule: 'session-lxcpaths',
        subject: '/etc',
        message: expect.stringMatching(/not a configured lxcpath/)
      })
      await expect(api.configView({ lxcpath, name: '../x' })).rejects.toMatchObject({ code: 'usage', rule: 'invalid-params', message: expect.stringMatching(/invalid container name/) })
      await expect(api.configView({ lxcpath, name: 'ghost' })).rejects.toMatchObject({ code: 'not-found', subject: `${lxcpath}/ghost` })
    } finally {
      api.close()
    }
  })

  it("gives the page's socket URL with its token, ws: or wss: as the page's protocol", () => {
    expect(rpcUrl({ protocol: 'http:', host: '127.0.0.1:8080', search: '?token=a+b/c' })).toBe('ws://127.0.0.1:8080/rpc?token=a%20b%2Fc')
    expect(rpcUrl({ protocol: 'https:', host: 'localhost:1', search: '' })).toBe('wss://localhost:1/rpc?token=')
  })

  it('takes over a socket opened early, answering its first calls with what was asked on it', async () => {
    // as the page's boot script (src/renderer/src/boot.ts) does: a socket opened and asked before the client exists
    const origin = `http://127.0.0.1:${server.port}`
    const url = `ws://127.0.0.1:${server.port}/rpc?token=secret-token`
    const socket = new WebSocket(url, { origin })
    const early = openEarlySocket(socket as unknown as EarlyWsLike, [
      { method: 'lxcpaths', params: {} },
      { method: 'listContainers', params: { all: false } }
    ])
    expect(early.calls.map((c) => c.id)).toEqual([1, 2])
    // the first answer arrives before the take-over, the second may come after it
    await new Promise((r) => socket.once('message', r))
    let opened = 0
    const counting = class extends WebSocket {
      constructor(u: string) {
        super(u, { origin })
        opened++
      }
    } as unknown as WsCtor
    const api = createWsApi(url, counting, early)
    try {
      expect(await api.lxcpaths({})).toEqual([lxcpath])
      expect((await api.listContainers({ all: false })).map((c) => c.name)).toEqual(['c1'])
      // a call not asked early, and the same question again, go over the taken socket
      expect((await api.listContainers({ all: true })).map((c) => c.name)).toEqual(['c1'])
      expect(await api.lxcpaths({})).toEqual([lxcpath])
      expect(opened).toBe(0)
    } finally {
      api.close()
    }
  })

  it('an early answer not taken before a change is not handed out after it: the call asks again', async () => {
    const origin = `http://127.0.0.1:${server.port}`
    const url = `ws://127.0.0.1:${server.port}/rpc?token=secret-token`
    const socket = new WebSocket(url, { origin })
    // asked early for hidden containers too, but the app's first listing asked without them (another host, a pref changed)
    const early = openEarlySocket(socket as unknown as EarlyWsLike, [{ method: 'listContainers', params: { all: true } }])
    await new Promise((r) => socket.once('message', r))
    const api = createWsApi(url, wsFrom(origin), early)
    try {
      await api.lxcpaths({})
      const got = new Promise((resolve) => api.on('changed', resolve))
      mkdirSync(`${lxcpath}/c-late`)
      writeFileSync(`${lxcpath}/c-late/config`, 'lxc.rootfs.path = dir:/nonexistent\nlxc.uts.name = c-late\n')
      await got
      expect((await api.listContainers({ all: true })).map((c) => c.name)).toContain('c-late')
    } finally {
      api.close()
      rmSync(`${lxcpath}/c-late`, { recursive: true, force: true })
    }
  })

  it('says when the server is lost and when it is back (events meanwhile were missed), connecting again by itself', async () => {
    const token = 'restart-token'
    const first = await startWebServer({ service, rendererDir: `${dir}/renderer`, token })
    const port = first.port
    const api = createWsApi(`ws://127.0.0.1:${port}/rpc?token=${token}`, wsFrom(`http://127.0.0.1:${port}`))
    let second: WebServer | null = null
    try {
      expect(await api.lxcpaths({})).toEqual([lxcpath])
      const heard: string[] = []
      const back = new Promise((resolve) =>
        api.on('connection', ({ state }) => {
          heard.push(state)
          if (state === 'back') resolve(state)
        })
      )
      await first.close()
      await expect.poll(() => heard).toEqual(['lost'])
      // the retries that fail while it is down say nothing more
      await new Promise((r) => setTimeout(r, 2_500))
      expect(heard).toEqual(['lost'])
      second = await startWebServer({ service, rendererDir: `${dir}/renderer`, token, port })
      await back
      expect(heard).toEqual(['lost', 'back'])
      expect(await api.lxcpaths({})).toEqual([lxcpath])
    } finally {
      api.close()
      await second?.close()
    }
  })

  it('pushes `changed` when the lxcpath changes on disk', async () => {
    const origin = `http://127.0.0.1:${server.port}`
    const api = createWsApi(`ws://127.0.0.1:${server.port}/rpc?token=secret-token`, wsFrom(origin))
    try {
      await api.lxcpaths({})
      const got = new Promise((resolve) => api.on('changed', resolve))
      mkdirSync(`${lxcpath}/c2`)
      await expect(got).resolves.toEqual({ lxcpath })
    } finally {
      api.close()
    }
  })

  it('refuses a wrong token, a missing token and a foreign Origin', async () => {
    const base = `ws://127.0.0.1:${server.port}/rpc`
    const own = `http://127.0.0.1:${server.port}`
    expect(await rejected(`${base}?token=secret-token`, own)).toBe(101)
    expect(await rejected(`${base}?token=wrong-token!`, own)).toBe(403)
    expect(await rejected(base, own)).toBe(403)
    expect(await rejected(`${base}?token=secret-token`, 'http://evil.example')).toBe(403)
  })

  it('refuses a foreign Host (DNS rebinding)', async () => {
    // fetch() cannot set Host; node:http can.
    const status = (host: string): Promise<number> =>
      new Promise((resolve, reject) =>
        get({ host: '127.0.0.1', port: server.port, path: '/', headers: { host } }, (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        }).on('error', reject)
      )
    expect(await status('evil.example')).toBe(421)
    expect(await status(`127.0.0.1:${server.port}`)).toBe(200)
  })
})
