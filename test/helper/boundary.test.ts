// The root helper's boundary on real LXC lxcpaths: template arguments cannot move a rootfs out
// of the container being built, and what LXC's bookkeeping names (lxc_snapshots, lxc_rdepends,
// overlay lowers) passes the same policy as what a request names, so it cannot lead the helper
// into an lxcpath it does not serve. The helper runs in process here, as root.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HelperServer } from '../../src/main/helper/server'
import type { HelperMessage } from '../../src/main/helper/protocol'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { lxcLs, text } from '../ops/helpers'
import { allowLxcpaths } from './allow-list'
import { onJsonLines } from './json-lines'

interface Helper {
  call(method: string, params: unknown): Promise<{ result?: unknown; error?: { code: string; message: string; rule?: string; subject?: string } }>
  close(): Promise<void>
}

/** A helper serving `lxcpaths`, talking JSON lines over in-memory streams. */
function startHelper(lxcpaths: string[]): Helper {
  const input = new PassThrough()
  const output = new PassThrough()
  const answers = new Map<number, (m: HelperMessage) => void>()
  onJsonLines<HelperMessage>(output, (m) => {
    if ('id' in m && m.id !== null && !('progress' in m)) answers.get(m.id)?.(m)
  })
  const server = new HelperServer({ input, output, lxcpaths })
  server.start()
  let next = 1
  return {
    call: (method, params) =>
      new Promise((resolve) => {
        const id = next++
        answers.set(id, (m) => resolve(m as never))
        input.write(JSON.stringify({ id, method, params }) + '\n')
      }),
    close: async () => {
      input.end()
      await server.done
    }
  }
}

describe.skipIf(process.geteuid?.() !== 0)('the helper boundary', () => {
  let L1: TestLxcpath
  let L2: TestLxcpath
  let canary: string
  let unlist: (() => Promise<void>) | undefined
  const helpers: Helper[] = []
  const helper = (lxcpaths: string[]): Helper => {
    const h = startHelper(lxcpaths)
    helpers.push(h)
    return h
  }

  beforeAll(async () => {
    L1 = await makeLxcpath('strata-boundary-a-')
    L2 = await makeLxcpath('strata-boundary-b-')
    canary = mkdtempSync(join(tmpdir(), 'strata-canary-'))
    writeFileSync(join(canary, 'config'), '# not a container\n')
    unlist = await allowLxcpaths([L1.path, L2.path])
    await L1.create('base')
  }, 120_000)

  afterAll(async () => {
    for (const h of helpers) await h.close()
    await unlist?.()
    await L1?.cleanup()
    await L2?.cleanup()
    if (canary) rmSync(canary, { recursive: true, force: true })
  })

  describe('template arguments', () => {
    it('refuses the options that name the rootfs, the path or the container, in every form, before anything is built', async () => {
      const h = helper([L1.path])
      expect(existsSync('/strata-escape')).toBe(false)
      const refused = [['--rootfs', 'strata-escape'], ['--rootfs=.'], ['--rootf=x'], ['--ro', 'x'], ['--path', 'x'], ['--pa=x'], ['--name', 'x'], ['--nam=x'], ['-n', 'x'], ['-p', 'x'], ['-hn'], ['--']]
      for (const args of refused) {
        const r = await h.call('create', { lxcpath: L1.path, name: 'made', template: 'busybox', templateArgs: args })
        expect(r.error, args.join(' ')).toMatchObject({ code: 'usage', rule: 'invalid-params' })
        expect(r.error?.message).toContain('Strata sets the template\'s --path, --name and --rootfs to the container it builds')
      }
      // the real helper runs in /, this one in the test's cwd: a relative --rootfs lands in neither
      for (const cwd of ['/', process.cwd()]) expect(existsSync(join(cwd, 'strata-escape'))).toBe(false)
      expect(await lxcLs(L1.path)).toEqual(['base'])
    })

    it('passes the other options on, and Strata\'s own still decide where the rootfs goes', async () => {
      const h = helper([L1.path])
      const r = await h.call('create', { lxcpath: L1.path, name: 'made', template: 'busybox', templateArgs: ['--mapped-uid=0'] })
      expect(r.error).toBeUndefined()
      expect(existsSync(join(L1.path, 'made/rootfs/bin/busybox'))).toBe(true)
      expect(readFileSync(join(L1.path, 'made/config'), 'utf8')).toContain('# Parameters passed to the template: --mapped-uid=0\n')
      expect(await h.call('destroy', { lxcpath: L1.path, name: 'made' })).toEqual({ id: expect.any(Number), result: { destroyed: [{ lxcpath: L1.path, name: 'made' }] } })
    })
  })

  describe('a clone in an lxcpath the helper does not serve', () => {
    beforeAll(async () => {
      // LXC records the clone in base's lxc_snapshots and base in the clone's lxc_rdepends.
      await L1.lxc('lxc-copy', '-n', 'base', '-p', L2.path, '-N', 'other', '-s', '-B', 'overlay')
      expect(text(join(L1.path, 'base/lxc_snapshots'))).toBe(`${L2.path}\nother\n`)
    })

    it('stops a destroy of its origin, named in the refusal, with or without dependents, and touches nothing', async () => {
      const h = helper([L1.path])
      for (const withDependents of [true, false]) {
        const r = await h.call('destroy', { lxcpath: L1.path, name: 'base', withDependents })
        expect(r.error).toMatchObject({ code: 'refused', rule: 'helper-lxcpaths', subject: `${L2.path}/other` })
        expect(r.error?.message).toContain(`${L1.path}/base/lxc_snapshots names ${L2.path}/other, which is not in an lxcpath this helper serves (it serves: ${L1.path})`)
      }
      expect(await lxcLs(L2.path)).toEqual(['other'])
      expect(await lxcLs(L1.path)).toEqual(['base'])
      expect(text(join(L1.path, 'base/lxc_snapshots'))).toBe(`${L2.path}\nother\n`)
    })

    it('stops a destroy or a snapshot clone of the clone, whose origin and lower are in the other lxcpath', async () => {
      const h = helper([L2.path])
      const d = await h.call('destroy', { lxcpath: L2.path, name: 'other' })
      expect(d.error?.code).toBe('refused')
      expect(d.error?.message).toContain(`${L2.path}/other/lxc_rdepends names ${L1.path}/base, which is not in an lxcpath this helper serves`)
      const c = await h.call('clone', { origin: { lxcpath: L2.path, name: 'other' }, name: 'other2', snapshot: true })
      expect(c.error?.code).toBe('refused')
      expect(c.error?.message).toContain(`${L2.path}/other/config names ${L1.path}/base/rootfs, which is not inside an lxcpath this helper serves`)
      expect(await lxcLs(L2.path)).toEqual(['other'])
      expect(text(join(L1.path, 'base/lxc_snapshots'))).toBe(`${L2.path}\nother\n`)
    })

    it('a helper serving both lxcpaths destroys the tree', async () => {
      const h = helper([L1.path, L2.path])
      const r = await h.call('destroy', { lxcpath: L1.path, name: 'base', withDependents: true })
      expect(r.error).toBeUndefined()
      expect(r.result).toEqual({ destroyed: [{ lxcpath: L2.path, name: 'other' }, { lxcpath: L1.path, name: 'base' }] })
      expect(await lxcLs(L2.path)).toEqual([])
      await L1.create('base')
    })
  })

  describe('a crafted lxc_rdepends entry', () => {
    beforeAll(async () => {
      await L1.lxc('lxc-copy', '-n', 'base', '-N', 'o1', '-s', '-B', 'overlay')
      // `<L1>/../strata-canary-…` is the canary directory, outside every lxcpath
      writeFileSync(join(L1.path, 'o1/lxc_rdepends'), `${L1.path}\n../${basename(canary)}\n${L1.path}\nbase\n`)
    })

    it('does not lead a snapshot clone of the clone outside the lxcpath', async () => {
      const h = helper([L1.path])
      const r = await h.call('clone', { origin: { lxcpath: L1.path, name: 'o1' }, name: 'o2', snapshot: true })
      expect(r.error).toMatchObject({ code: 'refused', rule: 'recorded-ref' })
      expect(r.error?.message).toBe(
        `${L1.path}/o1/lxc_rdepends names the container "../${basename(canary)}", which the helper will not touch: "../${basename(canary)}" contains "/": a container name is one directory name.`
      )
      expect(existsSync(join(canary, 'lxc_snapshots'))).toBe(false)
      expect(await lxcLs(L1.path)).toEqual(['base', 'o1'])
      expect(text(join(L1.path, 'base/lxc_snapshots'))).toBe(`${L1.path}\no1\n`)
    })

    it('nor the CLI, which refuses it by the engine\'s name rule', async () => {
      const r = await strata('clone', '-p', L1.path, '-o', 'o1', '-n', 'o3', '-s')
      expect(r.code).toBe(1)
      expect(r.stderr).toContain(`${L1.path}/o1/lxc_rdepends names "${L1.path}/../${basename(canary)}", which Strata will not follow: "../${basename(canary)}" contains "/"`)
      expect(existsSync(join(canary, 'lxc_snapshots'))).toBe(false)
      expect(await lxcLs(L1.path)).toEqual(['base', 'o1'])
    })
  })
})
