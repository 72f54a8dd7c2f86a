// What a destroy checks before it changes anything, against real mounts and real LXC: a
// filesystem mounted inside the container or its rootfs (the removal would stop there, half
// done), a `strata mount` of it, and a rootfs configured outside its directory, which
// lxc-destroy deletes without asking. And an interrupted destroy that cannot be finished: it
// becomes a finding with its fix and blocks nothing else in the lxcpath.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import type { Finding } from '@shared/model'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { dir, lxcLs, strataOk } from './helpers'

let P: TestLxcpath
let work: string

async function mount(...args: string[]): Promise<void> {
  await execa('mount', args)
}

async function umount(path: string): Promise<void> {
  await execa('umount', [path])
}

/** Every mount below these directories, deepest first (wherever a test's mounts ended up). */
function mountsUnder(...dirs: string[]): string[] {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
  return points.filter((p) => dirs.some((d) => d && p.startsWith(`${d}/`))).reverse()
}

async function check(): Promise<{ code: number; findings: Finding[]; stderr: string }> {
  const r = await strata('check', '-P', P.path, '--json')
  return { code: r.code, findings: JSON.parse(r.stdout) as Finding[], stderr: r.stderr }
}

/** A copy of base whose config names `rootfs` as its rootfs. */
async function withRootfs(name: string, rootfs: string): Promise<string> {
  await P.lxc('lxc-copy', '-n', 'base', '-N', name)
  const config = dir(P.path, name, 'config')
  writeFileSync(config, readFileSync(config, 'utf8').replace(/^lxc\.rootfs\.path = .*$/m, `lxc.rootfs.path = dir:${rootfs}`))
  return readFileSync(config, 'utf8')
}

function strataLeftovers(): string[] {
  return readdirSync(P.path).filter((n) => n.startsWith('.strata'))
}

beforeAll(async () => {
  P = await makeLxcpath('strata-destroy-refusals-')
  await P.create('base')
  work = mkdtempSync(join(tmpdir(), 'strata-destroy-work-'))
}, 120_000)
afterAll(async () => {
  for (const m of mountsUnder(P?.path ?? '', work)) await execa('umount', ['-l', m], { reject: false })
  if (P) await strata('umount', '-P', P.path, '-n', 'sm')
  await P?.cleanup()
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('a filesystem mounted inside', () => {
  it('its rootfs: refused with the mount named, nothing changed; destroyed once unmounted', async () => {
    await P.lxc('lxc-copy', '-n', 'base', '-N', 'm1')
    const src = join(work, 'bind-src')
    mkdirSync(src)
    writeFileSync(join(src, 'data'), 'x')
    const at = dir(P.path, 'm1', 'rootfs', 'mnt')
    await mount('--bind', src, at)
    const r = await strata('destroy', '-P', P.path, '-n', 'm1')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`mounted in its directory ${P.path}/m1: ${at}`)
    expect(r.stderr).toContain(`umount ${at}`)
    expect(await lxcLs(P.path)).toEqual(['base', 'm1'])
    expect(strataLeftovers()).toEqual([])
    expect(readFileSync(join(src, 'data'), 'utf8')).toBe('x')
    // the lxcpath is not locked: other work and check go on
    await strataOk('clone', '-p', P.path, '-o', 'base', '-n', 'other')
    await strataOk('destroy', '-P', P.path, '-n', 'other')
    expect((await check()).code).toBe(0)
    await umount(at)
    await strataOk('destroy', '-P', P.path, '-n', 'm1')
    expect(await lxcLs(P.path)).toEqual(['base'])
    expect(readFileSync(join(src, 'data'), 'utf8')).toBe('x')
  })

  for (const [name, rootfs] of [
    ['root', '/'],
    ['proc', '/proc']
  ] as const) {
    it(`a rootfs of dir:${rootfs}: refused, naming the mount points`, async () => {
      const config = await withRootfs(name, rootfs)
      try {
        const r = await strata('destroy', '-P', P.path, '-n', name, '--delete-outside', rootfs)
        expect(r.code).toBe(1)
        expect(r.stderr).toMatch(new RegExp(`mounted in its rootfs ${rootfs}: (.*, )?/proc[,. ]`))
        expect(readFileSync(dir(P.path, name, 'config'), 'utf8')).toBe(config)
        expect(strataLeftovers()).toEqual([])
        expect(existsSync('/proc/self/mountinfo')).toBe(true)
      } finally {
        rmSync(dir(P.path, name), { recursive: true }) // by hand: the rootfs it names is not its own
      }
    })
  }

  it('a rootfs that is a mounted directory: refused; the filesystem and its files stay', async () => {
    const t = join(work, 'tmpfs-rootfs')
    mkdirSync(t)
    await mount('-t', 'tmpfs', 'strata-test', t)
    writeFileSync(join(t, 'data'), 'x')
    await withRootfs('tm', t)
    try {
      const r = await strata('destroy', '-P', P.path, '-n', 'tm', '--delete-outside', t)
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(`mounted in its rootfs ${t}: ${t}`)
      expect(readFileSync(join(t, 'data'), 'utf8')).toBe('x')
      expect(await lxcLs(P.path)).toContain('tm')
    } finally {
      await umount(t)
      rmSync(dir(P.path, 'tm'), { recursive: true })
    }
  })
})

describe('a strata mount of it', () => {
  it('refuses the destroy, naming the mount and how to unmount it; nothing stale is left', async () => {
    await P.lxc('lxc-copy', '-n', 'base', '-N', 'sm')
    const mp = (await strataOk('mount', '-P', P.path, '-n', 'sm', '--rw')).trim().split('\n').pop()!
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).toContain(` ${mp} `)
    const r = await strata('destroy', '-P', P.path, '-n', 'sm')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`sm is mounted by Strata at ${mp} (strata mount --rw)`)
    expect(r.stderr).toContain(`strata umount -P ${P.path} -n sm`)
    expect(existsSync(dir(P.path, 'sm', 'rootfs', 'bin', 'busybox'))).toBe(true)
    await strataOk('umount', '-P', P.path, '-n', 'sm')
    await strataOk('destroy', '-P', P.path, '-n', 'sm')
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(` ${mp} `)
    expect(await lxcLs(P.path)).toEqual(['base'])
  })
})

describe('a rootfs outside the container\'s directory', () => {
  it('lxc-destroy deletes it silently (the behaviour Strata asks about first)', async () => {
    const ext = join(work, 'ext-lxc')
    await execa('cp', ['-a', dir(P.path, 'base', 'rootfs'), ext])
    await withRootfs('by-lxc', ext)
    await P.lxc('lxc-destroy', '-n', 'by-lxc')
    expect(existsSync(ext)).toBe(false)
  })

  it('another container\'s rootfs: check names it; destroy is refused, naming it, until confirmed', async () => {
    const baseRootfs = dir(P.path, 'base', 'rootfs')
    const config = await withRootfs('shares', baseRootfs)
    try {
      await refusedUntilConfirmed(baseRootfs, config)
    } finally {
      rmSync(dir(P.path, 'shares'), { recursive: true }) // by hand: its rootfs is base's
    }
  })

  async function refusedUntilConfirmed(baseRootfs: string, config: string): Promise<void> {
    const c = await check()
    const f = c.findings.find((x) => x.code === 'rootfs-outside')
    expect(f).toMatchObject({ severity: 'warning', subject: { lxcpath: P.path, name: 'shares' }, file: dir(P.path, 'shares', 'config') })
    expect(f?.message).toContain(`rootfs ${baseRootfs} lies outside its directory`)
    const ls = JSON.parse((await strataOk('ls', '-P', P.path, '--json')).toString()) as { name: string; storageOutside: string | null }[]
    expect(ls.find((x) => x.name === 'shares')?.storageOutside).toBe(baseRootfs)
    expect(ls.find((x) => x.name === 'base')?.storageOutside).toBeNull()

    const r = await strata('destroy', '-P', P.path, '-n', 'shares')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`rootfs ${baseRootfs} lies outside its directory ${P.path}/shares (it is the rootfs of the container in ${P.path}/base)`)
    expect(r.stderr).toContain(`--delete-outside ${baseRootfs}`)
    const wrong = await strata('destroy', '-P', P.path, '-n', 'shares', '--delete-outside', join(work, 'something-else'))
    expect(wrong.code).toBe(1)
    expect(readFileSync(dir(P.path, 'shares', 'config'), 'utf8')).toBe(config)
    expect(existsSync(join(baseRootfs, 'bin', 'busybox'))).toBe(true)
  }

  it('is deleted with the container once named with --delete-outside', async () => {
    const ext = join(work, 'ext-strata')
    await execa('cp', ['-a', dir(P.path, 'base', 'rootfs'), ext])
    await withRootfs('ext', ext)
    await P.lxc('lxc-start', '-n', 'ext')
    await P.lxc('lxc-stop', '-n', 'ext', '-k')
    expect((await strata('destroy', '-P', P.path, '-n', 'ext')).code).toBe(1)
    expect(existsSync(join(ext, 'bin', 'busybox'))).toBe(true)
    expect(await strataOk('destroy', '-P', P.path, '-n', 'ext', '--delete-outside', ext)).toBe(`Destroyed ${P.path}/ext`)
    expect(existsSync(ext)).toBe(false)
    expect(await lxcLs(P.path)).toEqual(['base'])
    expect(strataLeftovers()).toEqual([])
  })
})

describe('an interrupted destroy that cannot be finished', () => {
  it('is a finding with its fix, blocks no other work, and is finished once the mount is gone', async () => {
    await P.lxc('lxc-copy', '-n', 'base', '-N', 'stuck')
    const killed = await execa('node', [join(import.meta.dirname, '../../bin/strata'), 'destroy', '-P', P.path, '-n', 'stuck'], { reject: false, env: { STRATA_FAULT: 'destroy:hidden' } })
    expect(killed.signal).toBe('SIGKILL')
    const trash = strataLeftovers().find((n) => n.startsWith('.strata-trash-'))!
    const at = join(P.path, trash, 'rootfs', 'mnt')
    const src = join(work, 'stuck-src')
    mkdirSync(src)
    await mount('--bind', src, at)

    const c = await check()
    expect(c.code).toBe(1)
    expect(c.stderr).toMatch(/could not complete the interrupted destroy of .*\/stuck/)
    const f = c.findings.find((x) => x.code === 'interrupted-op')
    expect(f).toMatchObject({ severity: 'error', subject: { lxcpath: P.path, name: 'stuck' } })
    expect(f?.message).toContain(`umount ${at}`)
    // nothing else in the lxcpath is blocked
    await strataOk('clone', '-p', P.path, '-o', 'base', '-n', 'other')
    await strataOk('destroy', '-P', P.path, '-n', 'other')
    expect(await lxcLs(P.path)).toEqual(['base'])

    await umount(at)
    const done = await check()
    expect(done.stderr).toMatch(/finished an interrupted destroy of .*\/stuck/)
    expect(done).toMatchObject({ code: 0, findings: [] })
    expect(strataLeftovers()).toEqual([])
  })
})
