// A channel for raw bytes beside a stream request (a transfer's rootfs), so that they cross
// neither base64 nor JSON. The helper serving the request listens on a unix socket named by a
// random id and accepts one connection that starts with the request's random secret; `offer`
// (id:secret:path) goes to the client in the request's stream. The client reaches the socket
// either through the ssh connection that already carries the helper's stdio (an OpenSSH
// stream-local forward: sshd connects as the user who logged in, so the socket is that user's)
// or, where that is refused, by starting the same helper the same way (pkexec, ssh) with
// `--channel OFFER`, which copies its stdin to the socket and the socket to its stdout
// (pipeChannel). Either way the connecting side sends the secret, the channel answers `k`, and
// the connecting side says `g`: no byte of the transfer crosses before that, so each side reads
// the handshake itself and then hands the socket to the process that moves the bytes. The
// request stays the helper's, checked as any other; the channel carries its bytes only while it
// runs and is removed with it.
import { spawn } from 'node:child_process'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { chmodSync, chownSync, lstatSync, mkdirSync, rmSync } from 'node:fs'
import { createConnection, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cancelled, unavailable, usageError } from '@shared/errors'
import type { ByteChannel } from '../engine/console'
import { handOverReading } from '../engine/hand-over-reading'

/** `id:secret`, then (from this version on) `:path` of the socket as the helper's host names it */
const OFFER = /^([0-9a-f]{16}):([0-9a-f]{64})(?::(\/[^\s:]+\.sock))?$/
/** the channel took the secret; then the connecting side's go-ahead */
const TOOK = 0x6b
const GO = 0x67

export interface ParsedOffer {
  id: string
  secret: Buffer
  /** where the socket is on the helper's host; absent in an older helper's offer */
  path?: string
}

export function parseOffer(offer: string): ParsedOffer | null {
  const m = OFFER.exec(offer)
  return m ? { id: m[1]!, secret: Buffer.from(m[2]!, 'hex'), ...(m[3] ? { path: m[3] } : {}) } : null
}

/** A helper's channel socket made reachable from this process (an ssh forward), until `release`. */
export interface ChannelSocket {
  path: string
  release(): Promise<void>
}

/** Root's channels in /run, another user's in a directory of their own under the temp dir. */
function channelDir(): string {
  const uid = process.getuid?.() ?? 0
  return uid === 0 ? '/run/strata-helper' : join(tmpdir(), `strata-helper-${uid}`)
}

/** The user who started this helper (pkexec's or sudo's caller; an ssh login): the channel's socket is theirs, so an ssh forward made as them can connect. */
function callerUid(): number {
  const own = process.getuid?.() ?? 0
  const given = Number(process.env.PKEXEC_UID ?? process.env.SUDO_UID ?? own)
  return Number.isInteger(given) && given >= 0 ? given : own
}

/**
 * The directory, made if missing, refused unless it is this user's own. Root's may be passed
 * through by others (0711: not listed), as each socket in it is its caller's alone (0600).
 */
function ownChannelDir(): string {
  const dir = channelDir()
  const mode = process.getuid?.() === 0 ? 0o711 : 0o700
  mkdirSync(dir, { recursive: true, mode })
  const st = lstatSync(dir)
  if (!st.isDirectory() || st.uid !== (process.getuid?.() ?? 0)) throw usageError(`${dir} is not a directory of this user's; the helper will not listen there.`, 'channel-dir')
  if ((st.mode & 0o777) !== mode) chmodSync(dir, mode)
  return dir
}

/** Listens for the one connection of a channel; closed (socket file removed) once it came, or by `close`/abort. */
export function openByteChannel(signal?: AbortSignal): ByteChannel {
  const id = randomBytes(8).toString('hex')
  const secret = randomBytes(32)
  const path = join(ownChannelDir(), `${id}.sock`)
  const server = createServer({ allowHalfOpen: true })
  let accepted: Socket | null = null
  const stop = (): void => {
    if (server.listening) server.close()
    rmSync(path, { force: true })
  }
  const connected = new Promise<Socket>((resolve, reject) => {
    const onAbort = (): void => {
      stop()
      reject(cancelled('The transfer ended before its byte channel was connected.'))
    }
    if (signal?.aborted) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    server.on('error', (err) => reject(err))
    server.on('connection', (socket) => {
      // the secret first (a connection without it is dropped, and the channel keeps waiting), then `k` back and `g` from it
      let head = Buffer.alloc(0)
      let took = false
      const onData = (d: Buffer): void => {
        head = Buffer.concat([head, d])
        if (!took) {
          if (head.length < secret.length) return
          if (accepted || !timingSafeEqual(head.subarray(0, secret.length), secret)) return void socket.destroy()
          accepted = socket
          took = true
          head = head.subarray(secret.length)
          socket.write(Buffer.of(TOOK))
        }
        if (head.length === 0) return
        socket.off('data', onData)
        socket.off('close', onClose)
        if (head[0] !== GO) return void socket.destroy()
        socket.pause()
        if (head.length > 1) socket.unshift(head.subarray(1))
        signal?.removeEventListener('abort', onAbort)
        stop()
        resolve(socket)
      }
      // gone before its go-ahead: another connection may take the channel
      const onClose = (): void => {
        if (accepted === socket) accepted = null
      }
      socket.on('data', onData)
      socket.on('close', onClose)
      socket.on('error', () => undefined)
    })
    server.listen(path, () => {
      chmodSync(path, 0o600)
      const caller = callerUid()
      if (caller !== (process.getuid?.() ?? 0)) chownSync(path, caller, -1)
    })
  })
  connected.catch(() => undefined)
  return {
    offer: `${id}:${secret.toString('hex')}:${path}`,
    connected,
    close: () => {
      stop()
      accepted?.destroy()
    }
  }
}

/**
 * Connects to a channel's socket at `path` (its own, or a forward of it) and makes the
 * handshake. Resolves with the socket, which this process no longer reads (the bytes are the
 * next process's; `readAgain` takes them back), or rejects when the channel did not take it
 * (an ssh forward the host refused closes at once).
 */
export function connectChannel(path: string, offer: string): Promise<{ socket: Socket; readAgain: () => void }> {
  const parsed = parseOffer(offer)
  if (!parsed) return Promise.reject(usageError('A byte channel is reached with the id:secret a transfer offered.', 'bad-channel'))
  return new Promise((resolve, reject) => {
    let settled = false
    const socket = createConnection({ path, allowHalfOpen: true })
    const fail = (why: string): void => {
      if (settled) return
      settled = true
      socket.destroy()
      reject(unavailable('channel-refused', `The transfer's byte channel could not be reached: ${why}`))
    }
    socket.on('error', (err) => fail(err.message))
    socket.on('connect', () => socket.write(parsed.secret))
    const onEnd = (): void => fail('the connection closed before the channel answered')
    const onData = (d: Buffer): void => {
      socket.off('data', onData)
      socket.off('end', onEnd)
      if (d.length !== 1 || d[0] !== TOOK) return fail('the channel answered something else')
      // nothing more comes before the go-ahead: this process stops reading before it sends it
      const readAgain = handOverReading(socket)
      socket.write(Buffer.of(GO), () => {
        settled = true
        resolve({ socket, readAgain })
      })
    }
    socket.on('data', onData)
    socket.on('end', onEnd)
  })
}

/**
 * `--channel OFFER`: this process connects to the channel, makes the handshake, then leaves the
 * copying to two `cat`s (stdin to the socket, the socket to stdout), which move the bytes far
 * cheaper than this process could; it exits when both have.
 */
export function pipeChannel(offer: string): Promise<number> {
  const parsed = parseOffer(offer)
  if (!parsed) return Promise.reject(usageError('--channel takes the id:secret a transfer offered.', 'bad-channel'))
  return connectChannel(join(channelDir(), `${parsed.id}.sock`), offer).then(
    ({ socket }) =>
      new Promise<number>((resolve) => {
        let running = 2
        let failed = false
        const exited = (code: number | null): void => {
          if (code !== 0) failed = true
          if (--running === 0) resolve(failed ? 1 : 0)
        }
        const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' }
        // stdin's end is the socket's end of writing: the far side reads to its end
        spawn('cat', [], { stdio: ['inherit', socket, 'inherit'], env }).on('exit', (code) => {
          socket.end()
          exited(code)
        })
        spawn('cat', [], { stdio: [socket, 'inherit', 'inherit'], env }).on('exit', exited)
      }),
    (err: Error) => {
      process.stderr.write(`strata-helper: the channel is gone: ${err.message}\n`)
      return 1
    }
  )
}
