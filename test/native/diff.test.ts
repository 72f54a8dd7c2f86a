// The native layer diff (diff.c) and its packed result (PackedDiff): real directories, real
// whiteouts (mknod c 0 0) and opaque xattrs, names that are not text.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { diffLayers, PackedDiff } from '../../src/main/engine/native/index'
import { sh, tmp } from './helpers'

const KIND = ['added', 'modified', 'deleted', 'opaque'] as const
let base: string
let upper: string
let lower: string

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true })
})

/** Every entry as plain data, in the order the diff lists them. */
function rows(d: PackedDiff): { path: string; kind: string; isDir: boolean; bytes: number; shadowed: number }[] {
  return Array.from({ length: d.count }, (_, i) => ({ path: d.path(i), kind: KIND[d.kind(i)], isDir: d.isDir(i), bytes: d.bytes(i), shadowed: d.shadowed(i) }))
}

beforeAll(() => {
  base = tmp('diff')
  lower = join(base, 'lower')
  upper = join(base, 'upper')
  sh(`
mkdir -p '${lower}/etc/init.d' '${lower}/usr/share' '${lower}/opt/tool'
printf 'root:x:0:0\\n' > '${lower}/etc/passwd'
printf 12345 > '${lower}/etc/init.d/rcS'
printf 123 > '${lower}/etc/init.d/rcK'
printf 1234567 > '${lower}/opt/tool/bin'
mkdir -p '${upper}/etc/init.d' '${upper}/usr/share/new' '${upper}/opt'
mknod '${upper}/etc/passwd' c 0 0
mknod '${upper}/ghost' c 0 0
setfattr -n trusted.overlay.opaque -v y '${upper}/etc/init.d'
printf ab > '${upper}/etc/init.d/rcS.new'
printf abcd > '${upper}/opt/tool'
`)
  const odd = join(upper, 'usr/share/new')
  writeFileSync(join(odd, 'new\nline'), 'x')
  writeFileSync(Buffer.concat([Buffer.from(`${odd}/bad`), Buffer.from([0xff, 0xfe])]), 'yy')
  writeFileSync(join(odd, 'café'), 'zzz')
  // enough directories that several threads share the walk
  for (let d = 0; d < 40; d++) {
    mkdirSync(join(upper, 'many', `d${d}`), { recursive: true })
    for (let f = 0; f < 50; f++) writeFileSync(join(upper, 'many', `d${d}`, `f${f}`), 'x'.repeat(f))
  }
})

describe('diffLayers', () => {
  it('reports additions, copy-ups, whiteouts and opaque dirs with their bytes, odd names intact', async () => {
    const d = await diffLayers(upper, [lower])
    expect(d.errors).toBe(0)
    const byPath = new Map(rows(d).map((r) => [r.path, r]))
    expect(byPath.get('/etc/passwd')).toEqual({ path: '/etc/passwd', kind: 'deleted', isDir: false, bytes: 0, shadowed: 11 })
    expect(byPath.has('/ghost')).toBe(false) // a whiteout over nothing hides nothing
    expect(byPath.get('/etc/init.d')).toEqual({ path: '/etc/init.d', kind: 'opaque', isDir: true, bytes: 2, shadowed: 8 })
    expect(byPath.get('/etc/init.d/rcS.new')).toMatchObject({ kind: 'added', bytes: 2 })
    expect(byPath.get('/opt/tool')).toEqual({ path: '/opt/tool', kind: 'modified', isDir: false, bytes: 4, shadowed: 7 })
    expect(byPath.get('/usr/share/new')).toMatchObject({ kind: 'added', isDir: true, bytes: 6 })
    expect(byPath.get('/usr/share/new/new\nline')).toMatchObject({ kind: 'added', bytes: 1 })
    expect(byPath.get('/usr/share/new/café')).toMatchObject({ kind: 'added', bytes: 3 })
    expect(byPath.get('/usr/share/new/bad\\xff\\xfe')).toMatchObject({ kind: 'added', bytes: 2 })
    expect(byPath.get('/many')).toMatchObject({ kind: 'added', isDir: true, bytes: 40 * ((49 * 50) / 2) })
    expect(d.count).toBe(byPath.size)
    // unchanged directories that only lead to changes get no line of their own
    expect(byPath.has('/etc')).toBe(false)
    expect(byPath.has('/usr/share')).toBe(false)
    expect(d.count).toBe(1 + 1 + 1 + 1 + 1 + 3 + 1 + 40 * 51) // passwd, init.d, rcS.new, tool, new/, 3 odd, many/, 40x(dir + 50)
  })

  it('keeps the raw bytes of a name that is not UTF-8', async () => {
    const d = await diffLayers(upper, [lower])
    const i = rows(d).findIndex((r) => r.path.startsWith('/usr/share/new/bad'))
    expect(d.pathBytes(i)).toEqual(Buffer.concat([Buffer.from('/usr/share/new/bad'), Buffer.from([0xff, 0xfe])]))
  })

  it('lists a directory before its subtree, in the same order whatever the thread count', async () => {
    const one = rows(await diffLayers(upper, [lower], { threads: 1 }))
    const four = rows(await diffLayers(upper, [lower], { threads: 4 }))
    expect(four).toEqual(one)
    const paths = one.map((r) => r.path)
    for (const dir of one.filter((r) => r.isDir && r.kind !== 'deleted')) {
      const at = paths.indexOf(dir.path)
      const inside = paths.flatMap((p, k) => (p.startsWith(`${dir.path}/`) ? [k] : []))
      // the subtree follows the directory's line without a gap
      expect(inside).toEqual(inside.map((_, k) => at + 1 + k))
    }
  })

  it('reads an aufs upper (LXC <= 2.x) as the overlay upper that strata convert makes of it', async () => {
    // the same changes, marked the aufs way: .wh.NAME, .wh..wh..opq, and aufs's own .wh..wh.* entries
    const aufs = join(base, 'aufs-upper')
    sh(`
cp -a '${upper}' '${aufs}'
cd '${aufs}'
rm etc/passwd ghost && touch etc/.wh.passwd .wh.ghost
setfattr -x trusted.overlay.opaque etc/init.d && touch etc/init.d/.wh..wh..opq etc/init.d/.wh.rcK
touch .wh..wh.aufs && mkdir -p .wh..wh.plnk/x .wh..wh.orph && printf 12 > .wh..wh.plnk/x/link
printf again > opt/.wh.tool
`)
    const sorted = (d: PackedDiff) => rows(d).sort((a, b) => (a.path < b.path ? -1 : 1))
    const read = await diffLayers(aufs, [lower], { whiteouts: 'aufs' })
    expect(read.errors).toBe(0)
    expect(sorted(read)).toEqual(sorted(await diffLayers(upper, [lower])))
    expect(rows(read).some((r) => r.path.includes('.wh.'))).toBe(false)
  })

  it('an empty upper has no entries', async () => {
    const empty = join(base, 'empty')
    mkdirSync(empty)
    const d = await diffLayers(empty, [lower])
    expect(d.count).toBe(0)
  })
})

describe('PackedDiff', () => {
  it('decodes a buffer laid out as diff.c writes it', () => {
    const paths = [Buffer.from('/a'), Buffer.from('/a/x\ny'), Buffer.concat([Buffer.from('/\u00e9'), Buffer.from([0xc3])])]
    const n = paths.length
    const all = Buffer.concat(paths)
    const buf = new ArrayBuffer(21 * n + all.length)
    new Float64Array(buf, 0, n).set([10, 3, 0])
    new Float64Array(buf, 8 * n, n).set([0, 0, 99])
    let end = 0
    new Uint32Array(buf, 16 * n, n).set(paths.map((p) => (end += p.length)))
    new Uint8Array(buf, 20 * n, n).set([0 | 4, 0, 2 | 8])
    Buffer.from(buf, 21 * n).set(all)
    const d = new PackedDiff({ buffer: buf, count: n, errors: 0 })
    expect(rows(d)).toEqual([
      { path: '/a', kind: 'added', isDir: true, bytes: 10, shadowed: 0 },
      { path: '/a/x\ny', kind: 'added', isDir: false, bytes: 3, shadowed: 0 },
      { path: '/é\\xc3', kind: 'deleted', isDir: false, bytes: 0, shadowed: 99 }
    ])
  })

  it('refuses a buffer too small for its entries', () => {
    expect(() => new PackedDiff({ buffer: new ArrayBuffer(20), count: 1, errors: 0 })).toThrow(/1 entries do not fit in 20 bytes/)
    const buf = new ArrayBuffer(21)
    new Uint32Array(buf, 16, 1)[0] = 5
    expect(() => new PackedDiff({ buffer: buf, count: 1, errors: 0 })).toThrow(/paths run past the buffer/)
  })
})
