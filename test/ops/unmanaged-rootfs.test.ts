// lxc.rootfs.managed = 0: the storage is not LXC's. lxc-destroy then removes nothing at all and
// still says it succeeded; Strata refuses instead, saying why, and changes nothing.
import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'

let P: TestLxcpath
beforeAll(async () => {
  P = await makeLxcpath('strata-unmanaged-')
  for (const name of ['by-lxc', 'by-strata']) {
    await P.create(name)
    appendFileSync(join(P.path, name, 'config'), 'lxc.rootfs.managed = 0\n')
  }
}, 120_000)
afterAll(async () => P?.cleanup())

it('is refused with the reason, where lxc-destroy reports success and removes nothing', async () => {
  await P.lxc('lxc-destroy', '-n', 'by-lxc')
  expect(existsSync(join(P.path, 'by-lxc', 'config'))).toBe(true)
  expect(existsSync(join(P.path, 'by-lxc', 'rootfs', 'bin', 'busybox'))).toBe(true)

  const config = readFileSync(join(P.path, 'by-strata', 'config'), 'utf8')
  const r = await strata('destroy', '-P', P.path, '-n', 'by-strata')
  expect(r.code).not.toBe(0)
  expect(r.stderr).toMatch(/lxc\.rootfs\.managed = 0: its storage is not LXC's/)
  expect(readFileSync(join(P.path, 'by-strata', 'config'), 'utf8')).toBe(config)
  expect(existsSync(join(P.path, 'by-strata', 'rootfs', 'bin', 'busybox'))).toBe(true)
})
