// A clone that fails half-way (the filesystem fills up) says why and leaves the lxcpath as it
// was: no hidden leftovers, no bookkeeping, check clean. On a small ext4 loop image made for it.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import { removeLxcLockDir, strata } from '../helpers/lxc'
import { check, lxcLs } from './helpers'

const isRoot = process.geteuid?.() === 0
if (!isRoot) console.log('failure.test: skipped: needs root to make and mount an ext4 loop image')
let work = ''
let loop = ''
let P = ''

beforeAll(async () => {
  if (!isRoot) return
  work = mkdtempSync(join(tmpdir(), 'strata-enospc-'))
  const img = join(work, 'fs.img')
  await execa('truncate', ['-s', '64M', img])
  loop = (await execa('losetup', ['-f', '--show', img])).stdout.trim()
  await execa('mkfs.ext4', ['-q', '-F', '-N', '1200', loop])
  P = join(work, 'mnt')
  mkdirSync(P)
  await execa('mount', [loop, P])
  writeFileSync(join(P, 'net.conf'), 'lxc.net.0.type = empty\n')
  await execa('lxc-create', ['-P', P, '-n', 'c1', '-t', 'busybox', '-f', join(P, 'net.conf')])
}, 120_000)

afterAll(async () => {
  if (P) await execa('umount', [P], { reject: false })
  if (loop) await execa('losetup', ['-d', loop], { reject: false })
  if (work) rmSync(work, { recursive: true, force: true })
  if (P) removeLxcLockDir(P)
})

describe.skipIf(!isRoot)('a copy clone that runs out of inodes', () => {
  it('fails with the reason and leaves nothing behind', async () => {
    // leave room for a few dozen inodes only: the clone needs hundreds
    const { stdout } = await execa('df', ['--output=iavail', P])
    const free = Number(stdout.split('\n')[1])
    const filler = join(P, 'filler')
    mkdirSync(filler)
    for (let i = 0; i < free - 40; i++) writeFileSync(join(filler, String(i)), '')
    const r = await strata('clone', '-p', P, '-o', 'c1', '-n', 'full')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/clone of .*\/full failed and was undone; nothing was changed: .*(No space left|ENOSPC)/)
    expect(readdirSync(P).filter((n) => n.startsWith('.strata'))).toEqual([])
    expect(await lxcLs(P)).toEqual(['c1'])
    expect(await check(P)).toEqual({ code: 0, findings: [] })
  })
})
