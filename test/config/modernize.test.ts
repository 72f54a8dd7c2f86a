import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { legacyizeConfig, modernizeConfig } from '../../src/main/engine/config/modernize'
import { parseConfig, serializeConfig } from '../../src/main/engine/config/parse'

let root = ''
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'strata-modernize-'))
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

/** An LXC 1.0-style config, with the backend line after the rootfs. */
const legacySample = (rootfs: string, fstab: string): string =>
  [
    '# Template used to create this container: /usr/share/lxc/templates/lxc-debian',
    'lxc.utsname = c1',
    `lxc.rootfs = ${rootfs}`,
    'lxc.rootfs.backend = overlayfs',
    '',
    '# two networks',
    'lxc.network.type = veth',
    'lxc.network.link = lxcbr0',
    'lxc.network.flags = up',
    'lxc.network.hwaddr = 00:16:3e:aa:bb:cc',
    'lxc.network.ipv4 = 10.0.3.10/24',
    'lxc.network.ipv4.gateway = 10.0.3.1',
    '\tlxc.network.type = veth  ',
    'lxc.network.link = lxcbr0',
    'lxc.network.ipv4 = "10.0.4.10/24"',
    'lxc.network.ipv6 = fd00::10/64',
    'lxc.limit.nofile = 1024:4096',
    'lxc.aa_profile = unconfined',
    `lxc.mount = ${fstab}`,
    'lxc.tty = 4',
    'lxc.pts = 1024',
    'lxc.pivotdir = lxc_putold',
    'lxc.kmsg = 0',
    'martian.key = kept',
    'lxc.arch = amd64'
  ].join('\n') + '\n'

function lxcInfo(lxcpath: string, name: string, key: string): { status: number | null; out: string } {
  const run = spawnSync('lxc-info', ['-P', lxcpath, '-n', name, '-c', key], { encoding: 'utf8', timeout: 30_000 })
  return { status: run.status, out: `${run.stdout}${run.stderr}` }
}

function makeContainer(name: string, config: string): string {
  const dir = join(root, name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'config'), config)
  return dir
}

describe('legacy → modern', () => {
  const paths = () => {
    const lower = join(root, 'base', 'rootfs')
    const delta = join(root, 'c1', 'delta0')
    mkdirSync(lower, { recursive: true })
    mkdirSync(delta, { recursive: true })
    const fstab = join(root, 'c1', 'fstab')
    mkdirSync(join(root, 'c1'), { recursive: true })
    writeFileSync(fstab, '')
    return { rootfs: `overlayfs:${lower}:${delta}`, fstab }
  }

  it('converts an LXC 1.0 config, changing only the lines that need it', () => {
    const { rootfs, fstab } = paths()
    const input = legacySample(rootfs, fstab)
    const { doc } = parseConfig(input, '/x/config')
    const { doc: modern, changes } = modernizeConfig(doc)
    const text = serializeConfig(modern)
    expect(text).toBe(
      [
        '# Template used to create this container: /usr/share/lxc/templates/lxc-debian',
        'lxc.uts.name = c1',
        `lxc.rootfs.path = ${rootfs}`,
        '',
        '# two networks',
        'lxc.net.0.type = veth',
        'lxc.net.0.link = lxcbr0',
        'lxc.net.0.flags = up',
        'lxc.net.0.hwaddr = 00:16:3e:aa:bb:cc',
        'lxc.net.0.ipv4.address = 10.0.3.10/24',
        'lxc.net.0.ipv4.gateway = 10.0.3.1',
        '\tlxc.net.1.type = veth  ',
        'lxc.net.1.link = lxcbr0',
        'lxc.net.1.ipv4.address = "10.0.4.10/24"',
        'lxc.net.1.ipv6.address = fd00::10/64',
        'lxc.prlimit.nofile = 1024:4096',
        'lxc.apparmor.profile = unconfined',
        `lxc.mount.fstab = ${fstab}`,
        'lxc.tty.max = 4',
        'lxc.pty.max = 1024',
        'martian.key = kept',
        'lxc.arch = amd64'
      ].join('\n') + '\n'
    )
    expect(parseConfig(text, '/x/config').problems).toEqual([])
    expect(changes.filter((c) => c.to === null).map((c) => c.line)).toEqual([4, 22, 23])
    expect(changes.find((c) => c.line === 3)).toMatchObject({ from: `lxc.rootfs = ${rootfs}`, to: `lxc.rootfs.path = ${rootfs}` })
    expect(changes).toHaveLength(20)
  })

  it('takes the rootfs type from lxc.rootfs.backend wherever it is; bare paths get dir:', () => {
    const convert = (text: string) => serializeConfig(modernizeConfig(parseConfig(text, '/x/config').doc).doc)
    expect(convert('lxc.rootfs.backend = btrfs\nlxc.utsname = a\nlxc.rootfs = /var/lib/lxc/a/rootfs\n')).toBe(
      'lxc.uts.name = a\nlxc.rootfs.path = btrfs:/var/lib/lxc/a/rootfs\n'
    )
    expect(convert('lxc.rootfs = /var/lib/lxc/a/rootfs\nlxc.rootfs.backend = btrfs\nlxc.arch = amd64\n')).toBe(
      'lxc.rootfs.path = btrfs:/var/lib/lxc/a/rootfs\nlxc.arch = amd64\n'
    )
    expect(convert('lxc.rootfs = /var/lib/lxc/a/rootfs\n')).toBe('lxc.rootfs.path = dir:/var/lib/lxc/a/rootfs\n')
    expect(convert('lxc.rootfs = overlayfs:/a:/b\n')).toBe('lxc.rootfs.path = overlayfs:/a:/b\n')
    expect(convert('lxc.network =\nlxc.network.type = veth\nlxc.network =\nlxc.network.type = empty\n')).toBe(
      'lxc.net =\nlxc.net.0.type = veth\nlxc.net =\nlxc.net.0.type = empty\n'
    )
    expect(convert('lxc.rootfs = /a\r\nlxc.kmsg = 0\r\n# x\r\nlxc.utsname = "q"')).toBe('lxc.rootfs.path = dir:/a\r\n# x\r\nlxc.uts.name = "q"')
  })

  it('real LXC 5 rejects the legacy config and loads the converted one', () => {
    const { rootfs, fstab } = paths()
    const input = legacySample(rootfs, fstab)

    makeContainer('legacy1', input)
    const rejected = lxcInfo(root, 'legacy1', 'lxc.uts.name')
    expect(rejected.status).not.toBe(0)
    expect(rejected.out).toContain('Failed to load config')

    const modern = serializeConfig(modernizeConfig(parseConfig(input, 'config').doc).doc)
    makeContainer('c1', modern)
    const name = lxcInfo(root, 'c1', 'lxc.uts.name')
    expect(name.out).not.toContain('Unsupported config key')
    expect(name).toEqual({ status: 0, out: 'lxc.uts.name = c1\n' })
    const link = lxcInfo(root, 'c1', 'lxc.net.1.link')
    expect(link).toEqual({ status: 0, out: 'lxc.net.1.link = lxcbr0\n' })
    const address = lxcInfo(root, 'c1', 'lxc.net.0.ipv4.address')
    expect(address.status).toBe(0)
    expect(address.out).toContain('10.0.3.10/24')
    const nofile = lxcInfo(root, 'c1', 'lxc.prlimit.nofile')
    expect(nofile).toEqual({ status: 0, out: 'lxc.prlimit.nofile = 1024:4096\n' })
  })

  it('the checker agrees with LXC on the legacy config', () => {
    const problems = parseConfig(legacySample('/r', '/f'), 'config').problems
    expect(problems.length).toBeGreaterThan(0)
    expect(problems.every((p) => p.rule === 'legacy-key' && p.severity === 'error')).toBe(true)
  })
})

describe('modern → legacy', () => {
  it('round-trips the converted sample byte for byte (modern → legacy → modern)', () => {
    const modern = modernizeConfig(parseConfig(legacySample('overlayfs:/a/rootfs:/b/delta0', '/f'), 'config').doc).doc
    const legacy = legacyizeConfig(modern)
    const legacyText = serializeConfig(legacy.doc)
    expect(legacyText).toContain('lxc.utsname = c1\n')
    expect(legacyText).toContain('lxc.network.ipv4 = 10.0.3.10/24\n')
    expect(legacyText).toContain('\tlxc.network.type = veth  \n')
    expect(legacyText).toContain('lxc.limit.nofile = 1024:4096\n')
    const back = modernizeConfig(legacy.doc).doc
    expect(serializeConfig(back)).toBe(serializeConfig(modern))
  })

  it('writes the type of dir/btrfs rootfs the way LXC 2.0 reads it, and back', () => {
    const convert = (text: string) => legacyizeConfig(parseConfig(text, 'config').doc)
    expect(serializeConfig(convert('lxc.rootfs.path = dir:/var/lib/lxc/a/rootfs\n').doc)).toBe('lxc.rootfs = /var/lib/lxc/a/rootfs\n')
    const btrfs = convert('lxc.rootfs.path = btrfs:/var/lib/lxc/a/rootfs\nlxc.uts.name = a\n')
    expect(serializeConfig(btrfs.doc)).toBe('lxc.rootfs = /var/lib/lxc/a/rootfs\nlxc.rootfs.backend = btrfs\nlxc.utsname = a\n')
    expect(serializeConfig(modernizeConfig(btrfs.doc).doc)).toBe('lxc.rootfs.path = btrfs:/var/lib/lxc/a/rootfs\nlxc.uts.name = a\n')
  })

  it('gathers each network behind its type line and reports keys with no legacy form', () => {
    const { doc, changes } = legacyizeConfig(
      parseConfig('lxc.net.0.link = br0\nlxc.net.1.type = veth\nlxc.net.0.type = veth\nlxc.apparmor.raw = x\n', 'config').doc
    )
    expect(serializeConfig(doc)).toBe('lxc.network.type = veth\nlxc.network.link = br0\nlxc.network.type = veth\nlxc.apparmor.raw = x\n')
    expect(changes.find((c) => c.line === 4)?.note).toContain('no legacy form')
  })
})

it('lxc-info is available', () => {
  expect(execFileSync('lxc-info', ['--version'], { encoding: 'utf8' }).trim()).toBe('5.0.2')
})
