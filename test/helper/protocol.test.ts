// Framing and request parsing of the helper protocol, and the helper server in process
// (real engine, real lxcpaths) for what a hostile or broken client can send: single cases, and
// a fuzz of messages made from the engine table's own methods and params.
import { appendFileSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { applyDelta } from '../../src/main/helper/answer-delta'
import { LineDecoder, parseAppLine, parseHelperLine, PROTOCOL_VERSION, type HelperMessage, type Unreadable } from '../../src/main/helper/protocol'
import { HelperServer } from '../../src/main/helper/server'
import { admit, ENGINE, ENGINE_METHODS, isEngineMethod, REACHING_SCHEMAS } from '../../src/shared/engine-api'
import { BACKENDS } from '../../src/shared/model'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'
import { lxcLs } from '../ops/helpers'
import { allowLxcpaths } from './allow-list'
import { onJsonLines } from './json-lines'

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
  const refused = (line: string): { code: string; rule?: string; message: string; id: number | null } => {
    const r = parseAppLine(line)
    if (!('unreadable' in r)) throw new Error(`accepted: ${line}`)
    const { unreadable, id } = r as Unreadable
    return { code: unreadable.code, rule: unreadable.rule, message: unreadable.message, id }
  }

  it('reads requests and cancels', () => {
    expect(parseAppLine('{"id":3,"method":"list","params":{"lxcpaths":["/x"]}}')).toEqual({ id: 3, method: 'list', params: { lxcpaths: ['/x'] } })
    expect(parseAppLine('{"id":4,"method":"list"}')).toEqual({ id: 4, method: 'list', params: {} })
    expect(parseAppLine('{"cancel":3}')).toEqual({ cancel: 3 })
  })

  it('refuses garbage, non-objects and bad ids with bad-request', () => {
    for (const line of ['garbage', '[1,2]', 'null', '"x"', '{"method":"list"}', '{"id":0,"method":"list"}', '{"id":1.5,"method":"list"}', '{"id":"1","method":"list"}', '{"id":9007199254740993,"method":"list"}']) {
      const e = refused(line)
      expect([e.code, e.rule], line).toEqual(['usage', 'bad-request'])
      expect(e.id, line).toBeNull()
    }
  })

  it('keeps the id of a request with unknown fields or a non-string method', () => {
    const extra = refused('{"id":7,"method":"list","params":{},"cmd":"rm -rf /"}')
    expect([extra.rule, extra.id]).toEqual(['bad-request', 7])
    expect(extra.message).toContain('unknown fields: cmd')
    expect(refused('{"id":8,"method":{"x":1}}').id).toBe(8)
    expect(refused('{"cancel":1,"id":2}').message).toContain('{"cancel": <request id>}')
  })

  it("reads a stream's input (checked later against the table's schema) and refuses malformed ones", () => {
    expect(parseAppLine('{"stream":5,"input":{"data":"ls\\r"}}')).toEqual({ stream: 5, input: { data: 'ls\r' } })
    for (const line of ['{"stream":0,"input":{}}', '{"stream":5}', '{"stream":5,"input":{},"method":"x"}']) {
      expect(refused(line).message, line).toContain('{"stream": <request id>, "input": {...}}')
    }
  })

  it('the client refuses helper lines that are not protocol messages', () => {
    expect(() => parseHelperLine('{"id":1}')).toThrow(expect.objectContaining({ rule: 'bad-reply' }))
    expect(() => parseHelperLine('not json')).toThrow(/not JSON/)
    expect(parseHelperLine('{"id":null,"error":{"code":"bad-request","message":"x"}}')).toEqual({ id: null, error: { code: 'bad-request', message: 'x' } })
    expect(parseHelperLine('{"id":4,"data":"y\\r\\n"}')).toEqual({ id: 4, data: 'y\r\n' })
    expect(() => parseHelperLine('{"id":4,"data":5}')).toThrow(expect.objectContaining({ rule: 'bad-reply' }))
  })
})

describe('the engine table', () => {
  it('declares in `reach` every param that names an lxcpath, a path or an existing container, and nothing else', () => {
    const unwrap = (t: z.ZodType): z.ZodType => {
      if (t instanceof z.ZodOptional) return unwrap(t.unwrap() as z.ZodType)
      if (t instanceof z.ZodArray) return unwrap(t.element as z.ZodType)
      return t
    }
    for (const m of ENGINE_METHODS) {
      const shape = (ENGINE[m].params as unknown as z.ZodObject).shape as Record<string, z.ZodType>
      const reaching = Object.keys(shape).filter((k) => REACHING_SCHEMAS.has(unwrap(shape[k]!)))
      expect(Object.keys(ENGINE[m].reach).sort(), m).toEqual(reaching.sort())
    }
  })

  it('admits a list of names (`names`) through the scope, each one, as the scope answers', () => {
    const asked: string[] = []
    const scope = {
      lxcpath: (p: string) => p,
      lxcpathList: (ps: readonly string[]) => [...ps],
      name: (n: string) => {
        asked.push(n)
        if (n === 'out') throw new Error('out is not served')
        return n
      },
      ref: (r: { lxcpath: string; name: string }) => r,
      deletableOutside: (p: string) => p
    }
    expect(admit('destroySetPlan', { lxcpath: '/l', names: ['a', 'b'] }, scope)).toEqual({ lxcpath: '/l', names: ['a', 'b'] })
    expect(asked).toEqual(['a', 'b'])
    expect(() => admit('destroySetPlan', { lxcpath: '/l', names: ['a', 'out'] }, scope)).toThrow('out is not served')
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
  const errorOf = (m: HelperMessage): { code: string; message: string; rule?: string; subject?: string } => ('error' in m ? m.error : { code: 'none', message: JSON.stringify(m) })

  beforeAll(async () => {
    lx = await makeLxcpath('strata-helper-proto-')
    await lx.create('one')
    unlist = await allowLxcpaths([lx.path])
    input = new PassThrough()
    const output = new PassThrough()
    onJsonLines<HelperMessage>(output, (m) => {
      messages.push(m)
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
    expect(m.hello.refused).toEqual([{ path: '/tmp', reason: expect.stringContaining('nor listed in /etc/strata/lxcpaths'), said: expect.objectContaining({ key: 'helper-not-allowed' }) }])
    expect(m.hello.methods).toEqual(ENGINE_METHODS)
  })

  it('answers an oversized line with too-large and goes on serving', async () => {
    input.write('{"id":1,"method":"list","params":{"pad":"' + 'x'.repeat(10_000) + '"}}\n')
    expect(errorOf(await reply(byId(null)))).toMatchObject({ code: 'usage', rule: 'too-large', message: expect.stringContaining('exceeds the limit of 4096 bytes') })
    input.write('{"id":2,"method":"listContainers","params":{}}\n')
    const ok = await reply(byId(2))
    expect('result' in ok && (ok.result as { name: string }[]).map((c) => c.name)).toEqual(['one'])
  })

  it('answers a listing asked again as what changed since the version the app holds', async () => {
    await lx.create('two') // a change of one of two containers is sent as a change (of one of one, whole)
    try {
      const ask = async (id: number, have?: number): Promise<HelperMessage> => {
        input.write(JSON.stringify({ id, method: 'listContainers', params: { lxcpaths: [lx.path] }, ...(have ? { have } : {}) }) + '\n')
        return reply(byId(id))
      }
      const full = await ask(901)
      if (!('result' in full) || full.version === undefined) throw new Error(`no versioned list: ${JSON.stringify(full)}`)
      const v = full.version
      // nothing changed: "same as version v"
      expect(await ask(902, v)).toEqual({ id: 902, delta: { base: v, version: v, length: 2, set: [] } })
      // a real change: one container's config gains a LXC 2.0 key (it lists as legacy)
      const config = join(lx.path, 'one/config')
      const original = readFileSync(config, 'utf8')
      let changed: HelperMessage
      try {
        appendFileSync(config, 'lxc.utsname = one\n')
        changed = await ask(903, v)
      } finally {
        writeFileSync(config, original)
      }
      if (!('delta' in changed)) throw new Error(`no delta: ${JSON.stringify(changed)}`)
      expect(changed.delta).toMatchObject({ base: v, length: 2, set: [[0, expect.objectContaining({ name: 'one', legacy: true })]] })
      expect(changed.delta.version).toBeGreaterThan(v)
      const before = full.result as { name: string }[]
      expect(applyDelta(before, changed.delta)).toEqual([{ ...before[0], legacy: true, problems: expect.any(Array) }, before[1]])
      // a version the helper no longer holds gets the whole list
      const again = await ask(904, v)
      expect('result' in again && again.version).toBeGreaterThan(changed.delta.version)
      expect('result' in again && again.result).toEqual(full.result)
      // a malformed version is refused
      expect(parseAppLine(JSON.stringify({ id: 905, method: 'listContainers', params: {}, have: 0 }))).toMatchObject({ unreadable: { rule: 'bad-request' }, id: 905 })
    } finally {
      await lx.lxc('lxc-destroy', '-n', 'two')
    }
  })

  it('answers garbage and binary noise with bad-request, without an id', async () => {
    input.write('\u0000\u0001\u0002 garbage\n')
    expect(errorOf(await reply(byId(null))).rule).toBe('bad-request')
  })

  it('refuses unknown methods (no "run this command")', async () => {
    input.write('{"id":3,"method":"exec","params":{"argv":["sh","-c","id"]}}\n')
    const e = errorOf(await reply(byId(3)))
    expect([e.code, e.rule]).toEqual(['usage', 'unknown-method'])
    expect(e.message).toContain('There is no helper method "exec"')
  })

  it('refuses params that break a schema, naming the field and the rule', async () => {
    input.write(JSON.stringify({ id: 4, method: 'configView', params: { lxcpath: lx.path, name: 'a\u0000b' } }) + '\n')
    expect(errorOf(await reply(byId(4)))).toMatchObject({ code: 'usage', rule: 'invalid-params', message: expect.stringContaining('configView: name: invalid container name') })
    input.write(JSON.stringify({ id: 5, method: 'create', params: { lxcpath: lx.path, name: 'n', template: 'busybox', templateArgs: ['--rootfs', '/etc'] } }) + '\n')
    expect(errorOf(await reply(byId(5)))).toMatchObject({ code: 'usage', rule: 'invalid-params', message: expect.stringContaining('paths are not allowed') })
    input.write(JSON.stringify({ id: 6, method: 'listContainers', params: { lxcpaths: ['relative/path'] } }) + '\n')
    expect(errorOf(await reply(byId(6))).message).toContain('an lxcpath must be an absolute path')
  })

  it('refuses an lxcpath outside the configured ones, including the one it refused at start', async () => {
    input.write(JSON.stringify({ id: 7, method: 'startContainer', params: { lxcpath: '/tmp', name: 'one' } }) + '\n')
    expect(errorOf(await reply(byId(7)))).toMatchObject({ code: 'refused', rule: 'helper-lxcpaths', subject: '/tmp', message: expect.stringContaining('/tmp is not an lxcpath this helper serves') })
  })

  it('plans the destroy of a set of names, each name checked; refuses the set in an lxcpath it does not serve', async () => {
    input.write(JSON.stringify({ id: 30, method: 'destroySetPlan', params: { lxcpath: lx.path, names: ['one'] } }) + '\n')
    const ok = await reply(byId(30))
    expect('result' in ok && ok.result).toEqual({ order: [{ ref: { lxcpath: lx.path, name: 'one' }, snapshots: [], dependentOfAnother: false }], refused: [] })
    input.write(JSON.stringify({ id: 31, method: 'destroySetPlan', params: { lxcpath: lx.path, names: ['one', '../etc'] } }) + '\n')
    expect(errorOf(await reply(byId(31)))).toMatchObject({ code: 'usage', rule: 'invalid-params', message: expect.stringContaining('destroySetPlan: names.1: invalid container name') })
    input.write(JSON.stringify({ id: 32, method: 'destroySetPlan', params: { lxcpath: '/tmp', names: ['one'] } }) + '\n')
    expect(errorOf(await reply(byId(32)))).toMatchObject({ code: 'refused', rule: 'helper-lxcpaths', subject: '/tmp' })
  })

  it('a stop of a stopped container is refused by the rule, in words, not with LXC\'s raw text', async () => {
    input.write(JSON.stringify({ id: 8, method: 'stopContainer', params: { lxcpath: lx.path, name: 'one' } }) + '\n')
    const e = errorOf(await reply(byId(8)))
    expect(e).toMatchObject({ code: 'refused', rule: 'not-running', subject: `${lx.path}/one`, message: 'one is not running.' })
  })

  it('reads a container\'s LXC log inside the lxcpath, and refuses one its config names outside (the helper reads as root)', async () => {
    input.write(JSON.stringify({ id: 20, method: 'readLog', params: { lxcpath: lx.path, name: 'one' } }) + '\n')
    const ok = await reply(byId(20))
    expect('result' in ok && ok.result).toMatchObject({ file: `${lx.path}/one/one.log`, source: 'strata', exists: false, lines: [] })
    const cfg = `${lx.path}/one/config`
    const before = readFileSync(cfg, 'utf8')
    try {
      writeFileSync(cfg, `${before}lxc.log.file = /etc/passwd\n`)
      input.write(JSON.stringify({ id: 21, method: 'readLog', params: { lxcpath: lx.path, name: 'one' } }) + '\n')
      expect(errorOf(await reply(byId(21)))).toMatchObject({ code: 'refused', rule: 'helper-lxcpaths', subject: '/etc/passwd' })
    } finally {
      writeFileSync(cfg, before)
    }
  })

  it('a duplicate id while the first is in flight is refused as busy', async () => {
    input.write(JSON.stringify({ id: 9, method: 'listContainers', params: {} }) + '\n' + JSON.stringify({ id: 9, method: 'listContainers', params: {} }) + '\n')
    const first = await reply(byId(9))
    const second = await reply(byId(9))
    const outcomes = [first, second].map((m) => ('error' in m ? m.error.rule : 'ok')).sort()
    expect(outcomes).toEqual(['busy', 'ok'])
  })
})

/** A small seeded generator, so that a failing run can be repeated (STRATA_FUZZ_SEED). */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Every file under `dir` with its size, mode and mtime (symlinks not followed): what "untouched" means. */
function treeState(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e)
      const st = lstatSync(p)
      out.push(`${p} ${st.mode.toString(8)} ${st.size} ${st.mtimeMs}`)
      if (st.isDirectory()) walk(p)
    }
  }
  walk(dir)
  return out.sort()
}

describe.skipIf(process.geteuid?.() !== 0)('hostile messages against the protocol generated from the engine table', () => {
  const COUNT = 8000
  const MAX_REQUEST = 8192
  const seed = Number(process.env.STRATA_FUZZ_SEED ?? Date.now() % 1_000_000)
  let served: TestLxcpath
  let outside: TestLxcpath
  let canaryFile: string
  let input: PassThrough
  let server: HelperServer
  let unlist: (() => Promise<void>) | undefined
  const replies = new Map<number | null, number>()
  const waiters: (() => void)[] = []
  let before: { served: string[]; outside: string[]; file: string }

  beforeAll(async () => {
    served = await makeLxcpath('strata-fuzz-served-')
    outside = await makeLxcpath('strata-fuzz-outside-')
    await served.create('one')
    // the canaries: a real container in an lxcpath the helper does not serve, and a plain file
    await outside.create('victim')
    canaryFile = join(outside.path, 'canary-file')
    writeFileSync(canaryFile, 'must survive\n')
    unlist = await allowLxcpaths([served.path])
    before = { served: treeState(served.path), outside: treeState(outside.path), file: readFileSync(canaryFile, 'utf8') }
    input = new PassThrough()
    const output = new PassThrough()
    onJsonLines<HelperMessage>(output, (m) => {
      // a stream's output is not its answer: that comes once, when it ends
      if ('id' in m && !('progress' in m) && !('data' in m)) replies.set(m.id, (replies.get(m.id) ?? 0) + 1)
      for (const w of waiters.splice(0)) w()
    })
    server = new HelperServer({ input, output, lxcpaths: [served.path], maxRequestBytes: MAX_REQUEST })
    server.start()
  }, 120_000)

  afterAll(async () => {
    input?.end()
    await server?.done
    await unlist?.()
    await served?.cleanup()
    await outside?.cleanup()
  })

  it(`answers ${COUNT} random and mutated messages without crashing or hanging, and touches no canary`, async () => {
    const rnd = prng(seed)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
    const S = served.path
    const O = outside.path
    // Values a hostile app would try: outside lxcpaths, escapes, bad names. No value here names
    // a container that exists in the served lxcpath, nor a template that exists, so nothing the
    // helper accepts may change the disk: any change is an escape.
    // Each pool: values the schema accepts (the policy must refuse them), then ones it refuses.
    const LXCPATHS = [
      [S, `${S}/`, `${S}//`, O, `${O}/`, `${O}/victim`, '/etc', '/', '/tmp', '/run/lxc', `/proc/self/root${S}`, `${S}/one`, `${S}/one/rootfs`],
      [`${S}/..`, `${S}/.`, `${S}/../${basename(O)}`, 'relative', '', `${S}\u0000`, 'x'.repeat(5000)]
    ]
    const NAMES = [
      ['victim', 'ghost', '.hidden', 'snap0', 'canary-file', 'rootfs', 'config'],
      ['../victim', `../${basename(O)}/victim`, '..', '.', '', 'a/b', '.strata-build-1', '.strata-trash-1', '-rf', 'x'.repeat(300), 'ünï', 'v\u0000', '$(id)']
    ]
    const plausibly = <T>(pools: T[][]): T => pick(rnd() < 0.8 ? pools[0]! : pools[1]!)
    const TEMPLATES = [['nope', 'no-such-template'], ['../x', '/bin/sh', '', 'busy box', 'x'.repeat(100)]]
    const TEMPLATE_ARGS = ['--rootfs', '/etc', `--path=${O}`, '-n', 'victim', '--', '--pa', 'ok', '-hn', '--mapped-uid=0']
    const OUTSIDE = [canaryFile, O, `${O}/victim`, `${O}/victim/rootfs`, '/etc', `${S}/one/rootfs`, `${S}/../${basename(O)}/victim`, 'relative']
    const junk = (depth = 0): unknown => {
      const r = rnd()
      if (depth > 3 || r < 0.2) return pick([null, true, false, 0, -1, 1.5, 1e308, 2 ** 53 + 1, '', 'x', '../', '\u0000', '\ud800', '😀'.repeat(50)])
      if (r < 0.4) return pick([...LXCPATHS.flat(), ...NAMES.flat()])
      if (r < 0.7) return Array.from({ length: Math.floor(rnd() * 4) }, () => junk(depth + 1))
      return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [pick(['lxcpath', 'name', 'ref', 'cmd', 'constructor', 'toString', 'x']), junk(depth + 1)]))
    }
    const value = (method: string, key: string): unknown => {
      if (rnd() < 0.04) return junk()
      switch (key) {
        case 'lxcpath':
          return plausibly(LXCPATHS)
        case 'lxcpaths':
          return Array.from({ length: Math.floor(rnd() * 3) }, () => plausibly(LXCPATHS))
        case 'name':
        case 'newName':
          return plausibly(NAMES)
        case 'origin':
          return { lxcpath: plausibly(LXCPATHS), name: plausibly(NAMES) }
        case 'template':
          return plausibly(TEMPLATES)
        case 'templateArgs':
          return Array.from({ length: Math.floor(rnd() * 3) }, () => pick(TEMPLATE_ARGS))
        case 'snapshot':
          return method === 'clone' ? rnd() < 0.5 : plausibly([['snap0', 'snap1'], ['../snap0', 'snap0/..', true]])
        case 'backend':
          return pick([...BACKENDS, 'best', 'none', 'ext4', ''])
        case 'deleteOutside':
          return Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => pick(OUTSIDE))
        case 'comment':
          return pick(['', 'note', '\u0000', 'x'.repeat(70_000)])
        case 'all':
        case 'withDependents':
        case 'expandConfig':
          return rnd() < 0.5
        default:
          return pick([true, false, junk()])
      }
    }
    let nextId = 1
    /** One line, and the replies it must get: by id, or unaddressed (null). */
    const message = (): { line: string; expect: (number | null)[] } => {
      const r = rnd()
      if (r < 0.04) {
        // raw noise, without a newline inside
        const bytes = Array.from({ length: 1 + Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)).filter((b) => b !== 0x0a)
        const line = Buffer.from(bytes).toString('latin1')
        return { line, expect: line.trim() === '' ? [] : [null] }
      }
      if (r < 0.06) return { line: `{"id":${nextId++},"method":"listContainers","params":{"lxcpaths":["${S}"]` + ' '.repeat(MAX_REQUEST), expect: [] }
      if (r < 0.08) return { line: JSON.stringify(pick([[1, 2], null, 'x', 7, { cancel: 'x' }, { cancel: 0 }, { method: 'destroy' }])), expect: [null] }
      if (r < 0.1) return { line: JSON.stringify({ cancel: 1 + Math.floor(rnd() * nextId) }), expect: [] }
      const method = rnd() < 0.9 ? pick(ENGINE_METHODS) : pick(['exec', 'flatten', 'list', 'run', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''])
      const shape = isEngineMethod(method) ? Object.keys((ENGINE[method].params as unknown as { shape: object }).shape) : ['cmd']
      const params: Record<string, unknown> = {}
      for (const key of shape) if (rnd() < 0.9) params[key] = value(method, key)
      if (rnd() < 0.05) params[pick(['cmd', 'argv', 'path', 'ref'])] = junk()
      const id = nextId++
      // a usage watch, a transfer (waiting for its input or acks), a console last until closed: close them at once, so that each ends with its answer
      const closed = (line: string): string => (isEngineMethod(method) && ENGINE[method].stream ? `${line}\n${JSON.stringify({ cancel: id })}` : line)
      const m = rnd()
      if (m < 0.03) return { line: closed(`{"id":${id},"method":${JSON.stringify(method)},"params":{"__proto__":{"lxcpaths":["${O}"]}}}`), expect: [id] }
      if (m < 0.06) return { line: closed(JSON.stringify({ id, method, params, cmd: 'rm -rf /' })), expect: [id] }
      if (m < 0.09) return { line: JSON.stringify({ id: pick([0, -id, id + 0.5, String(id), null, 2 ** 53 + 1]), method, params }), expect: [null] }
      if (m < 0.12) return { line: closed(JSON.stringify({ id, method, params: junk() })), expect: [id] }
      if (m < 0.14) return { line: JSON.stringify({ id, method, params }).slice(0, -1 - Math.floor(rnd() * 10)), expect: [null] }
      return { line: closed(JSON.stringify({ id, method, params })), expect: [id] }
    }

    const expected = new Map<number | null, number>()
    const sentLines = new Map<number | null, string>()
    const settled = (): boolean => [...expected].every(([id, n]) => (replies.get(id) ?? 0) >= n)
    const BATCH = 24
    for (let sent = 0; sent < COUNT; ) {
      const lines: string[] = []
      for (let i = 0; i < BATCH && sent < COUNT; i++, sent++) {
        const { line, expect: addressed } = message()
        // a line over the limit is dropped unread, and answered without an id
        const ids = Buffer.byteLength(line) > MAX_REQUEST ? [null] : addressed
        lines.push(line)
        for (const id of ids) sentLines.set(id, line)
        for (const id of ids) expected.set(id, (expected.get(id) ?? 0) + 1)
      }
      input.write(lines.join('\n') + '\n')
      const until = Date.now() + 30_000
      while (!settled()) {
        if (Date.now() > until) {
          const missing = [...expected].filter(([id, n]) => (replies.get(id) ?? 0) < n).map(([id]) => `${id}: ${sentLines.get(id)?.slice(0, 300)}`)
          throw new Error(`seed ${seed}: no answer within 30 s after message ${sent} to ${missing.join('\n')}`)
        }
        await new Promise<void>((r) => {
          waiters.push(r)
          setTimeout(r, 1000)
        })
      }
    }
    // every request was answered exactly once, and nothing was answered twice
    for (const [id, n] of expected) if (id !== null) expect(replies.get(id), `seed ${seed}: replies to ${id}`).toBe(n)
    expect(replies.get(null), `seed ${seed}: unaddressed replies`).toBe(expected.get(null))

    // the helper still serves, and nothing outside or inside its lxcpath changed
    input.write(JSON.stringify({ id: nextId, method: 'listContainers', params: {} }) + '\n')
    await vi.waitFor(() => expect(replies.get(nextId)).toBe(1))
    expect(readFileSync(canaryFile, 'utf8')).toBe(before.file)
    expect(treeState(outside.path), `seed ${seed}`).toEqual(before.outside)
    expect(treeState(served.path), `seed ${seed}`).toEqual(before.served)
    expect(await lxcLs(outside.path)).toEqual(['victim'])
    expect(await lxcLs(served.path)).toEqual(['one'])
  }, 600_000)
})
