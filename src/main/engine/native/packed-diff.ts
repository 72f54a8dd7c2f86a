// The result of the native layer diff (diff.c), decoded on demand. The addon returns all entries
// in one buffer instead of one JS object each (100k napi objects cost more than the walk):
//   f64 bytes[n] | f64 shadowed[n] | u32 pathEnd[n] | u8 flags[n] | path bytes
// flags = kind (0 added, 1 modified, 2 deleted, 3 opaque) | 4 directory | 8 path not ASCII.
import { pathText } from './path-text'

export type RawDiffKind = 0 | 1 | 2 | 3

const DIR = 4
const NON_ASCII = 8

export class PackedDiff {
  /** Number of entries. */
  readonly count: number
  /** Entries that could not be read (the diff went on, like du). */
  readonly errors: number
  private readonly bytesOf: Float64Array
  private readonly shadowedOf: Float64Array
  private readonly ends: Uint32Array
  private readonly flags: Uint8Array
  private readonly paths: Buffer
  /** All path bytes as latin1 text: for an ASCII path, its slice is the path itself. */
  private latin1: string | undefined

  constructor(raw: { buffer: ArrayBuffer; count: number; errors: number }) {
    const n = raw.count
    const b = raw.buffer
    if (!Number.isInteger(n) || n < 0 || b.byteLength < n * 21) throw new RangeError(`packed diff: ${n} entries do not fit in ${b.byteLength} bytes`)
    this.count = n
    this.errors = raw.errors
    this.bytesOf = new Float64Array(b, 0, n)
    this.shadowedOf = new Float64Array(b, 8 * n, n)
    this.ends = new Uint32Array(b, 16 * n, n)
    this.flags = new Uint8Array(b, 20 * n, n)
    this.paths = Buffer.from(b, 21 * n)
    if (n > 0 && this.ends[n - 1]! > this.paths.length) throw new RangeError('packed diff: paths run past the buffer')
  }

  kind(i: number): RawDiffKind {
    return (this.flags[i]! & 3) as RawDiffKind
  }

  isDir(i: number): boolean {
    return (this.flags[i]! & DIR) !== 0
  }

  /** Apparent bytes in the upper (a directory: the files of its subtree). */
  bytes(i: number): number {
    return this.bytesOf[i]!
  }

  /** Apparent bytes of the lowers that entry i hides. */
  shadowed(i: number): number {
    return this.shadowedOf[i]!
  }

  /** The raw path, relative to the layer root and starting with '/' (a view, not a copy). */
  pathBytes(i: number): Buffer {
    return this.paths.subarray(i > 0 ? this.ends[i - 1]! : 0, this.ends[i]!)
  }

  /** The path as text (pathText: bytes that are not UTF-8 as \xNN). */
  path(i: number): string {
    const start = i > 0 ? this.ends[i - 1]! : 0
    const end = this.ends[i]!
    if (this.flags[i]! & NON_ASCII) return pathText(this.paths.subarray(start, end))
    this.latin1 ??= this.paths.toString('latin1', 0, this.count > 0 ? this.ends[this.count - 1]! : 0)
    return this.latin1.slice(start, end)
  }
}
