// A copy of a container from one host to another (this computer counts as one): the source's
// exportContainer stream relayed into the target's importContainer stream by this process, so
// the hosts need not reach each other. Each side runs in its own engine (the helper over ssh,
// or this process); the rootfs goes from the exporter's byte channel to the importer's
// (transfer-wire.ts), paced by the pipes between them. A remote helper's channel is reached
// through its own ssh connection (a forward, ssh-master.ts), or where the host refuses that, by
// a `--channel` process of its own. Whatever ends one side early cancels the other: a failed or
// cancelled copy leaves the source untouched and the target without the copy (its build is
// undone there).
import { spawn, type ChildProcess } from 'node:child_process'
import type { Socket } from 'node:net'
import { Duplex, PassThrough, type Readable, type Writable } from 'node:stream'
import { STREAM_INPUT_MAX, type StreamInput } from '@shared/engine-api'
import { asStrataError, StrataError } from '@shared/errors'
import { say, valueText, type Said, type SaidValue } from '@shared/engine-text'
import type { ContainerRef, Backend, OpProgress } from '@shared/model'
import type { ByteChannel } from '../engine/console'
import type { EngineClient } from '../engine-client'
import { connectChannel } from '../helper/byte-channel'
import type { ChannelCommand } from '../helper/client'

export interface TransferSide {
  engine: EngineClient
  /** the host as people name it: `h1`, or this computer (said, so the app says it in its language) */
  where: SaidValue
}

export interface CopyAcrossOptions {
  signal?: AbortSignal
  onProgress?: (p: OpProgress) => void
}

/** The error of one side, told with its host and what it was doing; code, rule and subject kept. */
function onSide(err: unknown, what: Said): StrataError {
  const e = asStrataError(err)
  return new StrataError(e.code, say('side-failed', { what, error: e.said ?? e.message }), { rule: e.rule, subject: e.subject, cause: err })
}

/**
 * One side's byte channel as the relay holds it: a helper's socket, connected (forwarded over
 * ssh); a helper's `--channel` process to start; or the in-process engine's pipe.
 */
type ChannelEnd = { socket: Socket; readAgain: () => void } | { command: ChannelCommand } | { readable: Readable; writable: Writable }

/** The channel of an engine in this process: two pipes, one each way. */
function localChannel(ends: Map<string, ChannelEnd>): ByteChannel {
  const out = new PassThrough()
  const back = new PassThrough()
  const offer = `local:${ends.size + 1}`
  ends.set(offer, { readable: out, writable: back })
  const engineEnd = Duplex.from({ readable: back, writable: out })
  return { offer, connected: Promise.resolve(engineEnd), close: () => engineEnd.destroy() }
}

export async function copyAcrossHosts(
  from: TransferSide & { ref: ContainerRef },
  to: TransferSide & { lxcpath: string; name: string; backend?: Backend; pool?: string; member?: string },
  opts: CopyAcrossOptions = {}
): Promise<ContainerRef> {
  opts.signal?.throwIfAborted()
  const importAc = new AbortController()
  const exportAc = new AbortController()
  const cancelBoth = (): void => {
    importAc.abort()
    exportAc.abort()
  }
  opts.signal?.addEventListener('abort', cancelBoth, { once: true })
  const local = new Map<string, ChannelEnd>()
  const processes: ChildProcess[] = []
  const sockets: Socket[] = []
  const releases: (() => Promise<void>)[] = []
  /** The end an offer names: an in-process pipe, the helper's socket forwarded here, or its `--channel` process. */
  const endOf = async (side: TransferSide, offer: string): Promise<ChannelEnd | null> => {
    if (local.has(offer)) return local.get(offer)!
    const forwarded = await side.engine.channelSocket?.(offer).catch(() => null)
    if (forwarded) {
      releases.push(() => forwarded.release())
      try {
        const end = await connectChannel(forwarded.path, offer)
        sockets.push(end.socket)
        return end
      } catch {
        // the host refused the forward (sshd's AllowStreamLocalForwarding, DisableForwarding): its own `--channel` process instead
      }
    }
    try {
      return side.engine.channelCommand ? { command: side.engine.channelCommand(offer) } : null
    } catch {
      return null
    }
  }
  let toImporter: ((input: StreamInput) => void) | null = null
  let toExporter: ((input: StreamInput) => void) | null = null
  let importerEnd: ChannelEnd | null = null
  let ready!: () => void
  const importerReady = new Promise<void>((r) => (ready = r))
  const importing = to.engine
    .call(
      'importContainer',
      { lxcpath: to.lxcpath, name: to.name, ...(to.backend ? { backend: to.backend } : {}), ...(to.pool ? { pool: to.pool } : {}), ...(to.member ? { member: to.member } : {}) },
      {
        signal: importAc.signal,
        onProgress: opts.onProgress,
        stream: {
          // `c` once it holds its build (its byte channel), then `a<n>` as it writes: passed on to the exporter
          send: (out) => {
            if (out.startsWith('c')) {
              void endOf(to, out.slice(1)).then((end) => {
                importerEnd = end
                if (end) ready()
                else importAc.abort()
              })
            } else if (out.startsWith('a')) toExporter?.({ ack: Number(out.slice(1)) })
          },
          onInput: (cb) => (toImporter = cb),
          openChannel: () => localChannel(local)
        }
      }
    )
    .catch((err: unknown) => {
      exportAc.abort()
      throw onSide(err, say('copy-into-failed', { name: from.ref.name, target: to.name, where: to.where }))
    })
  // The exporter starts only when the importer can take its bytes.
  const started = await Promise.race([importerReady.then(() => true), importing.then(() => false)])
  if (!started) throw new StrataError('internal', `The import on ${valueText(to.where)} ended before it was ready.`)
  // A channel that breaks first is what the user hears about; what each side then says follows from it.
  let channelBroke: StrataError | null = null
  const broken = (what: Said) => (): void => {
    if (exportAc.signal.aborted) return
    channelBroke = new StrataError('unavailable', what, { rule: 'connection-dropped' })
    cancelBoth()
  }
  const exporting = from.engine
    .call('exportContainer', from.ref, {
      signal: exportAc.signal,
      onProgress: opts.onProgress,
      stream: {
        send: (out) => {
          if (out.startsWith('c')) {
            void endOf(from, out.slice(1)).then((exporterEnd) => {
              if (!exporterEnd) return cancelBoth()
              if (exportAc.signal.aborted) return
              processes.push(...connect(exporterEnd, importerEnd!, { from: broken(say('channel-broke-from', { where: from.where })), to: broken(say('channel-broke-to', { where: to.where })) }))
            })
          } else if (out.length > STREAM_INPUT_MAX) cancelBoth()
          else toImporter?.({ data: out })
        },
        onInput: (cb) => (toExporter = cb),
        openChannel: () => localChannel(local)
      }
    })
    .catch((err: unknown) => {
      importAc.abort()
      throw onSide(err, say('copy-from-failed', { name: from.ref.name, where: from.where }))
    })
  try {
    const [, made] = await Promise.all([exporting, importing])
    return made
  } catch (err) {
    // Both sides have ended (or been told to): wait for both, so that each has undone its part when this returns.
    const ended = await Promise.allSettled([exporting, importing])
    // A helper whose connection went away (its channel rode that connection too) says so; else a broken channel is the cause.
    const gone = ended.find((r): r is PromiseRejectedResult => r.status === 'rejected' && asStrataError(r.reason).rule === 'helper-gone')
    throw gone ? gone.reason : (channelBroke ?? err)
  } finally {
    opts.signal?.removeEventListener('abort', cancelBoth)
    for (const p of processes) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM')
    for (const s of sockets) s.destroy()
    await Promise.allSettled(releases.map((release) => release()))
  }
}

type Kind = 'process' | 'socket' | 'pipe'
type EndOf<K extends Kind> = Extract<ChannelEnd, K extends 'process' ? { command: ChannelCommand } : K extends 'socket' ? { socket: Socket } : { readable: Readable }>

function kindOf(end: ChannelEnd): Kind {
  return 'command' in end ? 'process' : 'socket' in end ? 'socket' : 'pipe'
}

/** What a join may do: start a process (its failure, or a broken pipe, calls that side's `broken`), and those callbacks. */
interface Joining {
  start(command: ChannelCommand, stdin: 'ignore' | 'pipe' | Readable, stdout: 'pipe' | 'ignore' | Writable, side: 'from' | 'to'): ChildProcess
  broken: { from: () => void; to: () => void }
}

/** A `cat` from a descriptor to a socket, whose writing end is shut once all was copied: the importer reads to its end. */
function catInto(j: Joining, source: Readable, sink: Socket): void {
  j.start({ file: 'cat', argv: [], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }, source, sink, 'to').on('exit', (code) => code === 0 && sink.end())
}

/** A `--channel` process's output; handed to the next process, this process's copy of the pipe's read end is destroyed then. */
function processOutput(j: Joining, from: EndOf<'process'>): Readable {
  return j.start(from.command, 'ignore', 'pipe', 'from').stdout!
}

/** An in-process exporter's bytes: its writing half is not used (the exporter writes nothing back). */
function pipeOutput(from: EndOf<'pipe'>): Readable {
  from.writable.end()
  return from.readable
}

/** The socket read here (the exporter's, forwarded over ssh), its errors that side's break. */
function socketOutput(j: Joining, from: EndOf<'socket'>): Socket {
  from.socket.on('error', j.broken.from)
  return from.socket
}

/** Pipes bytes this process reads into an in-process importer. */
function intoPipe(j: Joining, source: Readable, to: EndOf<'pipe'>): void {
  source.pipe(to.writable).on('error', j.broken.to)
  to.readable.resume()
}

/**
 * How each kind of exporter end (a `--channel` process, a forwarded socket, an in-process pipe)
 * is joined to each kind of importer end. Processes and sockets are joined by the kernel: two
 * processes get one pipe between them (ssh h1 ... | ssh h2 ...), and a socket is handed to the
 * process on the other side, or to a `cat` between two sockets, so the bytes do not pass through
 * this process; only an in-process end is fed (or read) here.
 */
const JOINS: { [F in Kind]: { [T in Kind]: (j: Joining, from: EndOf<F>, to: EndOf<T>) => void } } = {
  process: {
    process: (j, from, to) => {
      const output = processOutput(j, from)
      j.start(to.command, output, 'ignore', 'to')
      output.destroy()
    },
    socket: (j, from, to) => {
      to.socket.on('error', j.broken.to)
      const output = processOutput(j, from)
      catInto(j, output, to.socket)
      output.destroy()
    },
    pipe: (j, from, to) => intoPipe(j, processOutput(j, from), to)
  },
  socket: {
    process: (j, from, to) => void j.start(to.command, socketOutput(j, from), 'ignore', 'to'),
    socket: (j, from, to) => {
      to.socket.on('error', j.broken.to)
      catInto(j, socketOutput(j, from), to.socket)
    },
    pipe: (j, from, to) => {
      const source = socketOutput(j, from)
      // taken back from the header's reading: the bytes are read here now
      from.readAgain()
      intoPipe(j, source, to)
    }
  },
  pipe: {
    process: (j, from, to) => void pipeOutput(from).pipe(j.start(to.command, 'pipe', 'ignore', 'to').stdin!).on('error', j.broken.to),
    socket: (j, from, to) => {
      to.socket.on('error', j.broken.to)
      pipeOutput(from).pipe(to.socket)
    },
    pipe: (j, from, to) => intoPipe(j, pipeOutput(from), to)
  }
}

/** Joins the exporter's channel to the importer's (JOINS); returns the processes it started, for the relay to end. */
function connect(from: ChannelEnd, to: ChannelEnd, broken: { from: () => void; to: () => void }): ChildProcess[] {
  const started: ChildProcess[] = []
  const j: Joining = {
    broken,
    start(command, stdin, stdout, side) {
      const child = spawn(command.file, command.argv, { stdio: [stdin, stdout, 'inherit'], ...(command.env ? { env: command.env } : {}) })
      child.on('error', broken[side])
      child.on('exit', (code) => code !== 0 && broken[side]())
      started.push(child)
      return child
    }
  }
  ;(JOINS[kindOf(from)][kindOf(to)] as (j: Joining, from: ChannelEnd, to: ChannelEnd) => void)(j, from, to)
  return started
}
