// A rootfs configured outside its container's directory, destroyed through the app's service
// and the root helper: the listing names it (the destroy dialog shows what the engine says),
// the destroy is refused until that path is confirmed, and the helper refuses to delete such a
// path outside the lxcpaths it serves even when confirmed. The helper runs directly here (the
// test already runs as root); test/helper/polkit.test.ts covers pkexec.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createService, type Service } from '../../src/main/service'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'
import { allowLxcpaths } from '../helper/allow-list'
import { writeHelperWrapper } from '../helper/wrapper'

let P: TestLxcpath
let dir: string
let service: Service
let outsideAll: string
let insideP: string
let unlist: (() => Promise<void>) | undefined

/** A copy of base whose config names `rootfs` (a copy of base's rootfs) as its rootfs. */
async function withRootfs(name: string, rootfs: string): Promise<void> {
  await execa('cp', ['-a', join(P.path, 'base', 'rootfs'), rootfs])
  await P.lxc('lxc-copy', '-n', 'base', '-N', name)
  const config = join(P.path, name, 'config')
  writeFileSync(config, readFileSync(config, 'utf8').replace(/^lxc\.rootfs\.path = .*$/m, `lxc.rootfs.path = dir:${rootfs}`))
}

describe('a rootfs outside its container, through the root helper', () => {
  beforeAll(async () => {
    P = await makeLxcpath('strata-outside-helper-')
    await P.create('base')
    unlist = await allowLxcpaths([P.path])
    dir = mkdtempSync(join(tmpdir(), 'strata-outside-route-'))
    outsideAll = join(dir, 'elsewhere-rootfs')
    insideP = join(P.path, 'shared', 'rootfs')
    mkdirSync(join(P.path, 'shared'))
    await withRootfs('far', outsideAll)
    await withRootfs('near', insideP)
    const wrapper = writeHelperWrapper(dir)
    service = createService({ lxcpaths: [P.path], watch: false, helperForAll: true, helper: { pkexec: null, helperPath: wrapper } })
  }, 120_000)
  afterAll(async () => {
    service?.close()
    await unlist?.()
    await P?.cleanup()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('the listing names the storage a destroy would delete outside each container', async () => {
    const list = await service.api.listContainers({})
    const outside = Object.fromEntries(list.map((c) => [c.name, c.storageOutside]))
    expect(outside).toEqual({ base: null, far: outsideAll, near: insideP })
  })

  it('is refused unless confirmed, naming the path; once confirmed inside the lxcpath, both go', async () => {
    await expect(service.api.destroy({ lxcpath: P.path, name: 'near' })).rejects.toThrow(`rootfs ${insideP} lies outside its directory`)
    expect(existsSync(join(insideP, 'bin', 'busybox'))).toBe(true)
    const r = await service.api.destroy({ lxcpath: P.path, name: 'near', deleteOutside: [insideP] })
    expect(r.destroyed).toEqual([{ lxcpath: P.path, name: 'near' }])
    expect(existsSync(insideP)).toBe(false)
    expect(existsSync(join(P.path, 'near'))).toBe(false)
  })

  it('the helper refuses to delete it outside the lxcpaths it serves, even when confirmed', async () => {
    await expect(service.api.destroy({ lxcpath: P.path, name: 'far', deleteOutside: [outsideAll] })).rejects.toThrow(
      `${outsideAll} is outside the lxcpaths this helper serves`
    )
    expect(existsSync(join(outsideAll, 'bin', 'busybox'))).toBe(true)
    expect(existsSync(join(P.path, 'far', 'config'))).toBe(true)
    expect((await P.lxc('lxc-ls', '-1')).split('\n')).toContain('far')
  })
})
