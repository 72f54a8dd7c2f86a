// `strata destroy -n a -n b ...` on a real lxcpath made by LXC 5.0.2 (lxc-create -t busybox,
// lxc-copy -s): the CLI prints the engine's set plan (what goes, leaves first, and what stays
// and why), destroys what can go, and exits 1 when anything named stayed; lxc-ls agrees on
// what is left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { addCloneTree, lxcLs } from '../ops/helpers'

let P: TestLxcpath

beforeAll(async () => {
  P = await makeLxcpath('strata-cli-destroy-set-')
  await addCloneTree(P) // base <- a <- a2 (overlay snapshot clones), base <- b
  // c a dir copy of base
  await P.lxc('lxc-copy', '-n', 'base', '-N', 'c')
}, 180_000)
afterAll(async () => P?.cleanup())

describe('strata destroy with several names', () => {
  it('refuses --with-dependents with several names, and changes nothing', async () => {
    const r = await strata('destroy', '-P', P.path, '-n', 'a', '-n', 'a2', '--with-dependents')
    expect(r.code).toBe(2)
    expect(r.stderr.trim()).toBe('strata destroy: --with-dependents takes one -n NAME: with several, name every container that is to go.')
    expect((await lxcLs(P.path)).sort()).toEqual(['a', 'a2', 'b', 'base', 'c'])
  })

  it('destroys what can go, leaves first; keeps an origin whose clone is outside the set, saying why; exits 1', async () => {
    const r = await strata('destroy', '-P', P.path, '-n', 'base', '-n', 'a', '-n', 'a2', '-n', 'c')
    expect(r.stderr).toBe('')
    const lines = r.stdout.split('\n')
    // a2 before a (a2 is a's clone); base stays for b's sake
    expect(lines[0]).toMatch(/^Destroys, leaves first: (a2, a, c|a2, c, a|c, a2, a)$/)
    expect(lines).toContain('Stays: base: base stays: b depends on it and would stay.')
    expect(lines.filter((l) => l.startsWith('Destroyed ')).sort()).toEqual([`Destroyed ${P.path}/a`, `Destroyed ${P.path}/a2`, `Destroyed ${P.path}/c`])
    expect(r.code).toBe(1)
    expect((await lxcLs(P.path)).sort()).toEqual(['b', 'base'])
  })

  it('destroys an origin with all its clones when all are named, clone first; exits 0', async () => {
    const r = await strata('destroy', '-P', P.path, '-n', 'base', '-n', 'b')
    expect(r.stdout).toBe(`Destroys, leaves first: b, base\nDestroyed ${P.path}/b\nDestroyed ${P.path}/base`) // execa drops the last newline
    expect(r.code).toBe(0)
    expect(await lxcLs(P.path)).toEqual([])
  })

  it('names a container that does not exist, and destroys nothing', async () => {
    await P.create('d')
    const r = await strata('destroy', '-P', P.path, '-n', 'd', '-n', 'nosuch')
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('nosuch')
    expect(await lxcLs(P.path)).toEqual(['d'])
  })
})
