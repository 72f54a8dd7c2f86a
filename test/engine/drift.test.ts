// Base drift against real LXC: an overlay clone's fingerprint of its lower, then the base changes.
import { execFileSync } from 'node:child_process'
import { appendFileSync, chmodSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Finding } from '@shared/model'
import { checkBaseDrift, recordBaseFingerprint } from '../../src/main/engine/lineage/drift'
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
    expect(checkBaseDrift(join(t.path, 'c1'))).toBeNull()
    expect(await drift()).toEqual([])
  })

  it('names the directories that changed: an edited file, a new directory, a chmod', async () => {
    const root = join(t.path, 'base', 'rootfs')
    appendFileSync(join(root, 'etc', 'group'), 'strata:x:4242:\n')
    mkdirSync(join(root, 'usr', 'strata-new'))
    chmodSync(join(root, 'bin', 'busybox'), 0o700)
    const d = checkBaseDrift(join(t.path, 'c1'))
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
})
