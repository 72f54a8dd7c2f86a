// A console on a running container: `lxc-attach` (its default shell) or `lxc-console` (its own
// tty) in a pty, as a stream. Output is handed on in batches; input, resizes and acks come
// back. Flow control: output the consumer has not acked yet (drawn, for a terminal) is bounded;
// past the high mark the pty is paused, so a `yes` inside the container blocks on its own
// writes instead of growing this process, the helper's pipe or the page. It ends when its
// program exits (the container stopped, the user typed `exit`) or when its signal aborts.
import type { Duplex } from 'node:stream'
import type { ConsoleEnd, ConsoleKind, StreamInput } from '@shared/engine-api'
import { cancelled, containerSubject, refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import { stateSaid } from '@shared/lifecycle'
import type { ContainerRef } from '@shared/model'
import { readStates } from './state'
import { spawnPty, type PtyProcess } from './tools'

/** Unacked output (UTF-16 units) past which the pty is paused, and below which it goes on. */
export const CONSOLE_HIGH_WATER = 256 * 1024
export const CONSOLE_LOW_WATER = 64 * 1024
/** Output is sent in batches of at most this much, at least every BATCH_MS. */
const BATCH_MAX = 64 * 1024
const BATCH_MS = 4
/** After SIGHUP, how long the program gets before SIGKILL. */
const KILL_GRACE_MS = 2000

/** Both ends of a stream as the engine sees them. */
export interface EngineStream {
  /** output to the consumer */
  send(chunk: string): void
  /** what the consumer sends back; one listener */
  onInput(cb: (input: StreamInput) => void): void
  /** a channel for raw bytes beside the messages (a transfer's rootfs), where the consumer can reach one */
  openChannel?(): ByteChannel
}

/** Raw bytes beside a stream: `offer` goes to the consumer in the stream, who connects to it; `connected` is the far end. */
export interface ByteChannel {
  offer: string
  connected: Promise<Duplex>
  /** stops listening and ends the connection, if any */
  close(): void
}

export interface ConsoleOptions {
  kind: ConsoleKind
  cols: number
  rows: number
  signal?: AbortSignal
}

/** The environment the console's program gets (lxc-attach passes it into the container): nothing of the app's. */
const CONSOLE_ENV = {
  TERM: 'xterm-256color',
  LANG: 'C.UTF-8',
  HOME: '/root',
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
}

function commandFor(ref: ContainerRef, kind: ConsoleKind): [string, string[]] {
  const where = ['-P', ref.lxcpath, '-n', ref.name]
  return kind === 'shell' ? ['lxc-attach', where] : ['lxc-console', where]
}

/** Refuses unless LXC says the container is running (a frozen one would leave lxc-attach hanging). */
async function checkRunning(ref: ContainerRef): Promise<void> {
  const state = (await readStates(ref.lxcpath, [ref.name])).get(ref.name) ?? 'unknown'
  if (state === 'running') return
  throw refused('not-running', state === 'frozen' ? say('console-frozen', { name: ref.name }) : say('console-not-running', { name: ref.name, state: stateSaid(state) }), containerSubject(ref))
}

export async function runConsole(ref: ContainerRef, opts: ConsoleOptions, stream: EngineStream): Promise<ConsoleEnd> {
  await checkRunning(ref)
  if (opts.signal?.aborted) throw cancelled(say('console-closed-early', { name: ref.name }), { subject: containerSubject(ref) })
  const [file, args] = commandFor(ref, opts.kind)
  const pty = await spawnPty(file, args, { cols: opts.cols, rows: opts.rows, env: CONSOLE_ENV })
  return pump(pty, stream, opts.signal)
}

/** Moves output out and input in until the program exits; on abort it is hung up, then killed. */
function pump(pty: PtyProcess, stream: EngineStream, signal: AbortSignal | undefined): Promise<ConsoleEnd> {
  let unacked = 0
  let paused = false
  let batch: string[] = []
  let batchLength = 0
  let timer: ReturnType<typeof setTimeout> | null = null
  let closed = false
  let ended = false

  const flush = (): void => {
    if (timer) clearTimeout(timer)
    timer = null
    if (batchLength === 0) return
    const out = batch.join('')
    batch = []
    batchLength = 0
    stream.send(out)
  }
  const setPaused = (p: boolean): void => {
    if (p === paused || ended) return
    paused = p
    if (p) pty.pause()
    else pty.resume()
  }

  pty.onData((chunk) => {
    unacked += chunk.length
    batch.push(chunk)
    batchLength += chunk.length
    if (batchLength >= BATCH_MAX) flush()
    else timer ??= setTimeout(flush, BATCH_MS)
    if (unacked > CONSOLE_HIGH_WATER) setPaused(true)
  })

  stream.onInput((input) => {
    if (ended) return
    if ('data' in input) pty.write(input.data)
    else if ('resize' in input) pty.resize(input.resize.cols, input.resize.rows)
    else {
      unacked = Math.max(0, unacked - input.ack)
      if (unacked < CONSOLE_LOW_WATER) setPaused(false)
    }
  })

  return new Promise<ConsoleEnd>((resolve) => {
    let killTimer: ReturnType<typeof setTimeout> | null = null
    const close = (): void => {
      if (closed || ended) return
      closed = true
      // Read on, so the hang-up is seen; then make sure it goes.
      setPaused(false)
      pty.kill('SIGHUP')
      killTimer = setTimeout(() => pty.kill('SIGKILL'), KILL_GRACE_MS)
    }
    pty.onExit(({ exitCode }) => {
      flush()
      ended = true
      if (killTimer) clearTimeout(killTimer)
      signal?.removeEventListener('abort', close)
      resolve({ exitCode: closed ? null : exitCode, closed })
    })
    if (signal?.aborted) close()
    else signal?.addEventListener('abort', close, { once: true })
  })
}
