// The LXC 1.0 layout, made by hand as LXC 1.0 wrote it: an `overlayfs:` rootfs with `delta0`
// and `olwork`, legacy keys, a count in lxc_snapshots, snapshots under `<P>snaps/<n>`.
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import type { ContainerInfo, Finding } from '@shared/model'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'

let P: TestLxcpath

function legacyConfig(p: string): string {
  return [
    '# Made by LXC 1.0 lxc-clone -s -B overlayfs',
    'lxc.utsname = old',
    'lxc.network.type = empty',
    'lxc.tty = 4',
    `lxc.rootfs = overlayfs:${p}/base/rootfs:${p}/old/delta0`,
    'lxc.autodev = 1',
    ''
  ].join('\n')
}

describe('an LXC 1.0 layout', () => {
  beforeAll(async () => {
    P = await makeLxcpath()
    await P.create('base')
    mkdirSync(`${P.path}snaps`) // LXC 1.0's snapshot root: LXC 5 still uses it when it exists
    await P.lxc('lxc-snapshot', '-n', 'base')
    const old = join(P.path, 'old')
    for (const d of ['delta0/etc', 'olwork', 'rootfs']) mkdirSync(join(old, d), { recursive: true })
    writeFileSync(join(old, 'delta0/etc/hostname'), 'old\n')
    writeFileSync(join(old, 'config'), legacyConfig(P.path))
    writeFileSync(join(old, 'lxc_rdepends'), `${P.path}\nbase\n`)
    writeFileSync(join(P.path, 'base/lxc_snapshots'), '1\n')
  }, 120_000)
  afterAll(async () => P?.cleanup())

  async function ls(): Promise<ContainerInfo[]> {
    const r = await strata('ls', '-P', P.path, '--json')
    expect(r.code).toBe(0)
    return JSON.parse(r.stdout) as ContainerInfo[]
  }

  it('reads the legacy overlay clone, with the error LXC 5 would give', async () => {
    const old = (await ls()).find((c) => c.name === 'old')!
    expect(old.backend).toBe('overlay')
    expect(old.rootfs).toBe(`overlayfs:${P.path}/base/rootfs:${P.path}/old/delta0`)
    expect(old.origin).toEqual({ lxcpath: P.path, name: 'base' })
    expect(old.legacy).toBe(true)
    const first = old.problems.find((p) => p.severity === 'error')!
    expect(first).toMatchObject({ file: join(P.path, 'old/config'), line: 2, rule: 'legacy-key' })
    expect(first.message).toMatch(/lxc\.uts\.name/)
    // LXC 5 cannot load it, so lxc-ls leaves it out; Strata lists it with its error.
    expect(await P.lxc('lxc-ls', '-1')).not.toMatch(/^old$/m)
  })

  it('takes the LXC 1.x count in lxc_snapshots and the <P>snaps snapshot layout', async () => {
    const base = (await ls()).find((c) => c.name === 'base')!
    expect(base.dependents).toEqual([{ lxcpath: P.path, name: 'old' }])
    expect(base.snapshots.map((s) => [s.name, s.snapdir])).toEqual([['snap0', `${P.path}snaps/base`]])
    expect(await P.lxc('lxc-snapshot', '-n', 'base', '-L')).toContain(`snap0 (${P.path}snaps/base)`)
    const check = await strata('check', '-P', P.path, '--json')
    const findings = JSON.parse(check.stdout) as Finding[]
    expect(findings.map((f) => f.code)).not.toContain('legacy-count-mismatch')
    expect(findings.find((f) => f.code === 'config-error')?.message).toMatch(/old\/config:2: .*lxc\.utsname/)
    expect(check.code).toBe(1)
  })

  it('reports a legacy count that disagrees with the clones found', async () => {
    writeFileSync(join(P.path, 'base/lxc_snapshots'), '2\n')
    try {
      const findings = JSON.parse((await strata('check', '-P', P.path, '--json')).stdout) as Finding[]
      const mismatch = findings.find((f) => f.code === 'legacy-count-mismatch')
      expect(mismatch?.message).toMatch(/counts 2 dependents, but 1 were found/)
    } finally {
      writeFileSync(join(P.path, 'base/lxc_snapshots'), '1\n')
    }
  })

  it('converts the legacy config to one LXC 5 loads and starts', async () => {
    const r = await strata('config', '-n', 'old', '-P', P.path, '--modern')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`lxc.rootfs.path = overlayfs:${P.path}/base/rootfs:${P.path}/old/delta0`)
    expect(r.stdout).toContain('lxc.uts.name = old')
    expect(r.stdout).toContain('lxc.net.0.type = empty')
    expect(r.stdout).toContain('# Made by LXC 1.0 lxc-clone -s -B overlayfs')
    const file = join(P.path, 'old/config')
    const before = readFileSync(file, 'utf8')
    writeFileSync(file, r.stdout)
    try {
      await P.lxc('lxc-start', '-n', 'old')
      expect(await P.lxc('lxc-info', '-n', 'old', '-s')).toMatch(/RUNNING/)
      await P.lxc('lxc-stop', '-n', 'old', '-k')
      const old = JSON.parse((await strata('ls', '-P', P.path, '--json')).stdout).find((c: ContainerInfo) => c.name === 'old')
      expect(old.legacy).toBe(false)
      expect(old.problems).toEqual([])
    } finally {
      await execa('lxc-stop', ['-P', P.path, '-n', 'old', '-k'], { reject: false })
      writeFileSync(file, before)
    }
  })
})
