// LXC's default lxcpath, read from lxc.conf as LXC reads it, checked against `lxc-config`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, describe, expect, it } from 'vitest'
import { parseGlobalConfig, readGlobalConfig } from '../../src/main/engine/global-config'

const dir = mkdtempSync(join(tmpdir(), 'strata-lxcconf-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('lxc.conf', () => {
  it('agrees with lxc-config on this machine', async () => {
    const lxc = await execa('lxc-config', ['lxc.lxcpath'])
    expect(readGlobalConfig().lxcpath).toBe(lxc.stdout.trim())
  })

  it('takes lxc.lxcpath, drops its trailing slash, skips comments', () => {
    const file = join(dir, 'lxc.conf')
    writeFileSync(file, '# lxc.lxcpath = /commented\n  lxc.lxcpath = /srv/my-lxc/\nlxc.bdev.zfs.root = tank/lxc\n')
    const conf = readGlobalConfig(file)
    expect(conf).toMatchObject({ file, lxcpath: '/srv/my-lxc', zfsRoot: 'tank/lxc', lvmVg: 'lxc' })
  })

  it("falls back to LXC's default when there is no lxc.conf", () => {
    const conf = readGlobalConfig(join(dir, 'absent.conf'))
    expect(conf.file).toBeNull()
    expect(conf.lxcpath).toBe(process.geteuid?.() === 0 ? '/var/lib/lxc' : join(process.env['HOME'] ?? '', '.local/share/lxc'))
  })

  it('keeps trailing spaces in values, as LXC does', () => {
    expect(parseGlobalConfig('lxc.cgroup.pattern = lxc/%n  \n').get('lxc.cgroup.pattern')).toBe('lxc/%n  ')
  })
})
