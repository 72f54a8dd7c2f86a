// The native batch reader and the plain-Node path must find the same containers and the same
// bookkeeping, on the odd shapes an lxcpath can hold.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { definedContainersJs, definedContainersNative } from '../../src/main/engine/lxcpath'
import { readContainer } from '../../src/main/engine/container'
import { packageFiles } from '../helpers/debian'

let P: string

describe('reading container directories', () => {
  beforeAll(() => {
    P = mkdtempSync(join(tmpdir(), 'strata-dirs-'))
    const make = (name: string, files: Record<string, string>) => {
      mkdirSync(join(P, name), { recursive: true })
      for (const [f, text] of Object.entries(files)) writeFileSync(join(P, name, f), text)
    }
    make('base', { config: 'lxc.uts.name = base\n', lxc_snapshots: `${P}\nclone\n` })
    make('clone', { config: `lxc.rootfs.path = overlay:${P}/base/rootfs:${P}/clone/overlay/delta\n`, lxc_rdepends: `${P}\nbase\n` })
    make('creating', { config: 'lxc.uts.name = creating\n', partial: '' })
    make('withsnaps', { config: 'lxc.uts.name = withsnaps\n' })
    mkdirSync(join(P, 'withsnaps/snaps'))
    make('noconfig', { other: 'x' })
    make('.hidden', { config: 'lxc.uts.name = hidden\n' })
    make('.strata-build-0a1b2c', { config: 'lxc.uts.name = building\n' })
    make('.strata-trash-0a1b2c', { config: 'lxc.uts.name = trashed\n' })
    make('weird', {})
    mkdirSync(join(P, 'weird/config')) // a directory named config
    mkdirSync(join(P, 'elsewhere/real'), { recursive: true })
    writeFileSync(join(P, 'elsewhere/real/config'), 'lxc.uts.name = linked\n')
    symlinkSync(join(P, 'elsewhere/real'), join(P, 'linked'))
    writeFileSync(join(P, 'plainfile'), 'not a container')
    // Strata's record of a copy's origin (lineage/provenance.ts): a good one, a malformed one, one that is a directory
    make('copied', { config: 'lxc.uts.name = copied\n', strata_copied_from: `${JSON.stringify({ origin: { lxcpath: P, name: 'base' }, at: '2026-12-07T05:00:00.000Z' })}\n` })
    make('badrecord', { config: 'lxc.uts.name = badrecord\n', strata_copied_from: '{"origin": "nowhere"' })
    make('dirrecord', { config: 'lxc.uts.name = dirrecord\n' })
    mkdirSync(join(P, 'dirrecord/strata_copied_from'))
  })
  afterAll(() => rmSync(P, { recursive: true, force: true }))

  it('finds the same containers either way, as LXC defines them (hidden ones too, never Strata\'s work in progress)', () => {
    const names = (list: { name: string }[]) => list.map((d) => d.name).sort()
    const expected = ['.hidden', 'badrecord', 'base', 'clone', 'copied', 'creating', 'dirrecord', 'linked', 'weird', 'withsnaps']
    expect(names(definedContainersNative(P))).toEqual(expected)
    expect(names(definedContainersJs(P))).toEqual(expected)
  })

  it('reads the same records either way', () => {
    const js = new Map(definedContainersJs(P).map((d) => [d.name, d]))
    for (const d of definedContainersNative(P)) {
      const ref = { lxcpath: P, name: d.name }
      const viaNative = readContainer(ref, join(P, d.name), d.entries, d.preread)
      const viaJs = readContainer(ref, join(P, d.name), js.get(d.name)!.entries, null)
      expect(viaNative, d.name).toEqual(viaJs)
    }
    const clone = definedContainersNative(P).find((d) => d.name === 'clone')!
    expect(clone.preread?.rdepends).toBe(`${P}\nbase\n`)
    expect(definedContainersNative(P).find((d) => d.name === 'creating')!.preread?.partial).toBe(true)
    expect(definedContainersNative(P).find((d) => d.name === 'withsnaps')!.entries.has('snaps')).toBe(true)
    // the provenance record comes with the batch read, and reads as the file read on its own does
    const copied = definedContainersNative(P).find((d) => d.name === 'copied')!
    expect(copied.preread?.provenance).toBe(readFileSync(join(P, 'copied/strata_copied_from'), 'utf8'))
    expect(readContainer({ lxcpath: P, name: 'copied' }, join(P, 'copied'), copied.entries, copied.preread).provenance).toEqual({
      origin: { lxcpath: P, name: 'base' },
      at: '2026-12-07T05:00:00.000Z'
    })
    expect(definedContainersNative(P).find((d) => d.name === 'dirrecord')!.preread?.provenance).toBe(null)
  })

  it('reports a config that is a directory as LXC cannot load it', () => {
    const weird = definedContainersNative(P).find((d) => d.name === 'weird')!
    const record = readContainer({ lxcpath: P, name: 'weird' }, join(P, 'weird'), weird.entries, weird.preread)
    expect(record.problems[0]?.rule).toBe('file-unreadable')
  })

  it('names an lxcpath that does not exist', () => {
    expect(() => definedContainersNative(join(P, 'missing'))).toThrow(expect.objectContaining({ code: 'ENOENT' }))
  })
})

/**
 * Reads every container of lxcpath both ways and requires the same records; a config the native
 * reader called plain must have no problem at all. Returns how many were plain.
 */
function sameRecordsEitherWay(lxcpath: string): number {
  const js = new Map(definedContainersJs(lxcpath).map((d) => [d.name, d]))
  let plainCount = 0
  for (const d of definedContainersNative(lxcpath)) {
    const ref = { lxcpath, name: d.name }
    const config = readFileSync(join(lxcpath, d.name, 'config'), 'utf8')
    const viaJs = readContainer(ref, join(lxcpath, d.name), js.get(d.name)!.entries, null)
    expect(readContainer(ref, join(lxcpath, d.name), d.entries, d.preread), `${d.name}: ${config}`).toEqual(viaJs)
    if (d.preread?.plainValues) {
      plainCount++
      expect(viaJs.problems, `${d.name} was read as plain: ${config}`).toEqual([])
    }
  }
  return plainCount
}

// The native reader hands back only lxc.rootfs.path for a "plain" config (nothing in it for the
// parser to report). It must never call a config plain that the parser has something to say
// about, and what the listing shows must be the same either way.
describe('plain configs', () => {
  const plain: Record<string, string> = {
    quoted: 'lxc.rootfs.path = "dir:/srv/with space"\n',
    blanks: '\t lxc.uts.name\t=\t x \t\n   # an indented comment\n\n',
    'last-wins': 'lxc.rootfs.path = dir:/a\nlxc.rootfs.path = dir:/b\n',
    families: 'lxc.cgroup2.devices.allow = a\nlxc.prlimit.nofile = 1024\nlxc.sysctl.net.ipv4.ip_forward = 1\n',
    networks: 'lxc.net.0.type = veth\nlxc.net.12.ipv4.address = 10.0.0.2/24\n',
    unicode: 'lxc.uts.name = h\u00e9llo\nlxc.rootfs.path = dir:/srv/\u00e9t\u00e9\n',
    'no-final-newline': 'lxc.rootfs.path = dir:/x',
    empty: '',
    // an unprivileged container's map: every line of it, in order, not just the last
    idmap: 'lxc.idmap = u 0 100000 65536\nlxc.rootfs.path = dir:/a\nlxc.idmap = g 0 100000 65536\nlxc.idmap = u 65536 1000 1\n',
    'idmap-bad-line': 'lxc.idmap = u 0 x 1\nlxc.idmap = g 0 100000 65536\n'
  }
  const notPlain: Record<string, string> = {
    legacy: 'lxc.utsname = old\nlxc.rootfs = /srv/old\n',
    unknown: 'lxc.no.such.key = 1\n',
    'empty-value': 'lxc.uts.name =\n',
    'empty-quotes': 'lxc.uts.name = ""\n',
    crlf: 'lxc.uts.name = x\r\nlxc.rootfs.path = dir:/x\r\n',
    'nul-byte': 'lxc.uts.name = x\0y\n',
    'no-equals': 'lxc.uts.name\n',
    martian: 'hello world\n',
    'odd-blank': '\v\n',
    include: 'lxc.include = /usr/share/lxc/config/common.conf\n',
    'bad-net-index': 'lxc.net.x.type = veth\n',
    'unknown-net-subkey': 'lxc.net.0.bogus = 1\n',
    'clear-only-with-value': 'lxc.net.0 = veth\n',
    'family-without-member': 'lxc.cgroup = x\n',
    // more lines of one key than the reader keeps: the parser reads them
    'idmap-many': Array.from({ length: 17 }, (_, i) => `lxc.idmap = u ${i} ${100000 + i} 1\n`).join('')
  }
  let Q: string
  beforeAll(() => {
    Q = mkdtempSync(join(tmpdir(), 'strata-plain-'))
    for (const [name, text] of Object.entries({ ...plain, ...notPlain })) {
      mkdirSync(join(Q, name))
      writeFileSync(join(Q, name, 'config'), text)
    }
    mkdirSync(join(Q, 'latin1'))
    writeFileSync(join(Q, 'latin1', 'config'), Buffer.from('lxc.uts.name = caf\xe9\n', 'latin1'))
    notPlain['latin1'] = ''
    // every config LXC ships, each as a container's own config
    const shipped = ['lxc', 'lxc-templates'].flatMap((pkg) => packageFiles(pkg, '/usr/share/lxc/config'))
    for (const file of shipped.filter((f) => /^\/usr\/share\/lxc\/config\/[^/]+\.conf$/.test(f))) {
      const name = `shipped-${basename(file)}`
      mkdirSync(join(Q, name))
      writeFileSync(join(Q, name, 'config'), readFileSync(file))
    }
  })
  afterAll(() => rmSync(Q, { recursive: true, force: true }))

  it('is told apart from a config the parser has something to say about', () => {
    const found = new Map(definedContainersNative(Q).map((d) => [d.name, d.preread?.plainValues != null]))
    for (const name of Object.keys(plain)) expect(found.get(name), name).toBe(true)
    for (const name of Object.keys(notPlain)) expect(found.get(name), name).toBe(false)
  })

  it('lists every config, plain or not, exactly as the parser reads it', () => {
    const plainCount = sameRecordsEitherWay(Q)
    expect(plainCount).toBeGreaterThanOrEqual(Object.keys(plain).length)
  })

  it("hands back a plain config's whole id map, and the listing shows it", () => {
    const d = definedContainersNative(Q).find((c) => c.name === 'idmap')!
    const record = readContainer({ lxcpath: Q, name: 'idmap' }, join(Q, 'idmap'), d.entries, d.preread)
    expect(record.idMap).toEqual([
      { kind: 'u', nsid: 0, hostid: 100000, count: 65536 },
      { kind: 'g', nsid: 0, hostid: 100000, count: 65536 },
      { kind: 'u', nsid: 65536, hostid: 1000, count: 1 }
    ])
    expect(record.rootfs).toBe('dir:/a')
  })
})

// Many generated configs, built from the pieces where the two readers could part: keys of every
// shape (known, family, network, legacy, unknown, near misses), blanks, quotes, comments,
// empty values, odd bytes. Whatever the native reader calls plain, the parser must find
// nothing to say about, and the listing must read the same either way.
describe('plain configs, generated', () => {
  const keys = ['lxc.rootfs.path', 'lxc.uts.name', 'lxc.arch', 'lxc.cap.drop', 'lxc.net.0.type', 'lxc.net.07.link', 'lxc.net.1.ipv4.address', 'lxc.net.x.type', 'lxc.net.0', 'lxc.net', 'lxc.net.0.bogus', 'lxc.cgroup2.devices.allow', 'lxc.cgroup2', 'lxc.cgroup.', 'lxc.prlimit.nofile', 'lxc.sysctl.kernel.x', 'lxc.proc.oom_score_adj', 'lxc.namespace.share.net', 'lxc.hook.pre-start', 'lxc.hook', 'lxc.include', 'lxc.utsname', 'lxc.rootfs', 'lxc.rootfs.backend', 'lxc.mount.fstab', 'lxc.log.syslog', 'lxc.rootfs.options', 'lxc.foo', 'lxc.', 'LXC.arch', 'lxcarch']
  const values = ['x', 'dir:/srv/a', 'overlay:/a/rootfs:/b/overlay/delta', '"quoted value"', "'single'", '"', '""', "''", '', ' ', 'a # not a comment', 'h\u00e9llo', 'tab\tinside']
  const blanks = ['', ' ', '\t', ' \t ']
  const lineKinds = ['entry', 'entry', 'entry', 'comment', 'blank', 'odd'] as const
  let seed = 20261129
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) >>> 0
    return (seed >>> 8) % n
  }
  const pick = <T,>(xs: readonly T[]): T => xs[rand(xs.length)] as T
  function line(): string {
    const kind = pick(lineKinds)
    if (kind === 'comment') return `${pick(blanks)}# ${pick(values)}`
    if (kind === 'blank') return pick(blanks)
    if (kind === 'odd') return pick(['no equals here', 'lxc.uts.name', '\u000b', 'lxc.arch == x', '=x', 'lxc.uts.name = a\rb'])
    return `${pick(blanks)}${pick(keys)}${pick(blanks)}=${pick(blanks)}${pick(values)}${pick(blanks)}`
  }
  let Q: string
  beforeAll(() => {
    Q = mkdtempSync(join(tmpdir(), 'strata-plain-gen-'))
    for (let i = 0; i < 400; i++) {
      const lines = Array.from({ length: 1 + rand(8) }, line)
      mkdirSync(join(Q, `c${i}`))
      writeFileSync(join(Q, `c${i}`, 'config'), lines.join(pick(['\n', '\n', '\r\n'])) + pick(['\n', '']))
    }
  })
  afterAll(() => rmSync(Q, { recursive: true, force: true }))

  it('never calls plain what the parser has something to say about, and lists each config the same', () => {
    const plainCount = sameRecordsEitherWay(Q)
    // the generator must exercise both paths
    expect(plainCount).toBeGreaterThan(20)
    expect(plainCount).toBeLessThan(400)
  })
})
