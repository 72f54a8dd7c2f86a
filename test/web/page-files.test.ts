// Browser mode's order at a page's start: the API's calls wait until the files index.html asks
// for are sent (the engine's synchronous listing held those files back otherwise); with no page
// loading they are answered at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import WebSocket from 'ws'
import { createService, type Service } from '../../src/main/service'
import { pageSubresources, startWebServer, type WebServer } from '../../src/main/web/server'

let dir: string
let service: Service
let server: WebServer

const INDEX = `<!doctype html><html><head>
<link rel="icon" href="./favicon.svg" />
<script src="./boot.js"></script>
<link rel="preload" as="font" type="font/woff2" crossorigin href="./assets/Text.woff2" />
<script type="module" crossorigin src="./assets/index.js"></script>
<link rel="modulepreload" crossorigin href="./assets/api.js">
<link rel="stylesheet" crossorigin href="./assets/style.css">
</head><body><div id="root"></div></body></html>`

beforeAll(async () => {
  dir = mkdtempSync('/tmp/strata-page-files-test-')
  mkdirSync(`${dir}/lxc`)
  service = createService({ lxcpaths: [`${dir}/lxc`] })
  const renderer = `${dir}/renderer`
  mkdirSync(`${renderer}/assets`, { recursive: true })
  writeFileSync(`${renderer}/index.html`, INDEX)
  for (const f of ['boot.js', 'favicon.svg', 'assets/Text.woff2', 'assets/index.js', 'assets/api.js', 'assets/style.css']) writeFileSync(`${renderer}/${f}`, f)
  // no cap in the test: the calls wait for the files however slow the machine is
  server = await startWebServer({ service, rendererDir: renderer, token: 't', pageFilesCapMs: 600_000 })
})

afterAll(async () => {
  await server.close()
  service.close()
  rmSync(dir, { recursive: true, force: true })
})

const get = async (path: string): Promise<string> => {
  const res = await fetch(`http://127.0.0.1:${server.port}${path}`)
  expect(res.status).toBe(200)
  return await res.text()
}

/** A socket to /rpc, open, and a function sending one call that resolves with its answer. */
async function rpc(): Promise<{ call(method: string): Promise<unknown>; close(): void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/rpc?token=t`, { origin: `http://127.0.0.1:${server.port}` })
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  let id = 0
  return {
    call: (method) =>
      new Promise((resolve) => {
        const mine = ++id
        ws.on('message', (data) => {
          const m = JSON.parse(String(data)) as { id?: number; result?: unknown }
          if (m.id === mine) resolve(m.result)
        })
        ws.send(JSON.stringify({ id: mine, method, params: {} }))
      }),
    close: () => ws.close()
  }
}

describe("browser mode's page start", () => {
  it('names the files index.html loads: scripts, module preloads, the stylesheet and preloaded fonts, not the icons', () => {
    expect(pageSubresources(INDEX).sort()).toEqual(['/assets/Text.woff2', '/assets/api.js', '/assets/index.js', '/assets/style.css', '/boot.js'])
  })

  it("answers the API's calls once the page's files are sent", async () => {
    const api = await rpc()
    try {
      expect(await api.call('lxcpaths')).toEqual([`${dir}/lxc`])
      await get('/?token=t')
      const order: string[] = []
      const answered = api.call('lxcpaths').then(() => order.push('answer'))
      await get('/boot.js')
      await get('/assets/Text.woff2')
      await get('/assets/index.js')
      await get('/assets/api.js')
      // the last file: the answer must not have come before it (a round trip on the socket
      // takes the server's turn after every file so far)
      order.push('last file asked')
      await get('/assets/style.css')
      await answered
      expect(order).toEqual(['last file asked', 'answer'])
      // the page loaded: calls are answered at once again
      expect(await api.call('hosts')).toEqual([])
    } finally {
      api.close()
    }
  })
})
