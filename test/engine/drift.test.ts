// Base drift against real LXC: an overlay clone's fingerprint of its lower, then the base changes.
import { execFileSync } from 'node:child_process'
import { appendFileSync, chmodSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Finding } from '@shared/model'
import { checkBaseDrift, FINGERPRINT_FILE, LowerWalkCache, lowerTimes, lowerTimesJs, recordBaseFingerprint } from '../../src/main/engine/lineage/drift'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'

let t: TestLxcpath
beforeAll(async () => {
  t = await makeLxcpath('strata-drift-')
  await t.create('base')
  await t.lxc('lxc-copy', '-n', 'base', '-N', 'c1', '-s', '-B', 'overlay')
  recordBaseFingerprint(join(t.path, 'c1'), join(t.path, 'base', 'rootfs'))
})
afterAll(async () => t?.cleanup())

const drift = async (): Promise<Finding[]> => {
  const r = await strata('check', '-P', t.path, '--json')
  return (JSON.parse(r.stdout) as Finding[]).filter((f) => f.code === 'base-drift')
}

describe('base drift', () => {
  it('is silent while the base is unchanged', async () => {
    expect(await checkBaseDrift(join(t.path, 'c1'))).toBeNull()
    expect(await drift()).toEqual([])
  })

  it('names the directories that changed: an edited file, a new directory, a chmod', async () => {
    const root = join(t.path, 'base', 'rootfs')
    appendFileSync(join(root, 'etc', 'group'), 'strata:x:4242:\n')
    mkdirSync(join(root, 'usr', 'strata-new'))
    chmodSync(join(root, 'bin', 'busybox'), 0o700)
    const d = await checkBaseDrift(join(t.path, 'c1'))
    // busybox's applets are hard links to it: the chmod shows wherever they live, and nowhere else
    expect(d?.paths).toEqual(expect.arrayContaining(['/bin', '/etc', '/usr/strata-new']))
    const links = execFileSync('find', [root, '-samefile', join(root, 'bin', 'busybox'), '-printf', '/%h\\n'], { encoding: 'utf8' })
    const linkDirs = new Set(links.split('\n').filter(Boolean).map((l) => l.slice(root.length + 1)))
    expect(d!.paths.filter((p) => !['/etc', '/usr/strata-new'].includes(p)).every((p) => linkDirs.has(p))).toBe(true)
    const findings = await drift()
    expect(findings).toHaveLength(1)
    expect(findings[0]!.subject.name).toBe('c1')
    expect(findings[0]!.severity).toBe('warning')
    expect(findings[0]!.message).toMatch(/base .*base\/rootfs changed since the clone was made .*changed in \/bin, \/etc, .*\/usr\/strata-new/)
  })

  it('finds a removed file and a file put back with its old times (its ctime still moves)', async () => {
    const root = join(t.path, 'base', 'rootfs')
    mkdirSync(join(root, 'srv', 'data'), { recursive: true })
    writeFileSync(join(root, 'srv', 'data', 'gone'), 'x')
    writeFileSync(join(root, 'srv', 'data', 'kept'), 'x')
    await new Promise((r) => setTimeout(r, 20))
    await t.lxc('lxc-copy', '-n', 'base', '-N', 'c2', '-s', '-B', 'overlay')
    recordBaseFingerprint(join(t.path, 'c2'), root)
    expect(await checkBaseDrift(join(t.path, 'c2'))).toBeNull()
    rmSync(join(root, 'srv', 'data', 'gone'))
    expect((await checkBaseDrift(join(t.path, 'c2')))?.paths).toEqual(['/srv/data'])
    const c3 = join(t.path, 'c2-later')
    mkdirSync(c3)
    await new Promise((r) => setTimeout(r, 20))
    recordBaseFingerprint(c3, root)
    writeFileSync(join(root, 'srv', 'data', 'kept'), 'y')
    utimesSync(join(root, 'srv', 'data', 'kept'), new Date('2001-01-01'), new Date('2001-01-01'))
    expect((await checkBaseDrift(c3))?.paths).toEqual(['/srv/data'])
  })

  it('reads a fingerprint written by Strata 0.1, taking its time as the clone\'s moment', async () => {
    const root = join(t.path, 'base', 'rootfs')
    const dir = join(t.path, 'c-old')
    mkdirSync(dir)
    await new Promise((r) => setTimeout(r, 20))
    writeFileSync(join(dir, FINGERPRINT_FILE), JSON.stringify({ version: 1, lower: root, recordedAt: new Date().toISOString(), root: 'ab', dirs: { '': 'ab' }, truncated: false }))
    expect(await checkBaseDrift(dir)).toBeNull()
    await new Promise((r) => setTimeout(r, 20))
    mkdirSync(join(root, 'opt', 'later'), { recursive: true })
    expect((await checkBaseDrift(dir))?.paths).toEqual(['/opt/later'])
  })

  it('a long-lived engine reuses its walk of a base for a while, then walks it again', async () => {
    const root = join(t.path, 'base', 'rootfs')
    const dir = join(t.path, 'c-cached')
    mkdirSync(dir)
    await new Promise((r) => setTimeout(r, 20))
    recordBaseFingerprint(dir, root)
    const walks = new LowerWalkCache(300)
    expect(await checkBaseDrift(dir, root, walks)).toBeNull()
    mkdirSync(join(root, 'mnt', 'cached-later'), { recursive: true })
    expect(await checkBaseDrift(dir, root, walks)).toBeNull() // the walk from before the change
    expect((await checkBaseDrift(dir, root))?.paths).toEqual(['/mnt/cached-later']) // a fresh check sees it
    await new Promise((r) => setTimeout(r, 350))
    expect((await checkBaseDrift(dir, root, walks))?.paths).toEqual(['/mnt/cached-later'])
  })

  it('walks a base the same on the native addon\'s threads as in plain Node', async () => {
    const root = join(t.path, 'base', 'rootfs')
    const sorted = (l: { rel: string }[]) => [...l].sort((a, b) => (a.rel < b.rel ? -1 : 1))
    const native = sorted(await lowerTimes(root))
    expect(native.length).toBeGreaterThan(10)
    expect(native).toEqual(sorted(lowerTimesJs(root)))
  })
})
