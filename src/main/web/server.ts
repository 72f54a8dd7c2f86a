// Browser mode: serves the built renderer and the contract over a WebSocket at /rpc, on
// 127.0.0.1 only. A random token (in the printed URL) is required on /rpc, the WebSocket's
// Origin must be our own page, and Host must be ours (against DNS rebinding).
// No request may take the process down: anything malformed gets a 400, and whatever a handler
// throws is answered on that request alone.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { extname, join, normalize, relative, sep } from 'node:path'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { EVENTS, isMethod, opensStream, parseParams, streamOf, type WsMessage, type WsRequest } from '../../shared/api'
import { errorData, notFound, usageError } from '../../shared/errors'
import type { Service } from '../service'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2', '.ico': 'image/x-icon'
}

export interface WebServerOptions {
  service: Service
  /** the built renderer (out/renderer) */
  rendererDir: string
  port?: number
  /** fixed token for tests; random otherwise */
  token?: string
  /** how long the API's calls wait at most for a loading page's files (pageFilesGate) */
  pageFilesCapMs?: number
}

export interface WebServer {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

/** The request target parsed against our own origin, or null when it is not a valid URL. */
function requestUrl(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://x')
  } catch {
    return null
  }
}

/** The decoded path of a request, or null when it does not parse, does not decode, or holds a NUL. */
function requestPath(target: string | undefined): string | null {
  const url = requestUrl(target)
  if (!url) return null
  try {
    const path = decodeURIComponent(url.pathname)
    return path.includes('\0') ? null : path
  } catch {
    return null // a lone or malformed %-escape
  }
}

/**
 * The built renderer's files (a few MB), read once when the server starts and served from
 * memory: read per request, a page's scripts and stylesheet waited in libuv's thread pool
 * behind the engine's file reads (the first listing's, asked for by the page's boot script a
 * moment before), and arrived after the listing instead of with it.
 */
async function readRenderer(root: string, dir = root, files = new Map<string, Buffer>()): Promise<Map<string, Buffer>> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name)
    if (entry.isDirectory()) await readRenderer(root, file, files)
    else if (entry.isFile()) files.set(normalize(sep + relative(root, file)), await readFile(file))
  }
  return files
}

/** The files index.html asks for as it loads (scripts, module preloads, stylesheets, preloaded fonts), as served paths. */
export function pageSubresources(indexHtml: string): string[] {
  const paths = new Set<string>()
  for (const tag of indexHtml.match(/<(script|link)\b[^>]*>/g) ?? []) {
    if (tag.startsWith('<link') && !/\brel="(stylesheet|modulepreload|preload)"/.test(tag)) continue
    const ref = /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1]
    if (ref && !/^[a-z]+:/i.test(ref)) paths.add(normalize(new URL(ref, 'http://x/').pathname))
  }
  return [...paths]
}

/**
 * Holds the API's calls while a page's own files are still to be sent. The page's boot script
 * asks for the listing as the page starts, and the engine's listing is synchronous work on this
 * thread (100-300 ms for 500 containers): the scripts and stylesheet asked for a moment later,
 * on new connections, were accepted only after it, and the page sat idle until then instead of
 * evaluating its scripts while the engine listed. Once index.html is sent, calls wait until its
 * files have been, or for at most `capMs`.
 */
export function pageFilesGate(files: string[], capMs = 400): { sent(path: string): void; served(): Promise<void> } {
  let pending = new Set<string>()
  const waiters: (() => void)[] = []
  let cap: NodeJS.Timeout | undefined
  const release = (): void => {
    pending = new Set()
    clearTimeout(cap)
    for (const w of waiters.splice(0)) w()
  }
  return {
    sent(path) {
      if (path === '/index.html') {
        pending = new Set(files)
        clearTimeout(cap)
        cap = setTimeout(release, capMs)
        cap.unref()
      } else if (pending.delete(path) && pending.size === 0) release()
    },
    served: () => (pending.size === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)))
  }
}

/** Ends a request whose handler failed: 500 if nothing was sent yet, else the connection is cut. */
function failed(res: ServerResponse): void {
  if (res.headersSent) res.destroy()
  else res.writeHead(500).end()
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  let port = 0
  const hosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`]

  const files = await readRenderer(opts.rendererDir)
  const pageFiles = pageFilesGate(pageSubresources(files.get(normalize('/index.html'))?.toString() ?? ''), opts.pageFilesCapMs)
  const serveRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (!hosts().includes(req.headers.host ?? '')) return void res.writeHead(421).end()
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end()
    const path = requestPath(req.url)
    if (path === null) return void res.writeHead(400).end()
    const rel = normalize(path === '/' ? '/index.html' : path)
    if (!join(opts.rendererDir, rel).startsWith(opts.rendererDir + sep)) return void res.writeHead(403).end()
    const body = files.get(rel)
    if (!body) return void res.writeHead(404).end()
    res.writeHead(200, {
      'content-type': TYPES[extname(rel)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store'
    })
    res.end(body, () => pageFiles.sent(rel))
  }

  const http = createServer((req, res) => {
    try {
      serveRequest(req, res)
    } catch {
      failed(res)
    }
  })

  /** Why an upgrade is refused (the status line), or null to accept it. */
  const upgradeRefusal = (req: IncomingMessage): string | null => {
    const u = requestUrl(req.url)
    if (!u) return '400 Bad Request'
    const origin = req.headers.origin ?? ''
    const ok =
      u.pathname === '/rpc' &&
      hosts().includes(req.headers.host ?? '') &&
      hosts().some((h) => origin === `http://${h}`) &&
      sameToken(u.searchParams.get('token') ?? '', token)
    return ok ? null : '403 Forbidden'
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 })
  http.on('upgrade', (req, socket, head) => {
    // Node hands the socket over without its own error listener: a reset would be uncaught.
    socket.on('error', () => socket.destroy())
    try {
      const refusal = upgradeRefusal(req)
      if (refusal) return void socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\n\r\n`)
      wss.handleUpgrade(req, socket, head, (ws) => attach(ws))
    } catch {
      socket.destroy()
    }
  })

  const attach = (ws: WebSocket): void => {
    const send = (m: WsMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m))
    }
    // A stream (console) is this connection's own: its output goes here only, and it closes with the connection.
    const streams = new Set<string>()
    const offs = EVENTS.map((ev) =>
      opts.service.on(ev, (payload) => {
        const stream = streamOf(payload)
        if (stream === null || streams.has(stream)) send({ event: ev, payload })
        if (stream !== null && ev === 'streamEnd') streams.delete(stream)
      })
    )
    ws.on('close', () => {
      offs.forEach((off) => off())
      opts.service.closeStreams(streams)
    })
    // A malformed frame: ws closes the connection itself; unheard, the error would be uncaught.
    ws.on('error', () => undefined)
    ws.on('message', async (data) => {
      let req: WsRequest
      try {
        req = JSON.parse(String(data)) as WsRequest
      } catch {
        return
      }
      if (typeof req?.id !== 'number') return
      try {
        if (!isMethod(req.method)) throw usageError('unknown method', 'unknown-method')
        const fn = opts.service.api[req.method] as (p: unknown) => Promise<unknown>
        const params = parseParams(req.method, req.params)
        const stream = streamOf(params)
        if (stream !== null && !streams.has(stream)) throw notFound(`stream ${stream} is not open on this connection`, stream)
        await pageFiles.served()
        const result = await fn(params)
        if (opensStream(req.method)) streams.add(streamOf(result)!)
        send({ id: req.id, result })
      } catch (e) {
        send({ id: req.id, error: errorData(e) })
      }
    })
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (http.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate()
        wss.close()
        http.closeAllConnections()
        http.close(() => resolve())
      })
  }
}
