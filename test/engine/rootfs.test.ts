import { describe, expect, it } from 'vitest'
import {
  canonicalRootfsSpec,
  formatRootfsSpec,
  parseRootfsSpec,
  specFromLegacy
} from '../../src/main/engine/rootfs'

// Every form of lxc-format.md section 1.1, as LXC writes or accepts it.
const forms: [string, object][] = [
  ['dir:/var/lib/lxc/c1/rootfs', { backend: 'dir', prefix: 'dir', path: '/var/lib/lxc/c1/rootfs' }],
  ['/var/lib/lxc/c1/rootfs', { backend: 'dir', prefix: null, path: '/var/lib/lxc/c1/rootfs' }],
  ['d:/x/rootfs', { backend: 'dir', prefix: 'd', path: '/x/rootfs' }],
  [
    'overlay:/var/lib/lxc/c1/rootfs:/var/lib/lxc/o1/overlay/delta',
    { backend: 'overlay', prefix: 'overlay', lowers: ['/var/lib/lxc/c1/rootfs'], upper: '/var/lib/lxc/o1/overlay/delta' }
  ],
  ['overlay:/A:/B:/upper', { backend: 'overlay', prefix: 'overlay', lowers: ['/A', '/B'], upper: '/upper' }],
  [
    'overlayfs:/var/lib/lxc/ct01/rootfs:/var/lib/lxc/overlayfs01/delta0',
    { backend: 'overlay', prefix: 'overlayfs', lowers: ['/var/lib/lxc/ct01/rootfs'], upper: '/var/lib/lxc/overlayfs01/delta0' }
  ],
  ['aufs:/l:/var/lib/lxc/a/delta0', { backend: 'aufs', prefix: 'aufs', lowers: ['/l'], upper: '/var/lib/lxc/a/delta0' }],
  ['btrfs:/var/lib/lxc/b/rootfs', { backend: 'btrfs', prefix: 'btrfs', path: '/var/lib/lxc/b/rootfs' }],
  ['zfs:lxc/z1', { backend: 'zfs', prefix: 'zfs', path: 'lxc/z1' }],
  ['zfs:/var/lib/lxc/z1/rootfs', { backend: 'zfs', prefix: 'zfs', path: '/var/lib/lxc/z1/rootfs' }],
  ['lvm:/dev/lxc/l1', { backend: 'lvm', prefix: 'lvm', path: '/dev/lxc/l1' }],
  ['loop:/var/lib/lxc/l/rootdev', { backend: 'loop', prefix: 'loop', path: '/var/lib/lxc/l/rootdev' }],
  ['rbd:/dev/rbd/lxc/r1', { backend: 'rbd', prefix: 'rbd', path: '/dev/rbd/lxc/r1' }],
  ['/dev/rbd/lxc/r1', { backend: 'rbd', prefix: null, path: '/dev/rbd/lxc/r1' }],
  ['nbd:/img.qcow2', { backend: 'nbd', prefix: 'nbd', path: '/img.qcow2', partition: null }],
  ['nbd:/img.qcow2:2', { backend: 'nbd', prefix: 'nbd', path: '/img.qcow2', partition: 2 }]
]

describe('rootfs specs', () => {
  it.each(forms)('parses and formats %s', (text, expected) => {
    const { spec } = parseRootfsSpec(text)
    expect(spec).toEqual(expected)
    expect(formatRootfsSpec(spec)).toBe(text)
  })

  it('writes the canonical prefix LXC 5 writes', () => {
    expect(canonicalRootfsSpec(parseRootfsSpec('/x/c1/rootfs').spec)).toBe('dir:/x/c1/rootfs')
    expect(canonicalRootfsSpec(parseRootfsSpec('overlayfs:/a:/b').spec)).toBe('overlay:/a:/b')
  })

  it('warns where LXC silently ignores the prefix', () => {
    const unknown = parseRootfsSpec('foo:/x/rootfs')
    expect(unknown.spec).toMatchObject({ backend: 'dir', path: '/x/rootfs' })
    expect(unknown.warnings[0]).toMatch(/unknown type prefix "foo"/)
    const colonPath = parseRootfsSpec('/var/lib/lxc/a:b/rootfs')
    expect(colonPath.warnings[0]).toMatch(/splits at the first ':'/)
  })

  it('refuses overlay specs without an upper, and relative paths, naming the rule', () => {
    expect(() => parseRootfsSpec('overlay:/only')).toThrow(expect.objectContaining({ code: 'refused', rule: 'layered-needs-upper', subject: 'overlay:/only' }))
    expect(() => parseRootfsSpec('overlay:/only')).toThrow(/overlay:<lower>:<upper>/)
    expect(() => parseRootfsSpec('btrfs:rel/path')).toThrow(/absolute path/)
    expect(() => parseRootfsSpec('')).toThrow(/empty/)
  })

  it('maps LXC 1.x lxc.rootfs + lxc.rootfs.backend to one prefixed spec', () => {
    expect(specFromLegacy('/var/lib/lxc/old/rootfs', 'btrfs')).toBe('btrfs:/var/lib/lxc/old/rootfs')
    expect(specFromLegacy('/var/lib/lxc/old/rootfs', null)).toBe('dir:/var/lib/lxc/old/rootfs')
    expect(specFromLegacy('overlayfs:/a:/b', 'dir')).toBe('overlayfs:/a:/b')
  })
})
