// Consoles in browser mode, on a real running container: a console is its connection's own.
// Its output goes only there, another connection (same token) can neither type into it nor
// close it, and when the connection drops the console closes and no lxc-attach is left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import WebSocket from 'ws'
import type { StrataApi } from '../../src/shared/api'
import { createService, type Service } from '../../src/main/service'
import { startWebServer, type WebServer } from '../../src/main/web/server'
import { createWsApi, type WsCtor } from '../../src/shared/ws-client'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'
import { OutputReader, processesOf } from '../helpers/console'

let P: TestLxcpath
let renderer: string
let service: Service
let server: WebServer
const clients: (StrataApi & { close(): void })[] = []

function client(): StrataApi & { close(): void } {
  const origin = `http://127.0.0.1:${server.port}`
  const Ctor = class extends WebSocket {
    constructor(url: string) {
      super(url, { origin })
    }
  } as unknown as WsCtor
  const api = createWsApi(`ws://127.0.0.1:${server.port}/rpc?token=console-token`, Ctor)
  clients.push(api)
  return api
}

describe('consoles over the browser-mode WebSocket', () => {
  beforeAll(async () => {
    P = await makeLxcpath('strata-web-console-')
    await P.create('c1')
    await P.lxc('lxc-start', '-n', 'c1', '-d')
    await P.lxc('lxc-wait', '-n', 'c1', '-s', 'RUNNING', '-t', '30')
    service = createService({ lxcpaths: [P.path], watch: false })
    renderer = `${P.path}.renderer`
    mkdirSync(renderer)
    writeFileSync(`${renderer}/index.html`, '<p>hi</p>')
    server = await startWebServer({ service, rendererDir: renderer, token: 'console-token' })
  }, 120_000)
  afterAll(async () => {
    clients.forEach((c) => c.close())
    await server?.close()
    service?.close()
    await P?.cleanup()
    rmSync(renderer, { recursive: true, force: true })
  }, 60_000)

  it("keeps a console to the connection that opened it, and closes it when that connection drops", async () => {
    const before = processesOf('lxc-attach', P.path)
    const a = client()
    const b = client()
    const outA = new OutputReader()
    const outB = new OutputReader()
    a.on('streamData', (e) => {
      outA.push(e.data)
      void a.streamInput({ streamId: e.streamId, input: { ack: e.data.length } })
    })
    b.on('streamData', (e) => outB.push(e.data))
    const { streamId } = await a.openConsole({ lxcpath: P.path, name: 'c1', kind: 'shell', cols: 80, rows: 24 })
    await outA.waitFor(/# /)
    await a.streamInput({ streamId, input: { data: 'hostname\r' } })
    await outA.waitFor(/hostname\r*\n+c1\r*\n/)

    // Another page with the same token: not its console.
    await expect(b.streamInput({ streamId, input: { data: 'echo intruder\r' } })).rejects.toMatchObject({ code: 'not-found' })
    await expect(b.closeStream({ streamId })).rejects.toMatchObject({ code: 'not-found' })
    expect(outB.bytes).toBe(0)
    expect(processesOf('lxc-attach', P.path)).toHaveLength(before.length + 1)

    a.close()
    await expect.poll(() => processesOf('lxc-attach', P.path), { timeout: 10_000 }).toEqual(before)
  })
})
