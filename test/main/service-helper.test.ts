// The app's service sends an lxcpath that needs root through the root helper, with the same
// results as in process: listing, a snapshot clone run as a task, and a destroy. The helper
// runs directly here (the test already runs as root); test/helper/polkit.test.ts covers pkexec.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Events } from '../../src/shared/api'
import { createService, type Service } from '../../src/main/service'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'
import { allowLxcpaths } from '../helper/allow-list'
import { writeHelperWrapper } from '../helper/wrapper'

let P: TestLxcpath
let dir: string
let marker: string
let service: Service
let unlist: (() => Promise<void>) | undefined
const helperLog: string[] = []

describe('the service through the root helper', () => {
  beforeAll(async () => {
    P = await makeLxcpath()
    await P.create('base')
    unlist = await allowLxcpaths([P.path])
    dir = mkdtempSync(join(tmpdir(), 'strata-helper-route-'))
    marker = join(dir, 'started')
    const wrapper = writeHelperWrapper(dir, marker)
    service = createService({ lxcpaths: [P.path], watch: false, helperForAll: true, helper: { pkexec: null, helperPath: wrapper, onLog: (line) => helperLog.push(line) } })
  }, 60_000)
  afterAll(async () => {
    service?.close()
    await unlist?.()
    await P?.cleanup()
    rmSync(dir, { recursive: true, force: true })
  })

  it('lists through the helper', async () => {
    const list = await service.api.listContainers({})
    expect(list.map((c) => c.name)).toEqual(['base'])
    expect(existsSync(marker)).toBe(true)
  })

  it('asks the helper which backends a clone may use: they are judged where the clone would run', async () => {
    const choices = await service.api.cloneChoices({ origin: { lxcpath: P.path, name: 'base' }, lxcpath: P.path })
    expect(choices.find((c) => c.backend === 'overlay' && c.mode === 'snapshot')).toMatchObject({ allowed: true, isDefault: true })
    // the helper logs each request on stderr, which may arrive after the answer on stdout
    await vi.waitFor(() => expect(helperLog.filter((l) => / cloneChoices -> ok$/.test(l))).toHaveLength(1))
  })

  it('clones as a task through the helper, with progress, and LXC sees the clone', async () => {
    const done = new Promise<Events['taskDone']>((resolve) => service.on('taskDone', resolve))
    const progress: string[] = []
    service.on('taskProgress', (p) => progress.push(p.progress.phase))
    await service.api.clone({ origin: { lxcpath: P.path, name: 'base' }, name: 'o1', snapshot: true })
    const end = await done
    expect(end.error).toBeUndefined()
    expect(end.result).toEqual({ lxcpath: P.path, name: 'o1' })
    expect(progress.length).toBeGreaterThan(0)
    expect((await P.lxc('lxc-ls', '-1')).split('\n')).toContain('o1')
    const refused = await execa('lxc-destroy', ['-P', P.path, '-n', 'base'], { reject: false })
    expect(refused.exitCode).not.toBe(0)
  })

  it('refuses, in words, to destroy an origin with dependents', async () => {
    // the engine's refusal crosses the helper whole: its code, subject and rule
    await expect(service.api.destroy({ lxcpath: P.path, name: 'base' })).rejects.toMatchObject({
      code: 'refused',
      rule: 'has-dependents',
      subject: `${P.path}/base`,
      message: expect.stringContaining(`${P.path}/o1`)
    })
    expect((await service.api.destroy({ lxcpath: P.path, name: 'o1' })).destroyed).toEqual([{ lxcpath: P.path, name: 'o1' }])
    expect((await P.lxc('lxc-ls', '-1')).split('\n')).not.toContain('o1')
  })

  it('lists hidden containers only when asked, and repairs a count of 0 through the helper', async () => {
    await P.lxc('lxc-copy', '-n', 'base', '-N', '.hid', '-s')
    expect((await service.api.listContainers({})).map((c) => [c.name, c.dependents.map((d) => d.name)])).toEqual([['base', ['.hid']]])
    expect((await service.api.listContainers({ all: true })).map((c) => c.name)).toEqual(['.hid', 'base'])
    expect((await service.api.lineage({})).nodes.map((n) => n.ref.name)).toEqual(['base'])
    expect((await service.api.destroy({ lxcpath: P.path, name: '.hid' })).destroyed).toEqual([{ lxcpath: P.path, name: '.hid' }])
    await expect(service.api.destroy({ lxcpath: P.path, name: '.strata-trash-0a1b' })).rejects.toThrow(/invalid container name/)

    writeFileSync(join(P.path, 'base/lxc_snapshots'), '0\n')
    const finding = (await service.api.lineage({})).findings.find((f) => f.code === 'empty-snapshots')
    expect(finding?.fix?.file).toBe(join(P.path, 'base/lxc_snapshots'))
    const r = await service.api.repairBookkeeping({ lxcpath: P.path, name: 'base' })
    expect(r).toMatchObject({ changed: true, file: join(P.path, 'base/lxc_snapshots') })
    expect(r.message).toMatch(/^Removed .*base\/lxc_snapshots \(the LXC 1\.x count 0\): nothing depends on base\.$/)
    expect(existsSync(join(P.path, 'base/lxc_snapshots'))).toBe(false)
    expect((await service.api.lineage({})).findings).toEqual([])
  })

  it('started one helper for the whole session', () => {
    const starts = readFileSync(marker, 'utf8').trim().split('\n')
    expect(starts).toHaveLength(1)
  })
})
