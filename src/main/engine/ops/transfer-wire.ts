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
}

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
