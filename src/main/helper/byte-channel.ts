// A channel for raw bytes beside a stream request (a transfer's rootfs), so that they cross
// neither base64 nor JSON. The helper serving the request listens on a unix socket in a
// directory only its user can enter, named by a random id, and accepts one connection that
// starts with the request's random secret; `offer` (id:secret) goes to the client in the
// request's stream. The client reaches it by starting the same helper the same way (pkexec,
// ssh) with `--channel OFFER`: that process only copies its stdin to the socket and the
// socket to its stdout (pipeChannel). The request stays the helper's, checked as any other;
// the channel carries its bytes only while it runs and is removed with it.
import { spawn } from 'node:child_process'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { chmodSync, lstatSync, mkdirSync, rmSync } from 'node:fs'
import { createConnection, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cancelled, usageError } from '@shared/errors'
import type { ByteChannel } from '../engine/console'

const OFFER = /^([0-9a-f]{16}):([0-9a-f]{64})$/

/** Root's channels in /run, another user's in a directory of their own under the temp dir. */
function channelDir(): string {
  const uid = process.getuid?.() ?? 0
  return uid === 0 ? '/run/strata-helper' : join(tmpdir(), `strata-helper-${uid}`)
}

/** The directory, made if missing, refused unless it is this user's own and closed to others. */
function ownChannelDir(): string {
  const dir = channelDir()
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const st = lstatSync(dir)
  if (!st.isDirectory() || st.uid !== (process.getuid?.() ?? 0)) throw usageError(`${dir} is not a directory of this user's; the helper will not listen there.`, 'channel-dir')
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700)
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
      // the secret first; a connection without it is dropped, and the channel keeps waiting
      let head = Buffer.alloc(0)
      const onData = (d: Buffer): void => {
        head = Buffer.concat([head, d])
        if (head.length < secret.length) return
        socket.off('data', onData)
        if (accepted || !timingSafeEqual(head.subarray(0, secret.length), secret)) return void socket.destroy()
        accepted = socket
        socket.pause()
        if (head.length > secret.length) socket.unshift(head.subarray(secret.length))
        signal?.removeEventListener('abort', onAbort)
        stop()
        resolve(socket)
      }
      socket.on('data', onData)
      socket.on('error', () => undefined)
    })
    server.listen(path, () => chmodSync(path, 0o600))
  })
  connected.catch(() => undefined)
  return {
    offer: `${id}:${secret.toString('hex')}`,
    connected,
    close: () => {
      stop()
      accepted?.destroy()
    }
  }
}

/**
 * `--channel OFFER`: this process connects to the channel, gives the secret, then leaves the
 * copying to two `cat`s (stdin to the socket, the socket to stdout), which move the bytes far
 * cheaper than this process could; it exits when both have.
 */
export function pipeChannel(offer: string): Promise<number> {
  const m = OFFER.exec(offer)
  if (!m) return Promise.reject(usageError('--channel takes the id:secret a transfer offered.', 'bad-channel'))
  return new Promise((resolve) => {
    const socket = createConnection({ path: join(channelDir(), `${m[1]}.sock`), allowHalfOpen: true })
    // paused before it connects, this process never reads from it: the bytes are the cats' alone
    socket.pause()
    socket.on('error', (err) => {
      process.stderr.write(`strata-helper: the channel is gone: ${err.message}\n`)
      resolve(1)
    })
    socket.on('connect', () => {
      socket.write(Buffer.from(m[2]!, 'hex'), () => {
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
      })
    })
  })
}
