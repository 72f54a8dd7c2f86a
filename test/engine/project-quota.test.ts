// Project-quota detection: on this machine's real /proc (its kernel cannot mount ext4 with
// prjquota), and with made-up /proc files for the cases this machine cannot show (named so).
import { mkdtempSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { projectQuotaSupport } from '../../src/main/engine/fs/project-quota'

const dir = mkdtempSync(join(tmpdir(), 'strata-quota-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A mountinfo line for the filesystem holding dir, with the given type and options. */
function fakeMountinfo(fstype: string, superOptions: string): string {
  const st = statSync(dir)
  const dev = `${Math.floor(st.dev / 256) & 0xfff}:${st.dev & 0xff}`
  return `30 1 ${dev} / / rw,relatime shared:1 - ${fstype} /dev/fake ${superOptions}\n`
}

function sources(mountinfo: string, config: string | null): { mountinfo: string; kernelConfig: string; quotaSysctl: string } {
  const d = mkdtempSync(join(dir, 's-'))
  writeFileSync(join(d, 'mountinfo'), mountinfo)
  if (config !== null) writeFileSync(join(d, 'config.gz'), gzipSync(config))
  mkdirSync(join(d, 'quota'))
  return { mountinfo: join(d, 'mountinfo'), kernelConfig: join(d, 'config.gz'), quotaSysctl: join(d, 'quota') }
}

describe('project quotas', () => {
  it('this kernel: not available, and the reason names the missing kernel option', () => {
    const q = projectQuotaSupport(dir)
    expect(q.available).toBe(false)
    expect(q.reason).toMatch(/not available on this kernel \(built without CONFIG_QFMT_V2\)|not mounted with prjquota/)
  })

  it('(made-up /proc) a filesystem mounted with prjquota has them', () => {
    expect(projectQuotaSupport(dir, sources(fakeMountinfo('ext4', 'rw,prjquota'), 'CONFIG_QUOTA=y\nCONFIG_QFMT_V2=y\n'))).toEqual({ available: true, reason: '' })
    expect(projectQuotaSupport(dir, sources(fakeMountinfo('xfs', 'rw,attr2,pquota'), null)).available).toBe(true)
  })

  it('(made-up /proc) a kernel with quota support but a mount without: says to mount with prjquota', () => {
    const q = projectQuotaSupport(dir, sources(fakeMountinfo('ext4', 'rw'), 'CONFIG_QUOTA=y\nCONFIG_QFMT_V2=y\n'))
    expect(q).toEqual({ available: false, reason: expect.stringMatching(/not mounted with prjquota/), said: expect.objectContaining({ key: 'quota-not-mounted' }) })
  })

  it('(made-up /proc) a kernel without CONFIG_QUOTA: not available on this kernel', () => {
    const q = projectQuotaSupport(dir, sources(fakeMountinfo('xfs', 'rw'), '# CONFIG_QUOTA is not set\n# CONFIG_XFS_QUOTA is not set\n'))
    expect(q.reason).toBe('Project quotas are not available on this kernel (built without CONFIG_QUOTA and CONFIG_XFS_QUOTA).')
  })
})
