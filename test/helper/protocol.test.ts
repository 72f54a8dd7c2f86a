// Framing and request parsing of the helper protocol, and the helper server in process
// (real engine, real lxcpath) for what a hostile or broken client can send.
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LineDecoder, parseAppLine, parseHelperLine, ProtocolError, PROTOCOL_VERSION, type HelperMessage } from '../../src/main/helper/protocol'
import { HelperServer } from '../../src/main/helper/server'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'
import { allowLxcpaths } from './allow-list'

function decode(max: number, chunks: (string | Buffer)[], end = false): { lines: string[]; oversized: number[] } {
  const lines: string[] = []
  const oversized: number[] = []
  const d = new LineDecoder(max, (l) => lines.push(l), (n) => oversized.push(n))
  for (const c of chunks) d.push(typeof c === 'string' ? Buffer.from(c) : c)
  if (end) d.end()
  return { lines, oversized }
}

describe('LineDecoder', () => {
  it('splits lines across and within chunks, skipping blank lines', () => {
    expect(decode(100, ['{"a":', '1}\n{"b"', ':2}\n\n', '{"c":3}\n']).lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}'])
  })

  it('keeps a UTF-8 character split between chunks intact', () => {
    const bytes = Buffer.from('{"name":"コンテナ"}\n')
    expect(decode(100, [bytes.subarray(0, 12), bytes.subarray(12)]).lines).toEqual(['{"name":"コンテナ"}'])
  })

  it('drops a line over the limit, reports its size once, and reads the next line', () => {
    const r = decode(10, ['0123456789', 'abcdef', 'ghij\n', '{"ok":1}\n'])
    expect(r.oversized).toEqual([20])
    expect(r.lines).toEqual(['{"ok":1}'])
  })

  it('a line of exactly the limit passes', () => {
    expect(decode(8, ['{"a":12}\n']).lines).toEqual(['{"a":12}'])
  })

  it('a last line without newline counts at end of input; an oversized one is reported', () => {
    expect(decode(100, ['{"a":1}'], true).lines).toEqual(['{"a":1}'])
    expect(decode(4, ['{"a":1}'], true).oversized).toEqual([7])
  })
})

describe('parseAppLine', () => {
  const refused = (line: string): ProtocolError => {
    try {
      parseAppLine(line)
    } catch (err) {
      return err as ProtocolError
    }
    throw new Error(`accepted: ${line}`)
  }

  it('reads requests and cancels', () => {
    expect(parseAppLine('{"id":3,"method":"list","params":{"lxcpaths":["/x"]}}')).toEqual({ id: 3, method: 'list', params: { lxcpaths: ['/x'] } })
    expect(parseAppLine('{"id":4,"method":"list"}')).toEqual({ id: 4, method: 'list', params: {} })
    expect(parseAppLine('{"cancel":3}')).toEqual({ cancel: 3 })
  })

  it('refuses garbage, non-objects and bad ids with bad-request', () => {
    for (const line of ['garbage', '[1,2]', 'null', '"x"', '{"method":"list"}', '{"id":0,"method":"list"}', '{"id":1.5,"method":"list"}', '{"id":"1","method":"list"}', '{"id":9007199254740993,"method":"list"}']) {
      const e = refused(line)
      expect(e.code, line).toBe('bad-request')
      expect(e.id, line).toBeNull()
    }
  })

  it('keeps the id of a request with unknown fields or a non-string method', () => {
    const extra = refused('{"id":7,"method":"list","params":{},"cmd":"rm -rf /"}')
    expect([extra.code, extra.id]).toEqual(['bad-request', 7])
    expect(extra.message).toContain('unknown fields: cmd')
    expect(refused('{"id":8,"method":{"x":1}}').id).toBe(8)
    expect(refused('{"cancel":1,"id":2}').message).toContain('{"cancel": <request id>}')
  })

  it('the client refuses helper lines that are not protocol messages', () => {
    expect(() => parseHelperLine('{"id":1}')).toThrow(ProtocolError)
    expect(() => parseHelperLine('not json')).toThrow(/not JSON/)
    expect(parseHelperLine('{"id":null,"error":{"code":"bad-request","message":"x"}}')).toEqual({ id: null, error: { code: 'bad-request', message: 'x' } })
  })
})

describe.skipIf(process.geteuid?.() !== 0)('HelperServer in process', () => {
  let lx: TestLxcpath
  let input: PassThrough
  let server: HelperServer
  let unlist: (() => Promise<void>) | undefined
  const messages: HelperMessage[] = []
  const waiters: (() => void)[] = []

  const reply = async (pred: (m: HelperMessage) => boolean): Promise<HelperMessage> => {
    for (;;) {
      const i = messages.findIndex(pred)
      if (i >= 0) return messages.splice(i, 1)[0]!
      await new Promise<void>((r) => waiters.push(r))
    }
  }
  const byId = (id: number | null) => (m: HelperMessage) => 'id' in m && m.id === id && !('progress' in m)
  const errorOf = (m: HelperMessage): { code: string; message: string } => ('error' in m ? m.error : { code: 'none', message: JSON.stringify(m) })

  beforeAll(async () => {
    lx = await makeLxcpath('strata-helper-proto-')
    await lx.create('one')
    unlist = await allowLxcpaths([lx.path])
    input = new PassThrough()
    const output = new PassThrough()
    let rest = ''
    output.on('data', (d: Buffer) => {
      rest += d.toString()
      const lines = rest.split('\n')
      rest = lines.pop() ?? ''
      for (const l of lines) messages.push(JSON.parse(l) as HelperMessage)
      for (const w of waiters.splice(0)) w()
    })
    server = new HelperServer({ input, output, lxcpaths: [lx.path, '/tmp'], maxRequestBytes: 4096 })
    server.start()
  })

  afterAll(async () => {
    input?.end()
    await server?.done
    await unlist?.()
    await lx?.cleanup()
  })

  it('says hello first: protocol version, the lxcpaths it serves and the ones it refused', async () => {
    const m = await reply((x) => 'hello' in x)
    if (!('hello' in m)) throw new Error('no hello')
    expect(m.hello.protocol).toBe(PROTOCOL_VERSION)
    expect(m.hello.lxcpaths).toEqual([lx.path])
    expect(m.hello.refused).toEqual([{ path: '/tmp', reason: expect.stringContaining('nor listed in /etc/strata/lxcpaths') }])
    expect(m.hello.unavailable).toEqual([])
    expect(m.hello.methods).toContain('clone')
  })

  it('answers an oversized line with too-large and goes on serving', async () => {
    input.write('{"id":1,"method":"list","params":{"pad":"' + 'x'.repeat(10_000) + '"}}\n')
    expect(errorOf(await reply(byId(null)))).toMatchObject({ code: 'too-large', message: expect.stringContaining('exceeds the limit of 4096 bytes') })
    input.write('{"id":2,"method":"list","params":{}}\n')
    const ok = await reply(byId(2))
    expect('result' in ok && (ok.result as { name: string }[]).map((c) => c.name)).toEqual(['one'])
  })

  it('answers garbage and binary noise with bad-request, without an id', async () => {
    input.write('\u0000\u0001\u0002 garbage\n')
    expect(errorOf(await reply(byId(null))).code).toBe('bad-request')
  })

  it('refuses unknown methods (no "run this command")', async () => {
    input.write('{"id":3,"method":"exec","params":{"argv":["sh","-c","id"]}}\n')
    const e = errorOf(await reply(byId(3)))
    expect(e.code).toBe('unknown-method')
    expect(e.message).toContain('There is no helper method "exec"')
  })

  it('refuses params that break a schema, naming the field and the rule', async () => {
    input.write(JSON.stringify({ id: 4, method: 'configView', params: { ref: { lxcpath: lx.path, name: 'a\u0000b' } } }) + '\n')
    expect(errorOf(await reply(byId(4)))).toMatchObject({ code: 'invalid-params', message: expect.stringContaining('ref.name') })
    input.write(JSON.stringify({ id: 5, method: 'create', params: { lxcpath: lx.path, name: 'n', template: 'busybox', templateArgs: ['--rootfs', '/etc'] } }) + '\n')
    expect(errorOf(await reply(byId(5)))).toMatchObject({ code: 'invalid-params', message: expect.stringContaining('paths are not allowed') })
    input.write(JSON.stringify({ id: 6, method: 'list', params: { lxcpaths: ['relative/path'] } }) + '\n')
    expect(errorOf(await reply(byId(6))).message).toContain('an lxcpath must be an absolute path')
  })

  it('refuses an lxcpath outside the configured ones, including the one it refused at start', async () => {
    input.write(JSON.stringify({ id: 7, method: 'start', params: { ref: { lxcpath: '/tmp', name: 'one' } } }) + '\n')
    expect(errorOf(await reply(byId(7)))).toMatchObject({ code: 'refused', message: expect.stringContaining('/tmp is not an lxcpath this helper serves') })
  })

  it('a failing operation reports LXC\'s reason, not a stack', async () => {
    input.write(JSON.stringify({ id: 8, method: 'stop', params: { ref: { lxcpath: lx.path, name: 'one' } } }) + '\n')
    const e = errorOf(await reply(byId(8)))
    expect(e.code).toBe('failed')
    expect(e.message).toMatch(/not running/i)
  })

  it('a duplicate id while the first is in flight is refused as busy', async () => {
    input.write(JSON.stringify({ id: 9, method: 'list', params: {} }) + '\n' + JSON.stringify({ id: 9, method: 'list', params: {} }) + '\n')
    const first = await reply(byId(9))
    const second = await reply(byId(9))
    const codes = [first, second].map((m) => ('error' in m ? m.error.code : 'ok')).sort()
    expect(codes).toEqual(['busy', 'ok'])
  })
})
