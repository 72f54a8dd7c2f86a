// The sending half of a copy between hosts: a stopped container's rootfs as GNU tar sees it
// (owners and groups as numbers, modes, ACLs, every xattr, hard links, device nodes, holes),
// after a header with its config and the files beside it that a copy clone takes along. Sent
// in chunks the importer acknowledges once written out: no more than TRANSFER_WINDOW is ever
// in flight, so a rootfs is never held in memory. Nothing on this host changes.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import type { StreamInput } from '@shared/engine-api'
import { cancelled, containerSubject, failed, refused } from '@shared/errors'
import type { ContainerRef } from '@shared/model'
import { cloneConfig } from '../config/rewrite'
import { report, type OpContext } from '../context'
import type { EngineStream } from '../console'
import { sourceStorage } from '../drivers/index'
import { nativeAvailable, scanUsage } from '../native/index'
import { refuseLegacyIncludes } from './clone'
import { assertStopped, loadExisting } from './preconditions'
import { dataMessage, endMessage, TAR_ATTRIBUTES, TRANSFER_CHUNK, TRANSFER_FORMAT, TRANSFER_WINDOW, type TransferEnd, type TransferHeader } from './transfer-wire'

export async function exportContainer(ref: ContainerRef, ctx: OpContext & { stream: EngineStream }): Promise<TransferEnd> {
  const origin = loadExisting(ref)
  if (!origin.spec || !origin.backend) throw refused('no-rootfs', `${ref.name} has no rootfs, so there is nothing to copy.`, containerSubject(ref))
  refuseLegacyIncludes(origin)
  // The rootfs must not change while tar reads it, as for a local copy clone.
  await assertStopped(ref, 'copy it to another host')
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

/** Runs tar over `root` and sends the header and its output, paced by the importer's acks. */
function sendTree(root: string, header: TransferHeader, ref: ContainerRef, ctx: OpContext & { stream: EngineStream }): Promise<TransferEnd> {
  const { stream, signal } = ctx
  return new Promise<TransferEnd>((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(`The copy of ${ref.name} was cancelled before it began; nothing was changed.`))
    const tar = spawn('tar', ['--create', '--file=-', `--directory=${root}`, ...TAR_ATTRIBUTES, '--sparse', '--verbose', '.'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' }
    })
    let sent = 0
    let acked = 0
    let files = 0
    let errText = ''
    let done = false
    let ended: TransferEnd | null = null
    const progress = (): void =>
      report(ctx, { phase: 'copy', files: Math.min(files, header.totalFiles || files), bytes: Math.min(acked, header.totalBytes || acked), totalFiles: header.totalFiles, totalBytes: header.totalBytes })
    const finish = (err: Error | null, value?: TransferEnd): void => {
      if (done) return
      done = true
      signal?.removeEventListener('abort', onAbort)
      if (err) {
        if (tar.exitCode === null) tar.kill('SIGKILL')
        reject(err)
      } else resolve(value!)
    }
    const onAbort = (): void => finish(cancelled(`The copy of ${ref.name} was cancelled; nothing was changed on either host.`, { subject: containerSubject(ref) }))
    signal?.addEventListener('abort', onAbort, { once: true })
    const send = (bytes: Buffer): void => {
      for (let at = 0; at < bytes.length; at += TRANSFER_CHUNK) {
        const chunk = bytes.subarray(at, at + TRANSFER_CHUNK)
        stream.send(dataMessage(chunk))
        sent += chunk.length
      }
      if (sent - acked >= TRANSFER_WINDOW) tar.stdout.pause()
    }
    // The importer says how much it wrote out: the window moves on, and the end is when it has all.
    stream.onInput((input: StreamInput) => {
      if (!('ack' in input) || done) return
      acked += input.ack
      if (sent - acked < TRANSFER_WINDOW / 2) tar.stdout.resume()
      progress()
      if (ended && acked >= sent) finish(null, ended)
    })
    send(Buffer.from(`${JSON.stringify(header)}\n`))
    tar.stdout.on('data', (d: Buffer) => send(d))
    // With the archive on stdout, tar lists the entries on stderr; its own complaints start with "tar: ".
    let partial = ''
    tar.stderr.on('data', (d: Buffer) => {
      const lines = (partial + d.toString('utf8')).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) {
        if (line.startsWith('tar: ')) errText = (errText + line + '\n').slice(-4096)
        else if (line) files++
      }
    })
    tar.on('error', (err) => finish(failed(`tar could not be started to read ${ref.name}: ${err.message}`, { subject: containerSubject(ref) })))
    tar.on('close', (code, sig) => {
      if (done) return
      if (code !== 0) {
        const why = errText.trim().split('\n').slice(-3).join(' ') || `exit ${code ?? sig}`
        return finish(failed(`Reading ${ref.name}'s rootfs with tar failed: ${why}`, { subject: containerSubject(ref), rule: 'tar' }))
      }
      ended = { bytes: sent, files }
      stream.send(endMessage(ended))
      progress()
      if (acked >= sent) finish(null, ended)
    })
  })
}
