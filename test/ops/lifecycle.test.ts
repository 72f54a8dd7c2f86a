// create, flatten, convert, lxc-snapshot compatibility, legacy overlay layouts and leftovers,
// each against real LXC 5.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { getXattrs } from '../../src/main/engine/native/index'
import { check, dir, lxcLs, pairs, startStop, strataOk, text } from './helpers'

let P: TestLxcpath



beforeAll(async () => {
  P = await makeLxcpath('strata-life-')
  await P.create('c1')
}, 120_000)
afterAll(async () => {
  await P?.cleanup()
})

describe('create', () => {
  it('-B none is dir, -B overlay fills the lower as lxc-create does; both start', async () => {
    await strataOk('create', '-P', P.path, '-n', 'mk-none', '-t', 'busybox', '-B', 'none', '-f', `${P.path}/.net.conf`)
    expect(readFileSync(dir(P.path, 'mk-none', 'config'), 'utf8')).toContain(`lxc.rootfs.path = dir:${P.path}/mk-none/rootfs\n`)
    await strataOk('create', '-P', P.path, '-n', 'mk-ovl', '-t', 'busybox', '-B', 'overlay', '-f', `${P.path}/.net.conf`)
    expect(readFileSync(dir(P.path, 'mk-ovl', 'config'), 'utf8')).toContain(`lxc.rootfs.path = overlay:${P.path}/mk-ovl/rootfs:${P.path}/mk-ovl/overlay/delta\n`)
    expect(existsSync(dir(P.path, 'mk-ovl', 'rootfs/bin/busybox'))).toBe(true)
    for (const n of ['mk-none', 'mk-ovl']) await startStop(P.path, n)
    expect(await check(P.path)).toEqual({ code: 0, findings: [] })
  })

  it('refuses with the rule: unknown template, aufs, a bad name; leaves nothing behind', async () => {
    const t = await strata('create', '-P', P.path, '-n', 'x1', '-t', 'no-such-template')
    expect(t.code).toBe(3) // not found
    expect(t.stderr).toContain('/usr/share/lxc/templates/lxc-no-such-template does not exist')
    const a = await strata('create', '-P', P.path, '-n', 'x2', '-t', 'busybox', '-B', 'aufs')
    expect(a.code).toBe(1)
    expect(a.stderr).toMatch(/aufs/)
    const n = await strata('create', '-P', P.path, '-n', 'x y', '-t', 'busybox')
    expect(n.stderr).toMatch(/white space/)
    const f = await strata('create', '-P', P.path, '-n', 'x3', '-t', '/bin/false')
    expect(f.code).not.toBe(0)
    expect((await lxcLs(P.path)).filter((x) => x.startsWith('x'))).toEqual([])
    expect(existsSync(dir(P.path, 'x3'))).toBe(false)
  })
})

describe('template arguments', () => {
  it('cannot move the rootfs: Strata\'s --rootfs, --path and --name are its own, and the template runs in the container being built', async () => {
    const templates = mkdtempSync(join(tmpdir(), 'strata-template-'))
    try {
      const script = join(templates, 'lxc-relative')
      // a template that writes where it runs, and keeps the arguments it was given
      writeFileSync(script, '#!/bin/sh\ntouch relative-file\nprintf "%s\\n" "$@" > args\n', { mode: 0o755 })
      await strataOk('create', '-P', P.path, '-n', 'tpl-rel', '-t', script, '--', '--flavour=plain')
      expect(existsSync(dir(P.path, 'tpl-rel', 'relative-file'))).toBe(true)
      expect(existsSync(join(process.cwd(), 'relative-file'))).toBe(false)
      const args = readFileSync(dir(P.path, 'tpl-rel', 'args'), 'utf8').split('\n')
      expect([args[0], args[1], args[3], args[4], args[5]]).toEqual(['--flavour=plain', '--path', '--name', 'tpl-rel', '--rootfs'])
      for (const bad of [['--rootfs', 'ro'], ['--rootfs=.'], ['--root=ro'], ['--path=x'], ['-n', 'other']]) {
        const r = await strata('create', '-P', P.path, '-n', 'tpl-bad', '-t', script, '--', ...bad)
        expect(r.code, bad.join(' ')).toBe(1)
        expect(r.stderr).toContain(`The template argument ${JSON.stringify(bad[0])} `)
      }
      expect(existsSync(join(process.cwd(), 'ro'))).toBe(false)
      expect(existsSync(dir(P.path, 'tpl-bad'))).toBe(false)
      await strataOk('destroy', '-P', P.path, '-n', 'tpl-rel')
    } finally {
      rmSync(templates, { recursive: true, force: true })
    }
  })
})

describe('snapshots, both ways with lxc-snapshot', () => {
  it('lxc-snapshot -L lists Strata\'s snapshots with ts and comment; Strata lists lxc-snapshot\'s', async () => {
    writeFileSync(join(P.path, 'comment.txt'), 'before the upgrade\n')
    expect(await strataOk('snapshot', '-P', P.path, '-n', 'c1', '-c', join(P.path, 'comment.txt'))).toMatch(/^snap0 /)
    expect(readFileSync(dir(P.path, 'c1', 'snaps/snap0/ts'), 'utf8')).toMatch(/^\d{4}:\d\d:\d\d \d\d:\d\d:\d\d$/)
    const listed = await P.lxc('lxc-snapshot', '-n', 'c1', '-L', '-C')
    expect(listed).toContain(`snap0 (${P.path}/c1/snaps) `)
    expect(listed).toContain('before the upgrade')
    await P.lxc('lxc-snapshot', '-n', 'c1')
    const ours = JSON.parse(await strataOk('snapshot', '-P', P.path, '-n', 'c1', '-L', '--json')) as { name: string; comment: string | null }[]
    expect(ours.map((s) => s.name)).toEqual(['snap0', 'snap1'])
    expect(ours[0]?.comment).toBe('before the upgrade')
    // snapshots keep the name and MACs, like lxc-snapshot's
    expect(readFileSync(dir(P.path, 'c1', 'snaps/snap0/config'), 'utf8')).not.toContain('lxc.uts.name = snap0')
  })

  it('restores to a new name (new name, new hostname) and deletes, refusing while something depends on the snapshot', async () => {
    await strataOk('snapshot', '-P', P.path, '-n', 'c1', '-r', 'snap0', '-N', 'from-snap')
    expect(readFileSync(dir(P.path, 'from-snap', 'config'), 'utf8')).toContain('lxc.uts.name = from-snap\n')
    await startStop(P.path, 'from-snap')
    await execa('lxc-copy', ['-P', `${P.path}/c1/snaps`, '-n', 'snap1', '-N', 'on-snap', '-p', P.path, '-s'])
    const d = await strata('snapshot', '-P', P.path, '-n', 'c1', '-d', 'snap1')
    expect(d.code).toBe(1)
    expect(d.stderr).toContain(`${P.path}/on-snap`)
    await strataOk('destroy', '-P', P.path, '-n', 'on-snap')
    await strataOk('snapshot', '-P', P.path, '-n', 'c1', '-d', 'snap1')
    await strataOk('snapshot', '-P', P.path, '-n', 'c1', '-d', 'snap0')
    expect(await P.lxc('lxc-snapshot', '-n', 'c1', '-L')).toBe('No snapshots')
    await strataOk('destroy', '-P', P.path, '-n', 'from-snap')
  })

  it('restores an overlay clone with a hook script in place (LXC 5 leaves such a clone half-restored)', async () => {
    await strataOk('clone', '-p', P.path, '-o', 'c1', '-n', 'hooked', '-s')
    const d = dir(P.path, 'hooked')
    writeFileSync(join(d, 'hook.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 })
    writeFileSync(join(d, 'config'), readFileSync(join(d, 'config'), 'utf8') + `lxc.hook.pre-start = ${d}/hook.sh\n`)
    await strataOk('snapshot', '-P', P.path, '-n', 'hooked')
    writeFileSync(join(d, 'overlay/delta/later'), 'x')
    await strataOk('snapshot', '-P', P.path, '-n', 'hooked', '-r', 'snap0')
    expect(existsSync(join(d, 'overlay/delta/later'))).toBe(false)
    expect(readFileSync(join(d, 'config'), 'utf8')).toContain(`lxc.hook.pre-start = ${d}/hook.sh\n`)
    await startStop(P.path, 'hooked')
    expect(await check(P.path)).toEqual({ code: 0, findings: [] })
    await strataOk('destroy', '-P', P.path, '-n', 'hooked', '--with-dependents')
    expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBeNull()
  })
})

describe('flatten', () => {
  it('makes an overlay clone standalone, so LXC can destroy its origin', async () => {
    await strataOk('clone', '-p', P.path, '-o', 'c1', '-n', 'base2')
    await strataOk('clone', '-p', P.path, '-o', 'base2', '-n', 'flat', '-s')
    await P.lxc('lxc-start', '-n', 'flat')
    await P.lxc('lxc-attach', '-n', 'flat', '--', 'sh', '-c', 'echo kept > /root/kept && rm /etc/inittab')
    await P.lxc('lxc-stop', '-n', 'flat', '-k')
    await strataOk('flatten', '-P', P.path, '-n', 'flat')
    expect(readFileSync(dir(P.path, 'flat', 'config'), 'utf8')).toContain(`lxc.rootfs.path = dir:${P.path}/flat/rootfs\n`)
    expect(text(dir(P.path, 'flat', 'rootfs/root/kept'))).toBe('kept\n')
    expect(existsSync(dir(P.path, 'flat', 'rootfs/etc/inittab'))).toBe(false)
    expect(existsSync(dir(P.path, 'flat', 'overlay'))).toBe(false)
    expect(text(dir(P.path, 'base2', 'lxc_snapshots'))).toBeNull()
    await P.lxc('lxc-destroy', '-n', 'base2')
    await P.lxc('lxc-start', '-n', 'flat')
    expect(await P.lxc('lxc-attach', '-n', 'flat', '--', 'cat', '/root/kept')).toBe('kept')
    await P.lxc('lxc-stop', '-n', 'flat', '-k')
    expect(await check(P.path)).toEqual({ code: 0, findings: [] })
  })
})

describe('aufs', () => {
  it('reads an aufs clone, says this kernel has no aufs, and converts it to overlay with whiteouts translated', async () => {
    // An LXC 2.x aufs clone, as LXC wrote it: aufs:<lower>:<P>/<n>/delta0, with aufs markers.
    const a = dir(P.path, 'au1')
    mkdirSync(join(a, 'rootfs'), { recursive: true })
    mkdirSync(join(a, 'delta0/bin'), { recursive: true })
    mkdirSync(join(a, 'delta0/etc/init.d'), { recursive: true })
    writeFileSync(join(a, 'delta0/bin/.wh.vi'), '')
    writeFileSync(join(a, 'delta0/etc/init.d/.wh..wh..opq'), '')
    writeFileSync(join(a, 'delta0/etc/init.d/only'), 'new\n')
    writeFileSync(join(a, 'delta0/.wh..wh.aufs'), '')
    const base = readFileSync(dir(P.path, 'c1', 'config'), 'utf8').replace(/^lxc\.rootfs\.path.*$/m, `lxc.rootfs.path = aufs:${P.path}/c1/rootfs:${a}/delta0`).replace(/^lxc\.uts\.name.*$/m, 'lxc.uts.name = au1')
    writeFileSync(join(a, 'config'), base)
    writeFileSync(join(a, 'lxc_rdepends'), pairs([P.path, 'c1']))
    writeFileSync(dir(P.path, 'c1', 'lxc_snapshots'), pairs([P.path, 'au1']))
    const ls = JSON.parse(await strataOk('ls', '-P', P.path, '--json')) as { name: string; backend: string }[]
    expect(ls.find((c) => c.name === 'au1')?.backend).toBe('aufs')
    const refused = await strata('clone', '-p', P.path, '-o', 'au1', '-n', 'au2', '-s')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/convert/)
    // diff reads the aufs markers as what they mean: the same diff as the converted overlay clone's
    const diff = async (): Promise<{ entries: { path: string }[]; totals: Record<string, { count: number }> }> => {
      const d = JSON.parse(await strataOk('diff', '-P', P.path, '-n', 'au1', '--json'))
      d.entries.sort((x: { path: string }, y: { path: string }) => (x.path < y.path ? -1 : 1))
      return { entries: d.entries, totals: d.totals }
    }
    const aufsDiff = await diff()
    expect(aufsDiff.entries.filter((e) => e.path.includes('.wh.'))).toEqual([])
    expect([aufsDiff.totals['deleted']?.count, aufsDiff.totals['opaque']?.count]).toEqual([1, 1])
    await strataOk('convert', '-P', P.path, '-n', 'au1')
    expect(await diff()).toEqual(aufsDiff)
    const upper = join(a, 'overlay/delta')
    expect(readFileSync(join(a, 'config'), 'utf8')).toContain(`lxc.rootfs.path = overlay:${P.path}/c1/rootfs:${upper}\n`)
    const wh = lstatSync(join(upper, 'bin/vi'))
    expect(wh.isCharacterDevice() && wh.rdev === 0).toBe(true)
    expect((await getXattrs(join(upper, 'etc/init.d')))['trusted.overlay.opaque']?.toString()).toBe('y')
    expect(existsSync(join(upper, '.wh..wh.aufs'))).toBe(false)
    expect(existsSync(join(a, 'delta0'))).toBe(false)
    expect(text(join(a, 'lxc_rdepends'))).toBe(pairs([P.path, 'c1']))
    await P.lxc('lxc-start', '-n', 'au1')
    try {
      expect(await P.lxc('lxc-attach', '-n', 'au1', '--', 'ls', '/etc/init.d')).toBe('only')
      await expect(P.lxc('lxc-attach', '-n', 'au1', '--', 'test', '-e', '/bin/vi')).rejects.toThrow()
    } finally {
      await P.lxc('lxc-stop', '-n', 'au1', '-k')
    }
    await strataOk('destroy', '-P', P.path, '-n', 'au1')
    expect(text(dir(P.path, 'c1', 'lxc_snapshots'))).toBeNull()
  })
})

describe('legacy overlay layout (LXC 1.x-3.x: overlayfs:, delta0, olwork)', () => {
  it('LXC starts it, Strata snapshot-clones it into the modern layout, and both start', async () => {
    const l = dir(P.path, 'old1')
    mkdirSync(join(l, 'rootfs'), { recursive: true })
    mkdirSync(join(l, 'delta0/root'), { recursive: true })
    mkdirSync(join(l, 'olwork'))
    writeFileSync(join(l, 'delta0/root/from-old'), 'old\n')
    const cfg = readFileSync(dir(P.path, 'c1', 'config'), 'utf8').replace(/^lxc\.rootfs\.path.*$/m, `lxc.rootfs.path = overlayfs:${P.path}/c1/rootfs:${l}/delta0`).replace(/^lxc\.uts\.name.*$/m, 'lxc.uts.name = old1')
    writeFileSync(join(l, 'config'), cfg)
    writeFileSync(join(l, 'lxc_rdepends'), pairs([P.path, 'c1']))
    writeFileSync(dir(P.path, 'c1', 'lxc_snapshots'), pairs([P.path, 'old1']))
    await startStop(P.path, 'old1')
    await strataOk('clone', '-p', P.path, '-o', 'old1', '-n', 'new1', '-s')
    expect(readFileSync(dir(P.path, 'new1', 'config'), 'utf8')).toContain(`lxc.rootfs.path = overlay:${P.path}/c1/rootfs:${P.path}/new1/overlay/delta\n`)
    expect(text(dir(P.path, 'new1', 'overlay/delta/root/from-old'))).toBe('old\n')
    expect(text(dir(P.path, 'new1', 'lxc_rdepends'))).toBe(pairs([P.path, 'c1'], [P.path, 'old1']))
    await startStop(P.path, 'new1')
    expect(await check(P.path)).toEqual({ code: 0, findings: [] })
    await strataOk('destroy', '-P', P.path, '-n', 'old1', '--with-dependents')
  })
})

describe('leftovers of interrupted work', () => {
  it('are hidden from lxc-ls and strata ls; without a journal proving them Strata\'s, check reports them and deletes nothing', async () => {
    const staging = join(P.path, '.strata-build-0123456789ab')
    mkdirSync(join(staging, 'rootfs'), { recursive: true })
    writeFileSync(join(staging, 'config'), 'lxc.uts.name = ghost\n')
    expect(await lxcLs(P.path)).not.toContain('.strata-build-0123456789ab')
    expect(await strataOk('ls', '-P', P.path)).not.toContain('strata-build')
    const r = await strata('check', '-P', P.path)
    expect(r.stderr).not.toContain('removed')
    expect(r.stdout).toMatch(/unproven-work .*\.strata-build-0123456789ab is an LXC container named like Strata's work directories/)
    expect(existsSync(join(staging, 'config'))).toBe(true)
    rmSync(staging, { recursive: true })
  })
})

describe('without the native addon (STRATA_NATIVE pointing at nothing)', () => {
  it('copies with cp -a, writes the hostname without following links, and still takes LXC\'s lock', async () => {
    const env = { STRATA_NATIVE: join(P.path, 'missing.node') }
    const cli = (...args: string[]) => execa('node', [join(import.meta.dirname, '../../bin/strata'), ...args], { reject: false, env })
    writeFileSync(dir(P.path, 'c1', 'rootfs/etc/hostname'), 'c1\n')
    const r = await cli('clone', '-p', P.path, '-o', 'c1', '-n', 'nonative')
    expect(r.exitCode, r.stderr).toBe(0)
    expect(text(dir(P.path, 'nonative', 'rootfs/etc/hostname'))).toBe('nonative\n')
    const diff = await execa('rsync', ['-aHAXn', '--numeric-ids', '--itemize-changes', '--exclude=/etc/hostname', `${dir(P.path, 'c1', 'rootfs')}/`, `${dir(P.path, 'nonative', 'rootfs')}/`])
    expect(diff.stdout).toBe('')
    const { holdLock } = await import('./helpers')
    const { lxcLockPath } = await import('../../src/main/engine/native/index')
    const held = await holdLock(lxcLockPath(P.path, 'nonative'))
    const destroy = cli('destroy', '-P', P.path, '-n', 'nonative')
    await new Promise((res) => setTimeout(res, 1000))
    expect(existsSync(dir(P.path, 'nonative', 'config'))).toBe(true) // still waiting for the lock
    await held.release()
    expect((await destroy).exitCode).toBe(0)
    expect(existsSync(dir(P.path, 'nonative'))).toBe(false)
  })
})

describe('progress on a terminal', () => {
  it('shows the copy with totals when stderr is a TTY, and stays quiet otherwise', async () => {
    const cli = join(import.meta.dirname, '../../bin/strata')
    const tty = await execa('script', ['-qec', `node ${cli} clone -p ${P.path} -o c1 -n progress1`, '/dev/null'])
    expect(tty.stdout).toMatch(/copy: 100% \d+\/\d+ files, [\d.]+ MB of [\d.]+ MB/)
    const plain = await strata('clone', '-p', P.path, '-o', 'c1', '-n', 'progress2')
    expect(plain.stderr).toBe('')
    for (const n of ['progress1', 'progress2']) await strataOk('destroy', '-P', P.path, '-n', n)
  })
})
