// A console through the root helper, as the app opens one on a root-only lxcpath: one stream
// per request id over the helper's pipe, input validated there, output under the same flow
// control. While `yes` runs for 10 s the helper's memory stays flat; a client that goes away
// closes its consoles and no lxc-attach is left. The helper runs directly (the test is root).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Events } from '../../src/shared/api'
import { createService, type Service } from '../../src/main/service'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'
import { OutputReader, processesOf } from '../helpers/console'
import { allowLxcpaths } from '../helper/allow-list'
import { writeHelperWrapper } from '../helper/wrapper'

let P: TestLxcpath
let dir: string
let marker: string
let service: Service
let unlist: (() => Promise<void>) | undefined

/** A console the test reads; acks what it read unless told not to. */
async function open(opts: { autoAck?: boolean } = {}) {
  const out = new OutputReader()
  let id = ''
  const early: Events['streamData'][] = []
  let end: Events['streamEnd'] | null = null
  const onData = (e: Events['streamData']): void => {
    if (!id) return void early.push(e)
    if (e.streamId !== id) return
    out.push(e.data)
    if (opts.autoAck !== false) void service.api.streamInput({ streamId: id, input: { ack: e.data.length } }).catch(() => undefined)
  }
  const offData = service.on('streamData', onData)
  const ended = new Promise<Events['streamEnd']>((resolve) => {
    const off = service.on('streamEnd', (e) => {
      if (e.streamId !== id) return
      end = e
      off()
      offData()
      resolve(e)
    })
  })
  id = (await service.api.openConsole({ lxcpath: P.path, name: 'c1', kind: 'shell', cols: 80, rows: 24 })).streamId
  early.splice(0).forEach(onData)
  return {
    id,
    out,
    ended,
    get end() {
      return end
    },
    type: (data: string) => service.api.streamInput({ streamId: id, input: { data } }),
    ack: (n: number) => service.api.streamInput({ streamId: id, input: { ack: n } })
  }
}

function helperPid(): number {
  return Number(readFileSync(marker, 'utf8').trim().split('\n').pop())
}
function rssKiB(pid: number): number {
  return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
}

describe('a console through the root helper', () => {
  beforeAll(async () => {
    P = await makeLxcpath('strata-console-helper-')
    await P.create('c1')
    await P.lxc('lxc-start', '-n', 'c1', '-d')
    await P.lxc('lxc-wait', '-n', 'c1', '-s', 'RUNNING', '-t', '30')
    unlist = await allowLxcpaths([P.path])
    dir = mkdtempSync(join(tmpdir(), 'strata-console-route-'))
    marker = join(dir, 'started')
    const wrapper = writeHelperWrapper(dir, marker)
    service = createService({ lxcpaths: [P.path], watch: false, helperForAll: true, helper: { pkexec: null, helperPath: wrapper } })
  }, 120_000)
  afterAll(async () => {
    service?.close()
    await unlist?.()
    await P?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
  }, 60_000)

  it('types `hostname` into the container through the helper and reads its name back', async () => {
    const before = processesOf('lxc-attach', P.path)
    const c = await open()
    await c.out.waitFor(/# /)
    await c.type('hostname\r')
    await c.out.waitFor(/hostname\r*\n+c1\r*\n/)
    await service.api.closeStream({ streamId: c.id })
    expect((await c.ended).result).toEqual({ exitCode: null, closed: true })
    expect(processesOf('lxc-attach', P.path)).toEqual(before)
  })

  it('refuses malformed input at the boundary, naming the rule', async () => {
    const c = await open()
    await expect(service.api.streamInput({ streamId: c.id, input: { resize: { cols: 0, rows: 24 } } })).rejects.toMatchObject({ code: 'usage', rule: 'invalid-params' })
    await expect(service.api.streamInput({ streamId: 's999999', input: { data: 'x' } })).rejects.toMatchObject({ code: 'not-found' })
    await service.api.closeStream({ streamId: c.id })
    await c.ended
  })

  it('keeps the helper bounded under `yes`: unacked output stops at the mark, and 10 s of acked flood leave its memory flat', async () => {
    const c = await open({ autoAck: false })
    await c.out.waitFor(/# /)
    await c.ack(c.out.bytes)
    await c.type('yes\r')
    await c.out.waitFor(/(y\r*\n){100}/)
    await new Promise((r) => setTimeout(r, 2000))
    // nothing acked: at most the high mark plus a batch in flight reached us
    expect(c.out.bytes).toBeLessThan(256 * 1024 + 2 * 64 * 1024 + 4096)

    // Now a consumer that keeps up: ack everything as it comes, for 10 s, sampling the helper's RSS.
    const pid = helperPid()
    const acked = { n: c.out.bytes }
    const pump = setInterval(() => {
      const n = c.out.bytes - acked.n
      if (n > 0) {
        acked.n += n
        void c.ack(n).catch(() => undefined)
      }
    }, 5)
    await c.ack(c.out.bytes)
    const start = c.out.bytes
    const samples: number[] = []
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 500))
      samples.push(rssKiB(pid))
    }
    clearInterval(pump)
    const moved = c.out.bytes - start
    console.log(
      `yes through the helper for 10 s: ${(moved / 1e6).toFixed(1)} MB moved; helper RSS ${samples[0]}..${Math.max(...samples)} KiB (first..max), last ${samples.at(-1)} KiB`
    )
    expect(moved).toBeGreaterThan(1_000_000)
    // flat: the second half of the run grows no more than a few MiB over the first half's peak
    const firstHalf = Math.max(...samples.slice(0, 10))
    expect(Math.max(...samples.slice(10))).toBeLessThan(firstHalf + 16 * 1024)
    await service.api.closeStream({ streamId: c.id })
    expect((await c.ended).result).toMatchObject({ closed: true })
  }, 60_000)

  it('closes the consoles of a client that went away, leaving no lxc-attach', async () => {
    const before = processesOf('lxc-attach', P.path)
    const a = await open()
    const b = await open()
    await a.out.waitFor(/# /)
    await b.out.waitFor(/# /)
    expect(processesOf('lxc-attach', P.path).length).toBe(before.length + 2)
    service.closeStreams([a.id, b.id])
    await Promise.all([a.ended, b.ended])
    expect(processesOf('lxc-attach', P.path)).toEqual(before)
  })
})
