// Reading a small file whose path anyone who can write an lxcpath chooses (a config, an
// lxc.include, LXC's bookkeeping): only a regular file, and only up to a cap. A device, FIFO or
// socket can block the open or the read forever, or never end (/dev/zero), and opening some
// devices does something by itself (a watchdog arms): those are refused from a stat, before any
// open. The open cannot block (O_NONBLOCK), and the descriptor is checked again in case the path
// was swapped in between. The native lxcpath reader (lxcpath_read.c) follows the same rules.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs'
import { refused, type StrataError } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'

/** Far above any real config or bookkeeping file (a few KiB; test/config/expand.test.ts parses a 5 MB one); lxcpath_read.c uses the same cap. */
export const MAX_SMALL_FILE_BYTES = 8 * 1024 * 1024
const MAX_SMALL_FILE_TEXT = '8 MiB'

/** What a path is, as its stat or its directory entry (not a symlink's) tells. */
export type FileKind = Pick<Stats, 'isFile' | 'isDirectory' | 'isCharacterDevice' | 'isBlockDevice' | 'isFIFO' | 'isSocket'>

/** What a file is when it is neither a regular file nor a directory. */
export type IrregularKind = 'character-device' | 'block-device' | 'fifo' | 'socket' | 'other'

/** The file's kind when it is neither a regular file nor a directory, else null. */
export function irregularKind(stats: FileKind): IrregularKind | null {
  if (stats.isFile() || stats.isDirectory()) return null
  if (stats.isCharacterDevice()) return 'character-device'
  if (stats.isBlockDevice()) return 'block-device'
  if (stats.isFIFO()) return 'fifo'
  if (stats.isSocket()) return 'socket'
  return 'other'
}

/** The kind as the `{{kind}}` of a sentence: words of their own that each language says ("a socket", "ソケット"). */
export const kindSaid = (kind: IrregularKind): Said => say(`file-kind-${kind}`)

/** Why such a file is not read, for messages that name the file themselves. */
export const IRREGULAR_REASON = 'Strata reads only regular files as configs and bookkeeping (a device, FIFO or socket can block or never end)'

function refuseIrregular(file: string, stats: FileKind): void {
  const kind = irregularKind(stats)
  if (kind) throw refused('not-regular-file', say('not-regular-file', { file, kind: kindSaid(kind) }), file)
}

function tooLarge(file: string): StrataError {
  return refused('file-too-large', say('file-too-large', { file, max: MAX_SMALL_FILE_TEXT }), file)
}

/**
 * The bytes of `file` (symlinks followed), like readFileSync; errors of the file system propagate
 * as they would from it (ENOENT, EACCES, EISDIR for a directory). `known` is what the caller
 * already knows the path to be (its stat, or its directory entry), to spare a stat here.
 */
export function readRegularFile(file: string, known: FileKind = statSync(file)): Buffer {
  refuseIrregular(file, known)
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
  try {
    const opened = fstatSync(fd)
    refuseIrregular(file, opened)
    if (opened.size > MAX_SMALL_FILE_BYTES) throw tooLarge(file)
    // The size, as readFileSync reads it; a file that reports none (procfs) is read to its end.
    let buf = Buffer.allocUnsafe(opened.size || 8192)
    let n = 0
    for (;;) {
      if (n === opened.size && n > 0) return buf
      if (n === buf.length) {
        if (n > MAX_SMALL_FILE_BYTES) throw tooLarge(file) // it grew while being read
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, MAX_SMALL_FILE_BYTES + 1))
        buf.copy(bigger, 0, 0, n)
        buf = bigger
      }
      const got = readSync(fd, buf, n, buf.length - n, null)
      if (got === 0) return buf.subarray(0, n)
      n += got
    }
  } finally {
    closeSync(fd)
  }
}
