// A console on a real running busybox container (lxc-attach and lxc-console in a pty): what a
// user types reaches the container, a resize reaches `stty size`, closing or stopping the
// container leaves no process behind, and a `yes` flood stays bounded while nobody reads it.
import { execa } from 'execa'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ConsoleEnd, ConsoleKind, StreamInput } from '../../src/shared/engine-api'
import { CONSOLE_HIGH_WATER, runConsole } from '../../src/main/engine/console'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'
import { OutputReader, processesOf } from '../helpers/console'

let P: TestLxcpath
/** every console a test opened, closed after each test whatever happened */
const opened: (() => void)[] = []

/** A console as a test drives it: the output read, input sent, acks only when told. */
function open(kind: ConsoleKind, name = 'c1', opts: { cols?: number; rows?: number; autoAck?: boolean } = {}) {
  const out = new OutputReader()
  const ac = new AbortController()
  let input: (m: StreamInput) => void = () => undefined
  const autoAck = opts.autoAck ?? true
  const ended: Promise<ConsoleEnd> = runConsole(
    { lxcpath: P.path, name },
    { kind, cols: opts.cols ?? 80, rows: opts.rows ?? 24, signal: ac.signal },
    {
      send: (chunk) => {
        out.push(chunk)
        if (autoAck) input({ ack: chunk.length })
      },
      onInput: (cb) => void (input = cb)
    }
  )
  opened.push(() => ac.abort())
  return { out, ended, type: (data: string) => input({ data }), send: (m: StreamInput) => input(m), close: () => ac.abort() }
}

/** Processes inside the container, as its own ps sees them (the ps itself excluded). */
async function insideProcesses(name = 'c1'): Promise<string[]> {
  const r = await execa('lxc-attach', ['-P', P.path, '-n', name, '--', 'ps', '-o', 'pid,comm'], { reject: false })
  return r.stdout.split('\n').slice(1).map((l) => l.trim()).filter((l) => l && !/\bps$/.test(l))
}

describe('a console on a running container', () => {
  beforeAll(async () => {
    P = await makeLxcpath('strata-console-')
    await P.create('c1')
    await P.lxc('lxc-start', '-n', 'c1', '-d')
    await P.lxc('lxc-wait', '-n', 'c1', '-s', 'RUNNING', '-t', '30')
  }, 120_000)
  afterEach(() => {
    for (const close of opened.splice(0)) close()
  })
  afterAll(async () => {
    await P?.cleanup()
  }, 60_000)

  it('runs the container shell: `hostname` answers the container name, a resize reaches `stty size`, closing leaves no process', async () => {
    const before = processesOf('lxc-attach', P.path)
    const inside = await insideProcesses()
    const c = open('shell', 'c1', { cols: 80, rows: 24 })
    await c.out.waitFor(/# /)
    c.type('hostname\r')
    await c.out.waitFor(/hostname\r*\n+c1\r*\n/)
    c.type('stty size\r')
    await c.out.waitFor(/24 80/)
    c.send({ resize: { cols: 132, rows: 40 } })
    c.type('stty size\r')
    await c.out.waitFor(/40 132/)
    c.close()
    expect(await c.ended).toEqual({ exitCode: null, closed: true })
    expect(processesOf('lxc-attach', P.path)).toEqual(before)
    // the shell inside went with it
    await expect.poll(() => insideProcesses(), { timeout: 10_000 }).toEqual(inside)
  }, 60_000)

  it("opens the container's own tty with lxc-console, and closing it leaves no lxc-console", async () => {
    const before = processesOf('lxc-console', P.path)
    const c = open('tty')
    await c.out.waitFor(/Connected to tty/)
    c.type('\r')
    await c.out.waitFor(/c1 login:/)
    c.close()
    expect((await c.ended).closed).toBe(true)
    expect(processesOf('lxc-console', P.path)).toEqual(before)
  }, 60_000)

  it('keeps a `yes` flood bounded while the output is not acked, and goes on when it is', async () => {
    const c = open('shell', 'c1', { autoAck: false })
    await c.out.waitFor(/# /)
    c.send({ ack: c.out.bytes })
    c.type('yes\r')
    await c.out.waitFor(/(y\r*\n){100}/)
    // The pty is paused past the high mark: a second later nothing more has come.
    await new Promise((r) => setTimeout(r, 1500))
    const held = c.out.bytes
    await new Promise((r) => setTimeout(r, 1000))
    expect(c.out.bytes).toBe(held)
    expect(held).toBeLessThan(CONSOLE_HIGH_WATER + 2 * 64 * 1024 + 4096)
    // Acking what was drawn lets it go on.
    c.send({ ack: held })
    await expect.poll(() => c.out.bytes, { timeout: 10_000 }).toBeGreaterThan(held + 100_000)
    c.close()
    expect((await c.ended).closed).toBe(true)
    await expect.poll(async () => (await insideProcesses()).filter((l) => /\byes$/.test(l)), { timeout: 10_000 }).toEqual([])
  }, 60_000)

  it('Ctrl+C reaches a `yes` flood under flow control, and the shell answers again', async () => {
    const c = open('shell')
    await c.out.waitFor(/# /)
    c.type('yes\r')
    await c.out.waitFor(/(y\r*\n){100}/)
    c.type('\x03')
    c.type('echo after-$((40+2))\r')
    await c.out.waitFor(/after-42/, 30_000)
    c.close()
    expect((await c.ended).closed).toBe(true)
  }, 60_000)

  it('ends when the container stops, leaving no lxc-attach', async () => {
    const before = processesOf('lxc-attach', P.path)
    const c = open('shell')
    await c.out.waitFor(/# /)
    await P.lxc('lxc-stop', '-n', 'c1', '-k')
    const end = await c.ended
    expect(end.closed).toBe(false)
    expect(processesOf('lxc-attach', P.path)).toEqual(before)
  }, 60_000)

  it('refuses a container that is not running, saying so', async () => {
    const c = open('shell')
    await expect(c.ended).rejects.toMatchObject({ code: 'refused', rule: 'not-running', message: expect.stringContaining('c1') })
  })
})
