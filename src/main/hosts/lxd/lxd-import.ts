// The receiving half of a copy into an LXD host: what exportContainer sends (a header, then the
// rootfs as GNU tar) becomes an LXD instance through LXD's API. The tar stream goes unchanged
// into a split image upload (`POST /1.0/images`, multipart: a metadata tarball Strata makes and
// the rootfs tarball), the instance is created from that image, and the image is deleted again.
// The metadata's template writes the instance's name into its /etc/hostname at its first start.
// LXD unpacks it with GNU tar and every xattr (ACLs travel as system.posix_acl_* xattrs), so
// owners, modes, ACLs, xattrs, file capabilities, hard links and device nodes arrive as they
// left (checked with rsync -aHAXn against the dir pool). A cancelled or failed copy leaves LXD
// as it was: the upload is abandoned (LXD keeps nothing of it), or the image and any instance
// made from it are deleted. One left behind by a Strata killed mid-copy is swept later
// (lxd-temp-images.ts).
import type { Duplex } from 'node:stream'
import type { StreamInput } from '@shared/engine-api'
import { cancelled, failed, refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import { note } from '../../engine/context'
import type { ContainerRef, OpProgress } from '@shared/model'
import type { NameIssue } from '@shared/names'
import type { CallOptions } from '../../engine-client'
import type { ByteChannel } from '../../engine/console'
import { ackMessage, HeaderReader, offerMessage, TRANSFER_ACK_EVERY, type TransferEnd, type TransferHeader } from '../../engine/ops/transfer-wire'
import { lxdErrorWords, lxdRequest, type LxdEndpoint, type LxdOperation } from './lxd-connection'
import { backendOfPool, type LxdPool } from './lxd-model'
import { holdImage, temporaryProperties } from './lxd-temp-images'

/** What the import needs of the LXD engine it runs in (lxd-engine.ts). */
export interface LxdTarget {
  host: string
  endpoint: LxdEndpoint
  project(lxcpath: string): string
  pools(): Promise<Map<string, LxdPool>>
  /** the pool the default profile's root disk is on, if any */
  defaultPool(project: string): Promise<string | null>
  /** the server's architectures, its own first */
  architectures(): Promise<string[]>
  exists(ref: ContainerRef): Promise<boolean>
  /** runs an LXD call to its end (an async one through its operation) */
  operate(method: string, path: string, body: unknown, opts: CallOptions, phase: string): Promise<LxdOperation | null>
  /** waits for an operation LXD started */
  wait(operation: string, opts: CallOptions, phase: string): Promise<LxdOperation>
  /** deletes the temporary images earlier copies into this project left behind (lxd-temp-images.ts) */
  sweepTemporaryImages(project: string): Promise<unknown>
}

/** LXD's rule for instance names (a hostname label): letters, digits and "-", starting with a letter, at most 63. */
export function lxdNameIssue(name: string): NameIssue | null {
  if (/^[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(name)) return null
  const said = say('lxd-name', { name })
  return { rule: 'lxd-name', values: { name }, message: said.text, said }
}

/** LXC's lxc.arch words as LXD names the architecture. */
const LXD_ARCH: Record<string, string> = { amd64: 'x86_64', x86: 'i686', i386: 'i686', i486: 'i686', i586: 'i686', arm64: 'aarch64', armhf: 'armv7l', armel: 'armv7l', ppc64el: 'ppc64le' }

/** The value of the last `key = value` line of an LXC config. */
function configValue(config: string, key: string): string | null {
  let value: string | null = null
  for (const line of config.split('\n')) {
    const m = /^\s*([\w.]+)\s*=\s*(.*?)\s*$/.exec(line)
    if (m && m[1] === key) value = m[2]!
  }
  return value
}

export async function importIntoLxd(side: LxdTarget, p: { lxcpath: string; name: string; backend?: string; pool?: string; member?: string }, opts: CallOptions): Promise<ContainerRef> {
  const { stream, signal } = opts
  if (!stream?.openChannel) throw failed(say('lxd-import-no-channel', { name: p.name }), { rule: 'no-channel' })
  const target = { lxcpath: p.lxcpath, name: p.name }
  const project = side.project(p.lxcpath)
  const issue = lxdNameIssue(p.name)
  if (issue) throw refused(issue.rule, issue.said ?? issue.message, p.name)
  if (await side.exists(target)) throw refused('taken', say('lxd-taken', { name: p.name, host: side.host }), p.name)
  const pool = await poolFor(side, project, p.backend, p.pool)
  await side.sweepTemporaryImages(project)
  const progress = (q: OpProgress): void => opts.onProgress?.(q)

  const channel = stream.openChannel()
  let fingerprint: string | null = null
  let release = (): void => undefined
  let made = false
  try {
    stream.send(offerMessage(channel.offer))
    const upload = new Upload(side, project, channel, stream, signal, progress, (await side.architectures())[0] ?? 'x86_64')
    fingerprint = await upload.run(p.name)
    release = holdImage(fingerprint)
    const header = upload.header!
    note(opts, 'create', say('progress-lxd-makes', { name: p.name, from: header.name }))
    signal?.throwIfAborted()
    made = true
    await side.operate(
      'POST',
      // on the member asked for (LXD moves the image there), or where LXD places it
      `/1.0/instances?project=${encodeURIComponent(project)}${p.member ? `&target=${encodeURIComponent(p.member)}` : ''}`,
      {
        name: p.name,
        architecture: upload.architecture,
        description: `Copy of ${header.name} (LXC), made by Strata`,
        // The rootfs holds the ids as the container sees them, as an image's does: LXD shifts them
        // at the first start of its default, unprivileged instance (privileged ones cannot be
        // started where LXD cannot set up the devices cgroup, as on cgroup2 without BPF).
        profiles: ['default'],
        devices: pool ? { root: { type: 'disk', path: '/', pool } } : {},
        source: { type: 'image', fingerprint }
      },
      opts,
      'create'
    )
    if (signal?.aborted) throw cancelled(say('lxd-import-cancelled', { name: p.name, host: side.host }))
    return target
  } catch (err) {
    if (made) await side.operate('DELETE', `/1.0/instances/${encodeURIComponent(p.name)}?project=${encodeURIComponent(project)}`, undefined, {}, 'destroy').catch(() => undefined)
    if (signal?.aborted) throw cancelled(say('lxd-import-cancelled-clean', { name: p.name, host: side.host }), { cause: err })
    throw err
  } finally {
    channel.close()
    // the image was a means only: the instance holds its own copy of the rootfs
    if (fingerprint) await side.operate('DELETE', `/1.0/images/${fingerprint}?project=${encodeURIComponent(project)}`, undefined, {}, 'cleanup').catch(() => undefined)
    release()
  }
}

/**
 * The pool asked for by name (of the backend asked for, if one is), else the first of the backend
 * asked for, else null for the default profile's root disk.
 */
async function poolFor(side: LxdTarget, project: string, backend: string | undefined, named: string | undefined): Promise<string | null> {
  if (backend === undefined && named === undefined) return (await side.defaultPool(project)) ? null : ([...(await side.pools()).keys()][0] ?? null)
  const pools = [...(await side.pools()).values()]
  const listed = (): string => pools.map((q) => `${q.name} (${q.driver})`).join(', ') || 'none'
  if (named !== undefined) {
    const pool = pools.find((q) => q.name === named)
    if (!pool) throw refused('copy-pool', say('lxd-no-pool', { host: side.host, pool: named, pools: listed() }), named)
    if (backendOfPool(pool) === null) throw refused('copy-pool', say('lxd-pool-unusable', { pool: named, host: side.host, driver: pool.driver, pools: listed() }), named)
    if (backend !== undefined && backendOfPool(pool) !== backend) throw refused('copy-pool', say('lxd-pool-other-backend', { pool: named, host: side.host, driver: pool.driver, backend, pools: listed() }), named)
    return pool.name
  }
  const pool = pools.find((p) => backendOfPool(p) === backend)
  if (!pool) throw refused('copy-backend', say('lxd-no-backend-pool', { host: side.host, backend: backend ?? 'dir', pools: pools.map((q) => `${q.name} (${q.driver})`).join(', ') || 'none' }), backend)
  return pool.name
}

/** A tarball of a few small files (the image's metadata.yaml and templates), in the ustar format LXD reads. */
function smallTar(files: [name: string, data: Buffer][]): Buffer {
  const parts: Buffer[] = []
  for (const [name, data] of files) {
    const header = Buffer.alloc(512)
    const field = (value: string, at: number, length: number): void => void header.write(value.slice(0, length), at, 'ascii')
    const octal = (n: number, at: number, length: number): void => field(`${n.toString(8).padStart(length - 1, '0')}\0`, at, length)
    field(name, 0, 100)
    octal(0o644, 100, 8)
    octal(0, 108, 8)
    octal(0, 116, 8)
    octal(data.length, 124, 12)
    octal(Math.floor(Date.now() / 1000), 136, 12)
    field('        ', 148, 8)
    field('0', 156, 1)
    field('ustar\u000000', 257, 8)
    let sum = 0
    for (const b of header) sum += b
    field(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8)
    parts.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512))
  }
  return Buffer.concat([...parts, Buffer.alloc(1024)])
}

/**
 * The image's metadata: its architecture, its properties (marked temporary, so that one left
 * behind by a killed Strata is swept later), and a template that writes the instance's own name
 * into /etc/hostname when LXD makes it (applied at its first start), as LXD's own images do.
 */
function imageMetadata(architecture: string, sourceName: string, now = Date.now()): Buffer {
  const properties = { description: `Strata's copy of ${sourceName}`, ...temporaryProperties(now) }
  // JSON strings are YAML
  const yaml = [
    `architecture: ${JSON.stringify(architecture)}`,
    `creation_date: ${Math.floor(now / 1000)}`,
    'properties:',
    ...Object.entries(properties).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`),
    'templates:',
    '  /etc/hostname:',
    '    when: [create, copy]',
    '    template: hostname.tpl',
    ''
  ].join('\n')
  return smallTar([
    ['metadata.yaml', Buffer.from(yaml)],
    ['templates/hostname.tpl', Buffer.from('{{ instance.name }}\n')]
  ])
}

/**
 * The transfer from the byte channel into LXD: the header line read here, the tar stream after it
 * written into the upload's rootfs part as it comes (paced by LXD reading it), acked to the
 * exporter once written. Complete when the end marker and the channel's end agree on the count.
 */
class Upload {
  header: TransferHeader | null = null
  architecture = ''
  private readonly headerReader = new HeaderReader(say('the-copy'))
  private received = 0
  private unacked = 0
  private ackedTotal = 0
  private end: TransferEnd | null = null
  private eof = false
  private failure: Error | null = null
  /** all of it written and acked */
  private done = false
  private finishUpload: (() => void) | null = null
  private fail!: (err: Error) => void
  private readonly boundary = `strata-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`

  constructor(
    private readonly side: LxdTarget,
    private readonly project: string,
    private readonly channel: ByteChannel,
    private readonly stream: NonNullable<CallOptions['stream']>,
    private readonly signal: AbortSignal | undefined,
    private readonly progress: (p: OpProgress) => void,
    /** the server's own architecture, for a config without lxc.arch */
    private readonly serverArchitecture: string
  ) {}

  /** Resolves with the uploaded image's fingerprint. */
  async run(name: string): Promise<string> {
    const operation = await new Promise<string>((resolve, reject) => {
      let request: ReturnType<typeof lxdRequest> | null = null
      let input: Duplex | null = null
      this.fail = (err) => {
        if (this.failure) return
        this.failure = err
        // an upload cut short is one LXD drops, keeping nothing
        request?.destroy()
        input?.destroy()
        reject(err)
      }
      const onAbort = (): void => this.fail(cancelled(say('lxd-import-cancelled-early', { name, host: this.side.host })))
      if (this.signal?.aborted) return onAbort()
      this.signal?.addEventListener('abort', onAbort, { once: true })
      this.stream.onInput((i: StreamInput) => this.onInput(i))
      this.channel.connected.then((ch) => {
        if (this.failure) return void ch.destroy()
        input = ch
        ch.on('error', (err) => this.fail(failed(say('import-channel-broke', { name, error: err.message }), { rule: 'channel' })))
        ch.on('end', () => {
          this.eof = true
          this.maybeEnd()
        })
        ch.on('data', (bytes: Buffer) => {
          if (this.failure) return
          this.received += bytes.length
          if (request) return this.write(request, bytes, bytes.length, ch)
          const rest = this.readHeader(bytes)
          if (rest === null) return
          request = this.startRequest(name, resolve, (err) => this.fail(err))
          request.on('drain', () => ch.resume())
          // acked at once: the exporter starts its tar only then
          this.write(request, rest, bytes.length, ch, true)
        })
      }, (err: Error) => this.fail(err))
      this.finishUpload = () => request?.end(`\r\n--${this.boundary}--\r\n`)
    })
    const op = await this.side.wait(operation, { signal: this.signal, onProgress: this.progress }, 'copy')
    const fingerprint = (op.metadata as { fingerprint?: string } | null)?.fingerprint
    if (!fingerprint || !/^[0-9a-f]{64}$/.test(fingerprint)) throw failed(say('lxd-no-image', { host: this.side.host, name }), { subject: name })
    return fingerprint
  }

  /** The header line, once whole: checked, and the rest of the chunk returned; null while it is still coming. */
  private readHeader(bytes: Buffer): Buffer | null {
    let read
    try {
      read = this.headerReader.push(bytes)
      // an LXD backup (rootInArchive) goes to an LXC host only: LXD takes the rootfs as the archive
      if (read?.header.rootInArchive !== undefined) throw failed(say('lxd-import-not-header', { root: read.header.rootInArchive }), { rule: 'bad-transfer' })
    } catch (err) {
      this.fail(err as Error)
      return null
    }
    if (!read) return null
    const { header } = read
    if (configValue(header.config, 'lxc.idmap') !== null || configValue(header.config, 'lxc.id_map') !== null) {
      this.fail(
        refused(
          'copy-idmap',
          say('lxd-idmap', { name: header.name }),
          header.name
        )
      )
      return null
    }
    this.header = header
    return read.rest
  }

  /** POST /1.0/images with the metadata part written, the rootfs part open for the tar stream. */
  private startRequest(name: string, resolve: (operation: string) => void, reject: (err: Error) => void): ReturnType<typeof lxdRequest> {
    const header = this.header!
    const lxcArch = configValue(header.config, 'lxc.arch')
    this.architecture = lxcArch ? (LXD_ARCH[lxcArch] ?? lxcArch) : ''
    const part = (field: string): string =>
      `--${this.boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${field}.tar"\r\nContent-Type: application/octet-stream\r\n\r\n`
    const request = lxdRequest(
      this.side.endpoint,
      {
        method: 'POST',
        path: `/1.0/images?project=${encodeURIComponent(this.project)}`,
        headers: { Host: 'lxd', Accept: 'application/json', 'Content-Type': `multipart/form-data; boundary=${this.boundary}` }
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8')
          let operation: string | undefined
          try {
            operation = (JSON.parse(body) as { type?: string; operation?: string }).operation
          } catch {
            // told below
          }
          if (res.statusCode === 202 && operation) resolve(operation)
          else reject(refused('lxd-refused', say('lxd-upload-refused', { host: this.side.host, name, words: lxdErrorWords(body, res.statusCode) }), name))
        })
      }
    )
    request.on('error', (err) => reject(failed(say('lxd-upload-broke', { name, host: this.side.host, error: err.message }), { subject: name })))
    if (!this.architecture) this.architecture = this.serverArchitecture
    // metadata.yaml is what LXD needs to take a rootfs as an image
    const metadata = imageMetadata(this.architecture, header.name)
    request.write(part('metadata'))
    request.write(metadata)
    request.write(`\r\n${part('rootfs')}`)
    const receiving = say('progress-receiving', { name: header.name, count: header.totalFiles })
    this.progress({ phase: 'copy', message: receiving.text, said: receiving })
    return request
  }

  /** Writes tar bytes into the upload, holding the channel while LXD is behind; `count` channel bytes are acked once written. */
  private write(request: ReturnType<typeof lxdRequest>, bytes: Buffer, count: number, input: Duplex, ackNow = false): void {
    const more = request.write(bytes, (err) => {
      if (err || this.failure || this.done) return
      this.unacked += count
      this.ack(ackNow)
    })
    if (!more) input.pause()
  }

  private ack(all: boolean): void {
    if (this.unacked === 0 || (!all && this.unacked < TRANSFER_ACK_EVERY)) return
    this.stream.send(ackMessage(this.unacked))
    this.ackedTotal += this.unacked
    this.unacked = 0
  }

  private onInput(input: StreamInput): void {
    if (this.failure || !('data' in input)) return
    if (input.data[0] !== 'e') return this.fail(failed(say('copy-bad-message'), { rule: 'bad-transfer' }))
    try {
      this.end = JSON.parse(input.data.slice(1)) as TransferEnd
    } catch {
      return this.fail(failed(say('copy-bad-end'), { rule: 'bad-transfer' }))
    }
    this.maybeEnd()
  }

  /** The end marker and the channel's end both here, the counts equal: the upload is complete. */
  private maybeEnd(): void {
    if (!this.end || !this.eof || this.failure) return
    if (!this.header || this.end.bytes !== this.received) return this.fail(failed(say('copy-short', { received: this.received, bytes: this.end.bytes }), { rule: 'bad-transfer' }))
    this.done = true
    this.finishUpload?.()
    // everything written: the exporter may end
    if (this.received > this.ackedTotal) this.stream.send(ackMessage(this.received - this.ackedTotal))
    this.ackedTotal = this.received
    this.unacked = 0
  }
}
