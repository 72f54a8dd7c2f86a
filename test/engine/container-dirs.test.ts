// The native batch reader and the plain-Node path must find the same containers and the same
// bookkeeping, on the odd shapes an lxcpath can hold.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { definedContainersJs, definedContainersNative } from '../../src/main/engine/lxcpath'
import { readContainer } from '../../src/main/engine/container'

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
    make('weird', {})
    mkdirSync(join(P, 'weird/config')) // a directory named config
    mkdirSync(join(P, 'elsewhere/real'), { recursive: true })
    writeFileSync(join(P, 'elsewhere/real/config'), 'lxc.uts.name = linked\n')
    symlinkSync(join(P, 'elsewhere/real'), join(P, 'linked'))
    writeFileSync(join(P, 'plainfile'), 'not a container')
  })
  afterAll(() => rmSync(P, { recursive: true, force: true }))

  it('finds the same containers either way, as LXC defines them', () => {
    const names = (list: { name: string }[]) => list.map((d) => d.name).sort()
    const expected = ['base', 'clone', 'creating', 'linked', 'weird', 'withsnaps']
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
