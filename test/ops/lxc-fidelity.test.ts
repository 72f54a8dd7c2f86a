// Strata against LXC 5.0.2 on the same input, compared as a user compares them: the bytes on
// disk, lxc-ls, lxc-info, lxc-start and the tools' answers (issue 11, items 5-9).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { dir, lxcLs, startStop, strataOk } from './helpers'

let P: TestLxcpath
let Q: TestLxcpath

beforeAll(async () => {
  P = await makeLxcpath('strata-fidelity-')
  Q = await makeLxcpath('strata-fidelity-other-')
  await P.create('base')
}, 120_000)
afterAll(async () => {
  await P?.cleanup()
  await Q?.cleanup()
})

/** lxc-copy of base, the way a user makes a second container to play with. */
async function copyOfBase(name: string): Promise<string> {
  await P.lxc('lxc-copy', '-n', 'base', '-N', name)
  return dir(P.path, name, 'config')
}

/** A file's text with one container's name (and so its paths) replaced by NAME. */
function named(file: string, name: string): string {
  return readFileSync(file, 'latin1').split(name).join('NAME')
}

/** What lxc-copy answers (it says why only in its log). */
async function lxcCopy(...args: string[]): Promise<{ code: number; log: string }> {
  const log = join(P.path, '.lxc-copy.log')
  try {
    const r = await execa('lxc-copy', ['-P', P.path, ...args, '-l', 'ERROR', '-o', log], { reject: false })
    return { code: r.exitCode ?? -1, log: existsSync(log) ? readFileSync(log, 'utf8') : '' }
  } finally {
    rmSync(log, { force: true })
  }
}

describe('an included directory holding a subdirectory named x.conf', () => {
  it('LXC logs it, loads the rest and starts; Strata warns, and --expand-config makes a clone that starts', async () => {
    const inc = join(P.path, 'inc.d')
    mkdirSync(join(inc, 'x.conf'), { recursive: true })
    writeFileSync(join(inc, 'env.conf'), 'lxc.environment = FROM_DIR=1\n')
    const config = await copyOfBase('incd')
    writeFileSync(config, `${readFileSync(config, 'utf8')}lxc.include = ${inc}/\n`)
    expect(await P.lxc('lxc-info', '-n', 'incd', '-c', 'lxc.environment')).toContain('FROM_DIR=1')
    await startStop(P.path, 'incd')

    const shown = await strata('config', '-P', P.path, '-n', 'incd', '--expanded')
    expect(shown.code).toBe(0)
    expect(shown.stdout).toMatch(/^lxc\.environment = FROM_DIR=1$/m)
    expect(shown.stderr).toMatch(/directory named "x\.conf"; LXC skips it/)
    const ls = JSON.parse(await strataOk('ls', '-P', P.path, '--json')) as { name: string; problems: { severity: string }[] }[]
    expect(ls.find((c) => c.name === 'incd')?.problems.filter((p) => p.severity === 'error')).toEqual([])

    await strataOk('clone', '-p', P.path, '-o', 'incd', '-n', 'incd-flat', '--expand-config')
    const flat = readFileSync(dir(P.path, 'incd-flat', 'config'), 'utf8')
    expect(flat).toContain('lxc.environment = FROM_DIR=1\n')
    expect(flat).not.toContain('lxc.include')
    await startStop(P.path, 'incd-flat')
  })
})

describe('legacy keys in an included file', () => {
  it('refuses the clone that LXC could not load, names the file and the keys, and both ways out work', async () => {
    await copyOfBase('leg')
    const common = join(P.path, 'legacy.common.conf')
    const modern = readFileSync(dir(P.path, 'base', 'config'), 'utf8')
    writeFileSync(
      common,
      modern
        .split('\n')
        .filter((l) => !/^lxc\.(rootfs\.path|uts\.name)/.test(l))
        .join('\n')
        .replace(/^lxc\.tty\.max/m, 'lxc.tty')
        .replace(/^lxc\.pty\.max/m, 'lxc.pts')
    )
    writeFileSync(dir(P.path, 'leg', 'config'), `lxc.utsname = leg\nlxc.rootfs = ${P.path}/leg/rootfs\nlxc.include = ${common}\n`)
    await expect(P.lxc('lxc-info', '-n', 'leg')).rejects.toThrow(/Failed to load config/)
    const before = await lxcLs(P.path)

    const refused = await strata('clone', '-p', P.path, '-o', 'leg', '-n', 'leg1')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(common)
    expect(refused.stderr).toMatch(/lxc\.tty -> lxc\.tty\.max/)
    expect(refused.stderr).toMatch(/lxc\.pts -> lxc\.pty\.max/)
    expect(refused.stderr).toContain('--expand-config')
    expect(refused.stderr).not.toContain('written with modern keys')
    expect(await lxcLs(P.path)).toEqual(before)
    expect(existsSync(dir(P.path, 'leg1'))).toBe(false)

    const flat = await strata('clone', '-p', P.path, '-o', 'leg', '-n', 'leg2', '--expand-config')
    expect(flat.code, flat.stderr).toBe(0)
    expect(flat.stderr).toContain('written with modern keys')
    expect(await P.lxc('lxc-info', '-n', 'leg2', '-c', 'lxc.tty.max')).toBe('lxc.tty.max = 5')
    await startStop(P.path, 'leg2')

    // converting the shared file by hand is the other way: the clone keeps its include and loads
    writeFileSync(common, readFileSync(common, 'utf8').replace(/^lxc\.tty =/m, 'lxc.tty.max =').replace(/^lxc\.pts =/m, 'lxc.pty.max ='))
    await strataOk('clone', '-p', P.path, '-o', 'leg', '-n', 'leg3')
    expect(readFileSync(dir(P.path, 'leg3', 'config'), 'utf8')).toContain(`lxc.include = ${common}\n`)
    await startStop(P.path, 'leg3')
  })
})

describe('config and hostname bytes', () => {
  it('a clone config is byte for byte what lxc-copy writes: blank lines dropped, line ends \\n', async () => {
    const config = await copyOfBase('bytes')
    // blank, blank-ish (spaces, tab, form feed: LXC drops them; a vertical tab it keeps), CRLF,
    // a lone CR, trailing blanks, indented comments and martians, and no final newline
    const odd = '\n\n# spaced\n   \n\t\n\f\n\v\nlxc.environment = A=1   \r\n# crlf\r\n\r\n  # indented\n  martian = 1\rlxc.environment = B=2'
    writeFileSync(config, readFileSync(config, 'utf8') + odd)
    await P.lxc('lxc-copy', '-n', 'bytes', '-N', 'bytes-lxc')
    await strataOk('clone', '-p', P.path, '-o', 'bytes', '-n', 'bytes-st')
    expect(named(dir(P.path, 'bytes-st', 'config'), 'bytes-st')).toBe(named(dir(P.path, 'bytes-lxc', 'config'), 'bytes-lxc'))
    expect(await P.lxc('lxc-info', '-n', 'bytes-st', '-c', 'lxc.environment')).toContain('B=2')
  })

  it('a created config is byte for byte what lxc-create writes, header included', async () => {
    const args = ['-t', 'busybox', '-f', join(P.path, '.net.conf'), '--', '--busybox-path', '/bin/busybox']
    await P.lxc('lxc-create', '-n', 'made-lxc', ...args)
    await strataOk('create', '-P', P.path, '-n', 'made-st', ...args)
    const ours = named(dir(P.path, 'made-st', 'config'), 'made-st')
    expect(ours).toBe(named(dir(P.path, 'made-lxc', 'config'), 'made-lxc'))
    expect(ours).toContain('#lxc.include = /usr/share/lxc/config/nesting.conf\n')
  })

  it('/etc/hostname: the new name, as LXC writes it, but newline-terminated as hostname(5) asks', async () => {
    writeFileSync(dir(P.path, 'base', 'rootfs/etc/hostname'), 'base\n')
    try {
      await P.lxc('lxc-copy', '-n', 'base', '-N', 'hn-lxc')
      await strataOk('clone', '-p', P.path, '-o', 'base', '-n', 'hn-st')
      const lxc = readFileSync(dir(P.path, 'hn-lxc', 'rootfs/etc/hostname'), 'utf8')
      expect(lxc).toBe('hn-lxc') // LXC's bytes: no newline
      expect(readFileSync(dir(P.path, 'hn-st', 'rootfs/etc/hostname'), 'utf8')).toBe(`${lxc.replace('hn-lxc', 'hn-st')}\n`)
    } finally {
      rmSync(dir(P.path, 'base', 'rootfs/etc/hostname'))
    }
  })
})

describe('-B names that are for create only', () => {
  it.each(['none', 'best'])('clone -B %s is refused as lxc-copy refuses it, naming the rule; nothing is made', async (name) => {
    const before = await lxcLs(P.path)
    const lxc = await lxcCopy('-n', 'base', '-N', `lxc-${name}`, '-B', name)
    expect(lxc.code).not.toBe(0)
    expect(lxc.log).toContain(`Failed to initialize ${name} storage driver`)
    for (const snapshot of [[], ['-s']]) {
      const r = await strata('clone', '-p', P.path, '-o', 'base', '-n', `st-${name}`, '-B', name, ...snapshot)
      expect(r.code).toBe(2)
      expect(r.stderr).toContain(`-B ${name} cannot make a clone`)
      expect(r.stderr).toMatch(/lxc-create only|new container/)
    }
    expect(await lxcLs(P.path)).toEqual(before)
    expect(existsSync(dir(P.path, `st-${name}`))).toBe(false)
  })

  it('create -B best makes what lxc-create -B best makes here', async () => {
    const args = ['-t', 'busybox', '-f', join(P.path, '.net.conf'), '-B', 'best']
    await P.lxc('lxc-create', '-n', 'best-lxc', ...args)
    await strataOk('create', '-P', P.path, '-n', 'best-st', ...args)
    expect(await P.lxc('lxc-info', '-n', 'best-st', '-c', 'lxc.rootfs.path')).toBe(
      (await P.lxc('lxc-info', '-n', 'best-lxc', '-c', 'lxc.rootfs.path')).replace('best-lxc', 'best-st')
    )
  })
})

describe('copy clone of an overlay clone', () => {
  it('in its own lxcpath: refused without -B as lxc-copy refuses it, saying to add -B dir; with -B dir, the same copy as LXC', async () => {
    await strataOk('clone', '-p', P.path, '-o', 'base', '-n', 'ov', '-s')
    await P.lxc('lxc-start', '-n', 'ov')
    try {
      await P.lxc('lxc-attach', '-n', 'ov', '--', 'sh', '-c', 'echo upper > /root/in-upper && rm /bin/vi')
    } finally {
      await P.lxc('lxc-stop', '-n', 'ov', '-k')
    }
    const before = await lxcLs(P.path)
    const lxc = await lxcCopy('-n', 'ov', '-N', 'ovc-lxc')
    expect(lxc.code).not.toBe(0)
    expect(lxc.log).toContain('can only be used for snapshots')
    const r = await strata('clone', '-p', P.path, '-o', 'ov', '-n', 'ovc-st')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('Add -B dir')
    expect(r.stderr).toMatch(/overlay can only be used for snapshot clones/)
    expect(await lxcLs(P.path)).toEqual(before)
    expect(existsSync(dir(P.path, 'ovc-st'))).toBe(false)

    await P.lxc('lxc-copy', '-n', 'ov', '-N', 'ovd-lxc', '-B', 'dir')
    await strataOk('clone', '-p', P.path, '-o', 'ov', '-n', 'ovd-st', '-B', 'dir')
    expect(named(dir(P.path, 'ovd-st', 'config'), 'ovd-st')).toBe(named(dir(P.path, 'ovd-lxc', 'config'), 'ovd-lxc'))
    const trees = await execa('diff', ['-r', '--no-dereference', dir(P.path, 'ovd-lxc', 'rootfs'), dir(P.path, 'ovd-st', 'rootfs')], { reject: false })
    expect(trees.stdout).toBe('')
    expect(readFileSync(dir(P.path, 'ovd-st', 'rootfs/root/in-upper'), 'utf8')).toBe('upper\n')
    expect(existsSync(dir(P.path, 'ovd-st', 'rootfs/bin/vi'))).toBe(false)
    await startStop(P.path, 'ovd-st')
  })

  it('into another lxcpath: dir without -B, as lxc-copy does', async () => {
    await P.lxc('lxc-copy', '-n', 'ov', '-N', 'ovq-lxc', '-p', Q.path)
    await strataOk('clone', '-p', P.path, '-o', 'ov', '-P', Q.path, '-n', 'ovq-st')
    expect(named(dir(Q.path, 'ovq-st', 'config'), 'ovq-st')).toBe(named(dir(Q.path, 'ovq-lxc', 'config'), 'ovq-lxc'))
  })
})
