// The receiving half of a copy between hosts: a new container built from what exportContainer
// sends, as a local copy clone builds one — under a hidden name with a journal (build.ts), the
// rootfs unpacked by GNU tar with every attribute it carries, the config rewritten by the local
// clone's own rewrite, the hostname set, registered last. There is no origin here, so no
// lxc_snapshots or lxc_rdepends relation. A stream that ends without its end marker (cancelled,
// the connection gone) is undone: nothing is left on this host; a helper killed outright
// leaves its journal, which the next start's recovery undoes.
import { spawn, type ChildProcessByStdio } from 'node:child_process'
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Socket } from 'node:net'
import type { Duplex, Readable, Writable } from 'node:stream'
import type { StreamInput } from '@shared/engine-api'
import { cancelled, containerSubject, failed, refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import type { Backend, ContainerRef } from '@shared/model'
import { newContainerNameSaid } from '@shared/names'
import { cloneConfig } from '../config/rewrite'
import { note, type OpContext } from '../context'
import type { ByteChannel, EngineStream } from '../console'
import { claimer } from '../drivers/claims'
import { driverFor } from '../drivers/index'
import { readGlobalConfig } from '../global-config'
import { settleForUser } from '../identity'
import { canonicalRootfsSpec, relocateSpec } from '../rootfs'
import { show } from '../errors'
import { handOverReading } from '../hand-over-reading'
import { assertFree, buildAndRegister } from './build'
import { runCloneHooks } from './clone'
import { ackMessage, extractArguments, HeaderReader, offerMessage, TRANSFER_ACK_EVERY, type TransferEnd, type TransferHeader } from './transfer-wire'

export interface ImportOptions {
  lxcpath: string
  name: string
  /** default dir; another one where its driver can make an empty rootfs here */
  backend?: Backend
}

type Tar = ChildProcessByStdio<Writable, null, Readable>

/** tar's record (its default blocking factor, 20 blocks of 512), which its checkpoints count */
const TAR_RECORD = 10240
/** a progress ack every ~1 MiB read */
const ACK_RECORDS = Math.ceil(TRANSFER_ACK_EVERY / TAR_RECORD)
/** what tar's checkpoint lines say after "tar: ", told apart from its complaints */
const CHECKPOINT = 'strata-read'

export async function importContainer(opts: ImportOptions, ctx: OpContext & { stream: EngineStream }): Promise<ContainerRef> {
  const lxcpath = opts.lxcpath.replace(/(.)\/+$/, '$1')
  const target: ContainerRef = { lxcpath, name: opts.name }
  const problem = newContainerNameSaid(opts.name)
  if (problem) throw refused('bad-name', problem)
  const finalDir = join(lxcpath, opts.name)
  assertFree(target, finalDir)
  const receiver = new Receiver(target, ctx)
  await buildAndRegister(
    { what: 'copy', workDir: lxcpath, target, finalDir, origins: [] },
    async (staging) => {
      const backend = opts.backend ?? 'dir'
      const driver = driverFor(backend)
      const made = await driver.create({ buildDir: staging, finalDir, specs: { zfsRoot: readGlobalConfig().zfsRoot }, claim: claimer(staging, backend) }, ctx)
      const fill = made.fill
      if (!('dir' in fill)) throw refused('copy-backend', say('import-backend', { backend }))
      let header: TransferHeader
      try {
        header = await receiver.receive(fill.dir)
      } finally {
        if (fill.held) await driver.release?.(fill.held)
      }
      const spec = made.spec
      // The local copy clone's rewrite, with the files the source sent in place of its disk.
      const sent = new Map(header.files.map((f) => [f.path, f]))
      const originConfig = join(staging, '.strata-origin-config')
      writeFileSync(originConfig, header.config, { mode: 0o600 })
      let config
      try {
        config = cloneConfig(originConfig, { oldDir: header.dir, newDir: finalDir, newName: opts.name, rootfs: canonicalRootfsSpec(spec), exists: (p) => sent.has(p) })
      } finally {
        unlinkSync(originConfig)
      }
      for (const said of config.notes) note(ctx, 'config', said)
      for (const { from, to } of config.copies) {
        const file = sent.get(from)
        if (!file) continue
        const dest = staging + to.slice(finalDir.length)
        mkdirSync(dirname(dest), { recursive: true })
        writeFileSync(dest, Buffer.from(file.data, 'base64'), { mode: file.mode })
      }
      writeFileSync(join(staging, 'config'), config.text, { mode: 0o640 })
      settleForUser(staging)
      const staged = relocateSpec(spec, finalDir, staging)
      const mountpoint = join(staging, 'rootfs')
      const hooks = await runCloneHooks(join(staging, 'config'), staged, mountpoint, header.name, { origin: { lxcpath: dirname(header.dir), name: header.name }, name: opts.name }, ctx)
      if (hooks > 0) note(ctx, 'hooks', say('progress-clone-hooks', { count: hooks }))
      const r = await driver.writeHostname(staged, mountpoint, opts.name)
      if (r.outcome === 'skipped') note(ctx, 'hostname', r.reason)
      return spec
    },
    ctx
  )
  return target
}

/**
 * Reads the transfer off the stream's byte channel: the header line here, then the tar stream
 * into `tar -x`. A helper's channel is a socket, which tar is handed to read itself (its
 * --totals say how much it read); an in-process one is piped to tar by this process. The
 * exporter sends nothing after the header until it is acked, so this process's reading of the
 * header never takes bytes that are tar's. Progress acks come from tar's checkpoints.
 */
class Receiver {
  private tar: Tar | null = null
  private channel: ByteChannel | null = null
  private readonly headerReader: HeaderReader
  private header: TransferHeader | null = null
  /** bytes of the channel counted so far: the header, what tar read (once it said), what followed it */
  private received = 0
  private settle: { resolve: (h: TransferHeader) => void; reject: (e: Error) => void } | null = null
  private failure: Error | null = null
  private tarErr = ''
  /** the end marker the exporter sent, and whether the channel's bytes have all come */
  private end: TransferEnd | null = null
  private eof = false
  /** both came and agree: tar's input is closed */
  private ending = false
  /** tar exited 0; with `ending`, the transfer is done */
  private tarDone = false
  private done = false
  private ackedTotal = 0
  private input: Duplex | null = null
  /** tar reads the channel's socket itself; this gives it back to this process once tar ended */
  private direct = false
  private takeBack: (() => void) | null = null

  constructor(
    private readonly target: ContainerRef,
    private readonly ctx: OpContext & { stream: EngineStream }
  ) {
    this.headerReader = new HeaderReader(say('the-copy-to', { name: target.name }))
    // Registered at once: input sent before it would be lost.
    ctx.stream.onInput((input) => this.onInput(input))
  }

  /** Unpacks into `dir` and resolves with the header once the end marker came and tar finished. */
  receive(dir: string): Promise<TransferHeader> {
    const { signal, stream } = this.ctx
    return new Promise<TransferHeader>((resolve, reject) => {
      this.settle = { resolve, reject }
      if (!stream.openChannel) return this.fail(failed(say('import-no-channel', { name: this.target.name }), { rule: 'no-channel' }))
      if (signal?.aborted) return this.fail(this.endedEarly())
      signal?.addEventListener('abort', () => this.fail(this.endedEarly()), { once: true })
      const channel = stream.openChannel()
      this.channel = channel
      stream.send(offerMessage(channel.offer))
      channel.connected.then((input) => {
        if (this.failure) return void input.destroy()
        this.input = input
        input.on('data', (d: Buffer) => this.onBytes(d, dir))
        input.on('end', () => {
          this.eof = true
          this.maybeEnd()
        })
        input.on('error', (err) => this.fail(failed(say('import-channel-broke', { name: this.target.name, error: err.message }), { rule: 'channel' })))
        input.resume()
      }, (err: Error) => this.fail(err))
    })
  }

  /** Starts tar on the channel once the header is read: reading the socket itself, or fed by this process. */
  private startTar(dir: string, input: Duplex): void {
    this.direct = input instanceof Socket
    if (this.direct) {
      this.takeBack = handOverReading(input as Socket)
      if (input.readableLength > 0) return this.fail(failed(say('import-archive-early', { name: this.target.name }), { rule: 'bad-transfer' }))
    }
    const tar = spawn(
      'tar',
      ['--extract', '--file=-', `--directory=${dir}`, '--same-permissions', '--same-owner', '--read-full-records', '--totals', `--checkpoint=${ACK_RECORDS}`, `--checkpoint-action=echo=${CHECKPOINT} %u`, ...extractArguments(this.header!)],
      { stdio: [this.direct ? input : 'pipe', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } }
    ) as Tar
    this.tar = tar
    tar.stdin?.on('error', () => undefined) // EPIPE when tar died: told through its exit
    tar.stdin?.on('drain', () => input.resume())
    let partial = ''
    let tarRead: number | null = null
    /** records tar had read whole at its last checkpoint */
    let checkpoints = 0
    let complaints = 0
    let firstComplaint = ''
    tar.stderr.on('data', (d: Buffer) => {
      const lines = (partial + d.toString('utf8')).split('\n')
      partial = lines.pop() ?? ''
      for (const line of lines) {
        const total = /^Total bytes read: (\d+)/.exec(line)
        const checkpoint = line.startsWith(`tar: ${CHECKPOINT} `) ? Number(line.slice(CHECKPOINT.length + 6)) : null
        if (total) tarRead = Number(total[1])
        else if (checkpoint !== null) {
          // %u counts tar's record reads (not its checkpoints), and tar runs the checkpoint just
          // BEFORE a read: the record it is about to read may not have come yet, so it is not acked
          const read = checkpoint - 1
          this.ack((read - checkpoints) * TAR_RECORD)
          checkpoints = read
        } else if (line) {
          if (complaints++ === 0) firstComplaint = line.replace(/^tar: /, '')
          this.tarErr = (this.tarErr + line + '\n').slice(-4096)
        }
      }
    })
    tar.on('error', (err) => this.fail(failed(say('import-tar-start', { name: this.target.name, error: err.message }), { subject: show(this.target) })))
    tar.on('close', (code, sig) => {
      if (this.failure) return
      // tar may end at the archive's end marker before the channel's end: the checks come with both
      if (code === 0 && (!this.direct || tarRead !== null)) {
        this.tarDone = true
        // tar unpacks what it can and warns about the rest (a filesystem without xattrs or ACLs, as zfs-fuse): told, not dropped
        if (complaints > 0) {
          note(this.ctx, 'attributes', say('progress-tar-warnings', { name: this.target.name, count: complaints, first: firstComplaint }))
        }
        if (this.direct) this.received += tarRead!
        // what follows (the archive's padding) is counted, no longer written
        if (this.takeBack) this.takeBack()
        else input.resume()
        return this.maybeEnd()
      }
      const why = this.tarErr.trim().split('\n').slice(-3).join(' ') || `exit ${code ?? sig}`
      this.fail(failed(say('import-tar-failed', { from: this.header!.name, name: this.target.name, why }), { subject: show(this.target), rule: 'tar' }))
    })
  }

  private endedEarly(): Error {
    return cancelled(say('import-ended-early', { name: this.target.name }), {
      subject: containerSubject(this.target)
    })
  }

  private fail(err: Error): void {
    if (this.failure) return
    this.failure = err
    this.channel?.close()
    if (this.tar && this.tar.exitCode === null) this.tar.kill('SIGKILL')
    this.settle?.reject(err)
  }

  private onInput(input: StreamInput): void {
    if (this.failure || !('data' in input)) return
    if (input.data[0] === 'e') {
      try {
        this.end = JSON.parse(input.data.slice(1)) as TransferEnd
      } catch {
        return this.fail(failed(say('import-bad-end', { name: this.target.name }), { rule: 'bad-transfer' }))
      }
      this.maybeEnd()
    } else this.fail(failed(say('import-bad-message', { name: this.target.name }), { rule: 'bad-transfer' }))
  }

  private onBytes(bytes: Buffer, dir: string): void {
    if (this.failure) return
    this.received += bytes.length
    if (this.tarDone) return // after tar's end marker: counted only
    if (this.header) {
      // tar reads a socket itself: nothing may reach this process before tar ended
      if (this.direct) return this.fail(failed(say('import-archive-early', { name: this.target.name }), { rule: 'bad-transfer' }))
      return this.write(bytes)
    }
    // The header line first; the exporter sends nothing after it until it is acked.
    let read
    try {
      read = this.headerReader.push(bytes)
      if (read && read.rest.length > 0) throw failed(say('import-bytes-before-ack', { name: this.target.name }), { rule: 'bad-transfer' })
    } catch (err) {
      return this.fail(err as Error)
    }
    if (!read) return
    const { header } = read
    this.header = header
    note(this.ctx, 'copy', say('progress-receiving', { name: header.name, count: header.totalFiles }))
    this.startTar(dir, this.input!)
    if (this.failure) return
    // the exporter's tar starts writing once the header is acked
    this.ack(this.received)
  }

  /** Writes to tar (an in-process channel), holding the channel while tar is behind. */
  private write(bytes: Buffer): void {
    if (!this.tar!.stdin.write(bytes)) this.input!.pause()
  }

  /** Tells the exporter that `n` more bytes reached tar (progress; the exporter ends once all are). */
  private ack(n: number): void {
    if (n <= 0 || this.done) return
    this.ctx.stream.send(ackMessage(n))
    this.ackedTotal += n
  }

  /** With the end marker and the channel's end both here: every byte sent arrived, so tar's input is closed; with tar's exit too, done. */
  private maybeEnd(): void {
    if (!this.end || !this.eof || this.failure) return
    // (a socket tar reads ends here only after tar did: this process reads it again only then)
    if (!this.header || this.end.bytes !== this.received) {
      return this.fail(failed(say('import-short', { name: this.target.name, received: this.received, bytes: this.end.bytes }), { rule: 'bad-transfer' }))
    }
    if (!this.ending) {
      this.ending = true
      this.tar!.stdin?.end()
    }
    if (!this.tarDone || this.done) return
    // Done: all of it is acked (checkpoints count whole runs of records; the rest, and what followed tar's end marker, now).
    if (this.received > this.ackedTotal) this.ack(this.received - this.ackedTotal)
    this.done = true
    this.channel?.close()
    this.settle?.resolve(this.header)
  }
}
