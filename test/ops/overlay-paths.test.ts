// Overlay mount options are built in one place, with every path escaped as overlayfs parses
// them: an lxcpath whose path holds a ',' (overlay's option separator) still gives copies,
// flattens and mounts of an overlay clone that hold what the clone shows.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'
import { strataOk } from './helpers'

let P: TestLxcpath

beforeAll(async () => {
  P = await makeLxcpath('strata-comma,')
  await P.create('base')
  await strataOk('clone', '-p', P.path, '-o', 'base', '-n', 'ov', '-s')
  // what only the clone shows: a file in its upper
  writeFileSync(join(P.path, 'ov', 'overlay', 'delta', 'only-in-ov'), 'upper\n')
}, 120_000)
afterAll(async () => P?.cleanup())

describe('an overlay clone in an lxcpath whose path holds a ","', () => {
  it('is copied to dir with its merged tree (its lower and its upper)', async () => {
    expect(P.path).toContain(',')
    await strataOk('clone', '-p', P.path, '-o', 'ov', '-n', 'copy', '-B', 'dir')
    expect(readFileSync(join(P.path, 'copy', 'rootfs', 'only-in-ov'), 'utf8')).toBe('upper\n')
    expect(existsSync(join(P.path, 'copy', 'rootfs', 'bin', 'busybox'))).toBe(true)
  })

  it('is flattened into a dir container holding the same tree', async () => {
    await strataOk('clone', '-p', P.path, '-o', 'base', '-n', 'flat', '-s')
    writeFileSync(join(P.path, 'flat', 'overlay', 'delta', 'only-in-flat'), 'flat\n')
    await strataOk('flatten', '-P', P.path, '-n', 'flat')
    expect(readFileSync(join(P.path, 'flat', 'config'), 'utf8')).toContain(`lxc.rootfs.path = dir:${P.path}/flat/rootfs`)
    expect(readFileSync(join(P.path, 'flat', 'rootfs', 'only-in-flat'), 'utf8')).toBe('flat\n')
    expect(existsSync(join(P.path, 'flat', 'rootfs', 'bin', 'busybox'))).toBe(true)
  })

  it('is mounted read-only by strata mount, showing the merged tree', async () => {
    const at = (await strataOk('mount', '-P', P.path, '-n', 'ov')).trim()
    try {
      expect(readFileSync(join(at, 'only-in-ov'), 'utf8')).toBe('upper\n')
      expect(() => writeFileSync(join(at, 'x'), 'x')).toThrow(/EROFS/)
    } finally {
      await strataOk('umount', '-P', P.path, '-n', 'ov')
    }
  })
})
