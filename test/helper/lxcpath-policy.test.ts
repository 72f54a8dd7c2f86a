// The rules an lxcpath must pass before the root helper serves it, on real directories,
// symlinks and owners, and the allow-list that names the lxcpaths it may serve at all.
import { chmodSync, lchownSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultLxcpaths } from '../../src/main/engine/global-config'
import { checkLxcpath, LxcpathPolicy, readAllowList } from '../../src/main/helper/lxcpath-policy'
import { allowLxcpaths } from './allow-list'
import type { Said } from '../../src/shared/engine-text'

const NOBODY = 65534

describe.skipIf(process.geteuid?.() !== 0)('lxcpath policy (needs root to own and chown)', () => {
  let root: string
  let unlist: (() => Promise<void>) | undefined
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'strata-helper-policy-'))
    chmodSync(root, 0o755)
    mkdirSync(join(root, 'lxc'), { mode: 0o700 })
    unlist = await allowLxcpaths([join(root, 'lxc'), join(root, 'by-root'), join(root, 'by-nobody')])
  })
  afterAll(async () => {
    await unlist?.()
    rmSync(root, { recursive: true, force: true })
  })

  it('accepts a root-only directory under sticky /tmp and returns its real path', () => {
    expect(checkLxcpath(join(root, 'lxc'))).toBe(join(root, 'lxc'))
  })

  it('follows a symlink root owns, and a request may name either path', () => {
    symlinkSync(join(root, 'lxc'), join(root, 'by-root'))
    const policy = new LxcpathPolicy([join(root, 'by-root')])
    expect(policy.lxcpaths).toEqual([join(root, 'by-root')])
    expect(policy.lxcpath(join(root, 'lxc'))).toBe(join(root, 'by-root'))
    expect(policy.lxcpath(join(root, 'by-root') + '/')).toBe(join(root, 'by-root'))
  })

  it('refuses a symlink owned by another user, naming it', () => {
    symlinkSync(join(root, 'lxc'), join(root, 'by-nobody'))
    lchownSync(join(root, 'by-nobody'), NOBODY, NOBODY)
    expect(() => checkLxcpath(join(root, 'by-nobody'))).toThrow(`goes through ${join(root, 'by-nobody')}, a symlink owned by uid ${NOBODY}`)
  })

  it('refuses an lxcpath inside a directory another user owns', () => {
    mkdirSync(join(root, 'home'), { mode: 0o755 })
    mkdirSync(join(root, 'home/lxc'), { mode: 0o700 })
    chownSync(join(root, 'home'), NOBODY, NOBODY)
    expect(() => checkLxcpath(join(root, 'home/lxc'))).toThrow(`is in ${join(root, 'home')}, which is owned by uid ${NOBODY}`)
  })

  it('refuses a group- or world-writable lxcpath, even a sticky one', () => {
    mkdirSync(join(root, 'shared'), { mode: 0o700 })
    chmodSync(join(root, 'shared'), 0o1777)
    expect(() => checkLxcpath(join(root, 'shared'))).toThrow(/users other than root can write to \(mode 1777\)/)
    expect(() => checkLxcpath('/tmp')).toThrow(expect.objectContaining({ code: 'refused', rule: 'root-only-path', subject: '/tmp' }))
  })

  it('refuses relative paths, dot segments, NUL and missing directories', () => {
    expect(() => checkLxcpath('var/lib/lxc')).toThrow('is not an absolute path')
    expect(() => checkLxcpath(`${root}/lxc/../lxc`)).toThrow('contains a "." or ".." segment')
    expect(() => checkLxcpath(`${root}/lx\0c`)).toThrow('NUL')
    expect(() => checkLxcpath(`${root}/missing`)).toThrow('does not exist')
  })

  it('a policy reports what it refused and refuses requests for it', () => {
    const policy = new LxcpathPolicy([join(root, 'lxc'), join(root, 'by-nobody')])
    expect(policy.lxcpaths).toEqual([join(root, 'lxc')])
    expect(policy.refused.map((r) => r.path)).toEqual([join(root, 'by-nobody')])
    expect(() => policy.lxcpath(join(root, 'by-nobody'))).toThrow('is not an lxcpath this helper serves')
    // and why, as data the app says in its language: the symlink rule inside the refusal
    expect(() => policy.lxcpath(join(root, 'by-nobody'))).toThrow(
      expect.objectContaining({ said: expect.objectContaining({ key: 'helper-not-served', values: expect.objectContaining({ why: expect.objectContaining({ key: 'path-user-symlink' }) }) }) })
    )
    expect(() => policy.lxcpathList(['/var/lib/lxc'])).toThrow(expect.objectContaining({ code: 'refused', rule: 'helper-lxcpaths', subject: '/var/lib/lxc' }))
    expect(policy.lxcpathList(undefined)).toEqual([join(root, 'lxc')])
  })

  it('serves only LXC\'s own lxcpath and the allow-list\'s, refusing others before reading them', () => {
    const own = defaultLxcpaths()[0]!
    const unlisted = join(root, 'not-listed')
    mkdirSync(unlisted, { mode: 0o700 })
    const policy = new LxcpathPolicy(['/etc', '/', unlisted, join(root, 'missing-and-unlisted'), join(root, 'lxc')])
    expect(policy.lxcpaths).toEqual([join(root, 'lxc')])
    for (const r of policy.refused) {
      // "not listed", never "does not exist": the path was not looked at
      expect(r.reason).toBe(
        `${r.path} is neither LXC's own lxcpath (${own}, lxc.lxcpath in root's lxc.conf) nor listed in /etc/strata/lxcpaths; the helper serves only those, and an administrator adds an lxcpath to that file, one a line.`
      )
    }
    expect(policy.refused.map((r) => r.path)).toEqual(['/etc', '/', unlisted, join(root, 'missing-and-unlisted')])
    if (existsSync(own)) expect(new LxcpathPolicy([own]).lxcpaths).toEqual([own])
  })

  it('reads the allow-list only when only root can change it', () => {
    const dir = join(root, 'etc-strata')
    mkdirSync(dir, { mode: 0o755 })
    const file = join(dir, 'lxcpaths')
    writeFileSync(file, '# lxcpaths the Strata helper may serve\n/srv/lxc/\n\n  /data/containers  \nrelative/ignored\n', { mode: 0o644 })
    expect(readAllowList(file)).toEqual({ lxcpaths: ['/srv/lxc', '/data/containers'], ignored: null })
    chmodSync(file, 0o666)
    expect(readAllowList(file)).toEqual({ lxcpaths: [], ignored: expect.objectContaining({ key: 'path-others-write', text: expect.stringContaining(`which users other than root can write to (mode 666)`) }) })
    chmodSync(file, 0o644)
    chownSync(file, NOBODY, NOBODY)
    expect((readAllowList(file).ignored as Said).text).toContain(`is in ${file}, which is owned by uid ${NOBODY}`)
    expect(readAllowList(join(dir, 'absent'))).toEqual({ lxcpaths: [], ignored: null })
  })
})
