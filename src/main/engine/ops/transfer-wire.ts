// The messages of a container transfer between hosts (exportContainer -> importContainer), as
// the strings of the engine table's streams, and the bytes beside them. Each side opens a byte
// channel (EngineStream.openChannel: the helper's unix socket, byte-channel.ts) and offers it;
// the one relaying (the CLI) connects the exporter's channel to the importer's, so the rootfs
// crosses neither base64 nor JSON, and a pipe's own back-pressure paces it. Neither host needs
// to reach the other.
//
//   exporter -> relay      `c<offer>`    its byte channel, to connect to; the bytes are a header line, then (once the importer acked the header) a GNU tar stream
//   exporter -> importer   `e<json>`     the end marker: TransferEnd. A transfer that ends without it is undone
//   importer -> relay      `c<offer>`    its byte channel: it holds its build and takes the bytes from now on
//   importer -> exporter   `a<n>`        n more bytes taken: first the header's (its tar now holds the channel: the tar stream may follow), then what tar read (progress; the exporter ends once all are)
import type { Writable } from 'node:stream'
import { failed } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'
import type { RootfsSpec } from '@shared/model'

/** The importer acks about this much more read by its tar (and at the end). */
export const TRANSFER_ACK_EVERY = 1024 * 1024
/** The longest header line (the source's config and the files it names beside it). */
export const TRANSFER_HEADER_MAX = 16 * 1024 * 1024
export const TRANSFER_FORMAT = 'strata-transfer-3'

/** The first line of a transfer: what the importer needs besides the rootfs. */
export interface TransferHeader {
  format: typeof TRANSFER_FORMAT
  /** the source's name and directory (`<P>/<n>`), which its config's paths name */
  name: string
  dir: string
  /** the source's config file as it is */
  config: string
  /** files outside the rootfs the config names that a copy clone takes along (hooks in its dir, the fstab): absolute path on the source, mode, base64 */
  files: { path: string; mode: number; data: string }[]
  backend: RootfsSpec['backend']
  /** what the rootfs holds, for progress */
  totalFiles: number
  totalBytes: number
  /**
   * Where the rootfs is in the archive when the archive is not the rootfs itself: an LXD backup
   * (lxd-transfer.ts) holds it under `backup/container/rootfs`, beside LXD's own files.
   */
  rootInArchive?: string
  /** ACLs come as system.posix_acl_* xattrs (LXD's archives), which GNU tar's --acls would drop */
  aclsAsXattrs?: boolean
}

/** What rootInArchive may be: a relative path of plain names (it becomes a tar member name and a --transform pattern). */
export const ARCHIVE_ROOT = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/

export interface TransferEnd {
  /** bytes of the transfer (header and tar) the exporter sent */
  bytes: number
  /** entries tar archived */
  files: number
}

export const offerMessage = (offer: string): string => `c${offer}`
export const endMessage = (end: TransferEnd): string => `e${JSON.stringify(end)}`
export const ackMessage = (bytes: number): string => `a${bytes}`

/** The options both tars take: every attribute LXC's rootfs may carry, ids as numbers. */
export const TAR_ATTRIBUTES = ['--xattrs', '--xattrs-include=*', '--acls', '--numeric-owner'] as const

/** tar -x's options for this header's archive: its rootfs unpacked into the directory, whichever form it comes in. */
export function extractArguments(header: Pick<TransferHeader, 'rootInArchive' | 'aclsAsXattrs'>): string[] {
  const attributes = header.aclsAsXattrs ? TAR_ATTRIBUTES.filter((a) => a !== '--acls') : [...TAR_ATTRIBUTES]
  if (header.rootInArchive === undefined) return attributes
  // the member and everything under it, renamed to `.`; symlink targets are the container's own paths and stay
  return [...attributes, `--transform=s,^${header.rootInArchive},.,S`, '--', header.rootInArchive]
}

/**
 * The importer's reading of the header line off the start of the channel, chunk by chunk, as
 * every importer does it (an LXC host's, LXD's): at most TRANSFER_HEADER_MAX bytes, JSON, this
 * format, an archive root of plain names. `what` opens its errors ("The copy to c2", as data).
 */
export class HeaderReader {
  private head: Buffer[] = []
  private bytes = 0

  constructor(private readonly what: Said) {}

  /** The header and what followed it in the chunk, once the line is whole; null while it is still coming. Throws `bad-transfer` on one it does not read. */
  push(chunk: Buffer): { header: TransferHeader; rest: Buffer } | null {
    const nl = chunk.indexOf(0x0a)
    this.bytes += nl < 0 ? chunk.length : nl
    if (this.bytes > TRANSFER_HEADER_MAX) throw failed(say('header-too-big', { what: this.what, max: TRANSFER_HEADER_MAX }), { rule: 'bad-transfer' })
    if (nl < 0) {
      this.head.push(chunk)
      return null
    }
    this.head.push(chunk.subarray(0, nl))
    let header: TransferHeader
    try {
      header = JSON.parse(Buffer.concat(this.head).toString('utf8')) as TransferHeader
      if (header?.format !== TRANSFER_FORMAT) throw new Error(`format ${String(header?.format)}`)
      if (header.rootInArchive !== undefined && !ARCHIVE_ROOT.test(header.rootInArchive)) throw new Error(`rootfs at ${JSON.stringify(header.rootInArchive)}`)
    } catch (err) {
      throw failed(say('header-unreadable', { what: this.what, why: (err as Error).message }), { rule: 'bad-transfer' })
    }
    this.head = []
    return { header, rest: chunk.subarray(nl + 1) }
  }
}

/** The header as the exporter sent it: its size, and `taken` once the importer acked it. */
export interface HeaderSent {
  bytes: number
  /** resolves once the importer acked the header: its reader holds the channel now, so the archive may follow */
  taken: Promise<void>
  /** every ack's running total goes here */
  acked(total: number): void
}

/**
 * Writes the header line into the channel; nothing may follow it before `taken`, or the importer's
 * reading of it could take bytes that are its tar's. `ackedSoFar` is the acks' running total: an
 * in-process importer can read and ack the line inside `out.write`, before the caller holds the
 * HeaderSent its later acks go to, and that ack must not be lost (the copy would wait forever).
 */
export function sendHeader(out: Writable, header: TransferHeader, ackedSoFar: () => number): HeaderSent {
  const line = Buffer.from(`${JSON.stringify(header)}\n`)
  let take!: () => void
  const taken = new Promise<void>((res) => (take = res))
  const acked = (total: number): void => {
    if (total >= line.length) take()
  }
  out.write(line)
  acked(ackedSoFar())
  return { bytes: line.length, taken, acked }
}
