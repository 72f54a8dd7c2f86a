// The sending half of a copy between hosts: a stopped container's rootfs as GNU tar sees it
// (owners and groups as numbers, modes, ACLs, every xattr, hard links, device nodes, holes),
// after a header with its config and the files beside it that a copy clone takes along. Sent
// through the stream's byte channel (transfer-wire.ts), paced by the pipe, so a rootfs is never
// held in memory; it ends when the importer acknowledged all of it. Nothing on this host changes.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { Socket } from 'node:net'
import type { StreamInput } from '@shared/engine-api'
import { cancelled, containerSubject, failed, refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import type { ContainerRef } from '@shared/model'
import { cloneConfig } from '../config/rewrite'
import { report, type OpContext } from '../context'
import type { EngineStream } from '../console'
import { sourceStorage } from '../drivers/index'
import { nativeAvailable, scanUsage } from '../native/index'
import { refuseLegacyIncludes } from './clone'
import { assertStateAllows, loadExisting } from './preconditions'
import { endMessage, offerMessage, sendHeader, TAR_ATTRIBUTES, TRANSFER_FORMAT, type HeaderSent, type TransferEnd, type TransferHeader } from './transfer-wire'

export async function exportContainer(ref: ContainerRef, ctx: OpContext & { stream: EngineStream }): Promise<TransferEnd> {
  const origin = loadExisting(ref)
  if (!origin.spec || !origin.backend) throw refused('no-rootfs', say('export-no-rootfs', { name: ref.name }), containerSubject(ref))
  refuseLegacyIncludes(origin)
  // The rootfs must not change while tar reads it, as for a local copy clone; the rule (copy-running) is the one the app's dialog disables by.
  await assertStateAllows(ref, 'copy')
  const { spec, backend } = origin
  // The files a copy clone takes along (hooks in its dir, the fstab), as the local rewrite finds them.
  const along = cloneConfig(origin.configFile, { oldDir: origin.dir, newDir: origin.dir, newName: ref.name, rootfs: '' }).copies
  const files = along
    .filter((c) => existsSync(c.from))
    .map((c) => ({ path: c.from, mode: statSync(c.from).mode & 0o7777, data: readFileSync(c.from).toString('base64') }))
  return sourceStorage(spec, origin.dir).withVisibleTree(async (root) => {
    const totals = nativeAvailable() ? await scanUsage(root, { signal: ctx.signal }) : { files: 0, apparentBytes: 0 }
    const header: TransferHeader = {
      format: TRANSFER_FORMAT,
      name: ref.name,
      dir: origin.dir,
      config: readFileSync(origin.configFile, 'utf8'),
      files,
      backend,
      totalFiles: totals.files,
      totalBytes: totals.apparentBytes
    }
    return sendTree(root, header, ref, ctx)
  })
}

/** Runs tar over `root` into the stream's byte channel after the header; ends once the importer acked all of it. */
function sendTree(root: string, header: TransferHeader, ref: ContainerRef, ctx: OpContext & { stream: EngineStream }): Promise<TransferEnd> {
  const { stream, signal } = ctx
  if (!stream.openChannel) throw failed(say('export-no-channel', { name: ref.name }), { rule: 'no-channel' })
  const channel = stream.openChannel()
  return new Promise<TransferEnd>((resolve, reject) => {
    if (signal?.aborted) {
      channel.close()
      return reject(cancelled(say('export-cancelled-early', { name: ref.name })))
    }
    let tar: ChildProcess | null = null
    let sent = 0
    let acked = 0
    let files = 0
    let errText = ''
    let done = false
    let ended: TransferEnd | null = null
    /** the header once sent; the importer's acks say when it took it */
    let head: HeaderSent | null = null
    const progress = (): void =>
      report(ctx, { phase: 'copy', files: Math.min(files, header.totalFiles || files), bytes: Math.min(acked, header.totalBytes || acked), totalFiles: header.totalFiles, totalBytes: header.totalBytes })
    const finish = (err: Error | null, value?: TransferEnd): void => {
      if (done) return
      done = true
      signal?.removeEventListener('abort', onAbort)
      channel.close()
      if (err) {
        if (tar && tar.exitCode === null) tar.kill('SIGKILL')
        reject(err)
      } else resolve(value!)
    }
    const onAbort = (): void => finish(cancelled(say('export-cancelled', { name: ref.name }), { subject: containerSubject(ref) }))
    signal?.addEventListener('abort', onAbort, { once: true })
    // The importer says how much it wrote out: progress, and the end is when it has all.
    stream.onInput((input: StreamInput) => {
      if (!('ack' in input) || done) return
      acked += input.ack
      head?.acked(acked)
      progress()
      if (ended && acked >= sent) finish(null, ended)
    })
    stream.send(offerMessage(channel.offer))
    channel.connected.then((out) => {
      if (done) return void out.destroy()
      out.on('error', (err) => finish(failed(say('export-channel-broke', { name: ref.name, error: err.message }), { subject: containerSubject(ref), rule: 'channel' })))
      out.resume() // nothing comes back on it; its end must not wait for a reader
      // A helper's channel is a socket tar can write to itself (--totals says how much it wrote);
      // an in-process one is piped, and counted on the way.
      const direct = out instanceof Socket
      let tarBytes = 0
      // The importer acks the header once its tar holds the channel: tar starts only then.
      const sentHead = sendHeader(out, header, () => acked)
      head = sentHead
      void sentHead.taken.then(() => {
        if (done) return
        const t = spawn('tar', ['--create', '--file=-', `--directory=${root}`, ...TAR_ATTRIBUTES, '--sparse', '--verbose', '--totals', '.'], {
          stdio: ['ignore', direct ? out : 'pipe', 'pipe'],
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' }
        })
        tar = t
        const piped = t.stdout
          ? new Promise<void>((res) => {
              t.stdout!.on('data', (d: Buffer) => (tarBytes += d.length))
              t.stdout!.pipe(out, { end: false }).on('unpipe', () => res())
            })
          : Promise.resolve()
        // With the archive on stdout, tar lists the entries on stderr, then its totals; its own complaints start with "tar: ".
        let partial = ''
        let written: number | null = null
        t.stderr!.on('data', (d: Buffer) => {
          const lines = (partial + d.toString('utf8')).split('\n')
          partial = lines.pop() ?? ''
          for (const line of lines) {
            const total = /^Total bytes written: (\d+)/.exec(line)
            if (total) written = Number(total[1])
            else if (line.startsWith('tar: ')) errText = (errText + line + '\n').slice(-4096)
            else if (line) files++
          }
        })
        t.on('error', (err) => finish(failed(say('export-tar-start', { name: ref.name, error: err.message }), { subject: containerSubject(ref) })))
        t.on('close', (code, sig) => {
          if (done) return
          if (code !== 0 || (direct && written === null)) {
            const why = errText.trim().split('\n').slice(-3).join(' ') || `exit ${code ?? sig}`
            return finish(failed(say('export-tar-failed', { name: ref.name, why }), { subject: containerSubject(ref), rule: 'tar' }))
          }
          void piped.then(() => {
            if (done) return
            out.end()
            sent = sentHead.bytes + (direct ? written! : tarBytes)
            ended = { bytes: sent, files }
            stream.send(endMessage(ended))
            progress()
            if (acked >= sent) finish(null, ended)
          })
        })
      })
    }, (err: Error) => finish(err))
  })
}
