// Browser mode survives whatever arrives on its port: paths that do not decode, malformed
// request lines, odd methods and headers, broken upgrades and WebSocket frames. The real process
// (`npm run web`, out/main/web.js from `npm run build`) is sent raw bytes over node:net on
// 127.0.0.1 only, a bounded number of requests in bounded time; afterwards it must still serve
// its page and answer an authenticated RPC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { rpcClient } from '../helpers/web-rpc'

const WEB_JS = join(import.meta.dirname, '../../out/main/web.js')
const SECRET = 'secret-next-to-the-renderer'

let dir: string
let lxcpath: string
let proc: ChildProcess
let port: number
let token: string
let stderr = ''

/**
 * What a client gets back for `bytes` sent on a fresh connection, until the server closes it or
 * `ms` pass. `halfClose` ends our side after writing (then Node drops a response still pending,
 * so only the fuzz, which asks for none, uses it).
 */
function exchange(bytes: string | Buffer, opts: { halfClose?: boolean; ms?: number } = {}): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const socket = connect({ host: '127.0.0.1', port })
    const done = (): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(Buffer.concat(chunks).toString('latin1'))
    }
    const timer = setTimeout(done, opts.ms ?? 2000)
    socket.on('data', (d) => chunks.push(d))
    socket.on('close', done)
    socket.on('error', done)
    socket.write(bytes, () => (opts.halfClose ? socket.end() : undefined))
  })
}

const statusOf = (response: string): number | null => {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(response)
  return m ? Number(m[1]) : null
}

const alive = (): boolean => proc.exitCode === null && proc.signalCode === null

const host = (): string => `127.0.0.1:${port}`
const get = (target: string, headers = `Host: ${host()}\r\n`): string => `GET ${target} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`
const upgrade = (target: string, extra = ''): string =>
  `GET ${target} HTTP/1.1\r\nHost: ${host()}\r\nOrigin: http://${host()}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
  `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`

beforeAll(async () => {
  if (!existsSync(WEB_JS)) throw new Error(`${WEB_JS} is missing: run \`npm run build\` first`)
  dir = mkdtempSync(join(tmpdir(), 'strata-web-fuzz-'))
  lxcpath = join(dir, 'lxc')
  mkdirSync(join(lxcpath, 'c1'), { recursive: true })
  writeFileSync(join(lxcpath, 'c1/config'), 'lxc.rootfs.path = dir:/nonexistent\n')
  writeFileSync(join(dir, 'secret.txt'), SECRET)
  proc = spawn(process.execPath, [WEB_JS, '--lxcpath', lxcpath, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode printed no URL in 15 s: ${stderr}`)), 15_000)
    proc.once('exit', (code) => reject(new Error(`browser mode exited with ${code}: ${stderr}`)))
    createInterface({ input: proc.stdout! }).once('line', (line) => {
      clearTimeout(timer)
      resolve(line.trim())
    })
  })
  const u = new URL(url)
  port = Number(u.port)
  token = u.searchParams.get('token') ?? ''
})

afterAll(async () => {
  if (proc && alive()) {
    const exited = new Promise((r) => proc.once('exit', r))
    proc.kill('SIGTERM')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
    if (alive()) proc.kill('SIGKILL')
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('browser mode under malformed requests', () => {
  it('answers 400 to a path that does not decode, and stays up', async () => {
    // what `<img src="http://127.0.0.1:PORT/%">` on any web page sends
    for (const target of ['/%', '/%zz', '/%E0%A4%A', '/a%', '/%00', '/x%00.html']) {
      expect(statusOf(await exchange(get(target))), target).toBe(400)
    }
    expect(alive(), stderr).toBe(true)
  })

  it('answers 400 to an upgrade whose target is not a URL, and stays up', async () => {
    expect(statusOf(await exchange(upgrade('http://[')))).toBe(400)
    expect(statusOf(await exchange(upgrade(`http://[/rpc?token=${token}`)))).toBe(400)
    expect(alive(), stderr).toBe(true)
  })

  it('serves nothing outside the renderer directory', async () => {
    for (const target of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/%2E%2E%2F%2E%2E%2Fsecret.txt', '/..%5csecret.txt', '/secret.txt%00.html']) {
      const response = await exchange(get(target))
      expect(response, target).not.toContain(SECRET)
      expect([400, 403, 404], target).toContain(statusOf(response))
    }
  })

  it('survives a bounded fuzz of request lines, headers, methods and upgrades', async () => {
    let seed = 20260517
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0
      return (seed >>> 8) % n
    }
    const pick = <T,>(xs: readonly T[]): T => xs[rand(xs.length)] as T
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH', 'CONNECT', 'get', 'G\x00T', 'GET GET', 'X'.repeat(300), '']
    const targets = ['/', '/index.html', '/%', '/%%', '/%zz', '/%c0%af', '/%ff', '/..', '/../../etc/passwd', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '//', '///x', '*', 'http://[', 'http://[::1', 'http://x:99999/', 'http://127.0.0.1/', '/rpc', '/rpc?token=', `/rpc?token=${token}%`, '/rpc?token=%', '/?token=%E0', '/\u00e9', '/\x7f', '/a b', '/a\tb', `/${'a'.repeat(9000)}`, '', '?', '#', '/\xff\xfe']
    const versions = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1', 'http/1.1', 'HTTP/1.1 extra', '']
    const headers = [
      `Host: ${host()}`, `Host: localhost:${port}`, 'Host: evil.example', 'Host:', `Host: ${host()}\r\nHost: evil.example`,
      `Origin: http://${host()}`, 'Origin: null', 'Origin: %', 'Connection: Upgrade', 'Upgrade: websocket', 'Upgrade: %', 'Upgrade: h2c',
      'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Version: 99', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Key: %%%',
      'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=%', 'Content-Length: 5', 'Content-Length: -1',
      'Content-Length: 99999999999999999999', 'Content-Length: 1\r\nContent-Length: 2', 'Transfer-Encoding: chunked',
      'Transfer-Encoding: chunked, identity', 'Expect: 100-continue', 'No colon here', ': empty name', 'X: \x00', 'X-\xff: y',
      `X-Long: ${'v'.repeat(20000)}`, ' leading-space: 1', 'Cookie: %'
    ]
    const bodies = ['', 'hello', '0\r\n\r\n', 'zz\r\nxx\r\n', '\x81\x85garbage', '\x00\x00\x00']
    const requests: string[] = []
    for (let i = 0; i < 300; i++) {
      const lines = Array.from({ length: rand(6) }, () => pick(headers))
      if (rand(3) === 0) lines.push('Connection: Upgrade', 'Upgrade: websocket', `Origin: http://${host()}`)
      const eol = pick(['\r\n', '\r\n', '\r\n', '\n', '\r'])
      requests.push(`${pick(methods)} ${pick(targets)} ${pick(versions)}${eol}${lines.map((l) => l + eol).join('')}${eol}${pick(bodies)}`)
    }
    const started = Date.now()
    const statuses: (number | null)[] = []
    for (let i = 0; i < requests.length; i += 10) {
      const batch = requests.slice(i, i + 10)
      statuses.push(...(await Promise.all(batch.map((r) => exchange(Buffer.from(r, 'latin1'), { halfClose: true, ms: 1500 }))).then((rs) => rs.map(statusOf))))
      expect(alive(), `died after request ${i}..${i + 9}:\n${batch.map((r) => JSON.stringify(r.slice(0, 200))).join('\n')}\n${stderr}`).toBe(true)
    }
    // bounded: a few seconds, not a hang
    expect(Date.now() - started).toBeLessThan(45_000)
    // nothing the server's own code failed on (a 500 is a handler that threw)
    expect(statuses.filter((s) => s !== null && s >= 500)).toEqual([])
    expect(statuses.filter((s) => s === 400).length).toBeGreaterThan(20)
  }, 60_000)

  it('survives malformed WebSocket frames on an authenticated connection', async () => {
    const frames = [
      Buffer.from([0x81, 0x05, 0x68, 0x65, 0x6c, 0x6c, 0x6f]), // unmasked (a client must mask)
      Buffer.from([0x83, 0x80, 1, 2, 3, 4]), // reserved opcode
      Buffer.from([0xc1, 0x80, 1, 2, 3, 4]), // RSV1 without an extension
      Buffer.from([0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]), // a 2^64 - 1 byte length
      Buffer.from([0x81, 0xfe, 0xff, 0xff, 1, 2, 3, 4]), // 64 KiB announced, never sent
      Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0]), // 2 MiB announced: above maxPayload
      Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]), // invalid UTF-8 text
      Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe7]), // close with a reserved code
      Buffer.from([0x89, 0xfe, 0x00, 0x7e, 0, 0, 0, 0, ...Buffer.alloc(126)]), // a control frame over 125 bytes
      Buffer.from([0x01, 0x81, 0, 0, 0, 0, 0x7b, 0x81, 0x81, 0, 0, 0, 0, 0x7b]), // a new message inside a fragmented one
      Buffer.from([0x81, 0x81, 0, 0, 0, 0, 0x7b]) // text "{": not JSON
    ]
    for (const frame of frames) {
      const handshake = Buffer.from(upgrade(`/rpc?token=${token}`), 'latin1')
      const response = await exchange(Buffer.concat([handshake, frame]), { ms: 1000 })
      expect(statusOf(response), frame.toString('hex')).toBe(101)
      expect(alive(), `${frame.toString('hex')}\n${stderr}`).toBe(true)
    }
  })

  it('still serves its page and an authenticated RPC afterwards', async () => {
    const page = await exchange(get('/'))
    expect(statusOf(page)).toBe(200)
    const api = rpcClient(new URL(`http://${host()}/?token=${token}`))
    try {
      expect(await api.lxcpaths({})).toEqual([lxcpath])
      expect((await api.listContainers({})).map((c) => c.name)).toEqual(['c1'])
    } finally {
      api.close()
    }
    expect(alive(), stderr).toBe(true)
  })
})
