// The messages of a container transfer between hosts (exportContainer -> importContainer), as
// the strings of the engine table's streams. The exporter's output goes, unchanged, to the
// importer's input as `{data}`; the importer's acks go back to the exporter as `{ack}`. The one
// relaying them (the CLI) needs neither host to reach the other.
//
//   exporter -> importer   `d<base64>`   the next bytes of the transfer: a header line, then a GNU tar stream
//                          `e<json>`     the end marker: TransferEnd. A stream that ends without it is undone
//   importer -> exporter   `r`           ready: it holds its build and reads input from now on
//                          `a<n>`        n more bytes written out (the exporter's window moves on)
import type { RootfsSpec } from '@shared/model'

/** Raw bytes per `d` message: its base64 (64,172 characters) fits one stream input (STREAM_INPUT_MAX). */
export const TRANSFER_CHUNK = 47 * 1024
/** Bytes sent and not yet written out by the importer, past which the exporter waits: all a transfer holds in memory. */
export const TRANSFER_WINDOW = 4 * 1024 * 1024
/** The longest header line (the source's config and the files it names beside it). */
export const TRANSFER_HEADER_MAX = 16 * 1024 * 1024
export const TRANSFER_FORMAT = 'strata-transfer-1'

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

export const dataMessage = (chunk: Buffer): string => `d${chunk.toString('base64')}`
export const endMessage = (end: TransferEnd): string => `e${JSON.stringify(end)}`
export const READY = 'r'
export const ackMessage = (bytes: number): string => `a${bytes}`

/** The options both tars take: every attribute LXC's rootfs may carry, ids as numbers. */
export const TAR_ATTRIBUTES = ['--xattrs', '--xattrs-include=*', '--acls', '--numeric-owner'] as const
