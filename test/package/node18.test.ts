// The package runs the CLI, the root helper and browser mode on Debian 12's own nodejs (18;
// DESIGN.md, "The Debian package"). This holds the built bundles the package ships (out/cli,
// out/helper, out/main/web.js, the addon) to it: Debian's nodejs 18 .debs are fetched with
// apt-get download and unpacked, not installed (the machine's own Node stays), and run in a
// private mount namespace that shows their /usr/share/nodejs (where Debian's node keeps some of
// its built-in modules) over the real /usr/share.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execa } from 'execa'
import { rpcClient } from '../helpers/web-rpc'
import { makeLxcpath, type TestLxcpath } from '../helpers/lxc'
import { allowLxcpaths } from '../helper/allow-list'

const REPO = resolve(import.meta.dirname, '../..')
const PACKAGES = ['libnode108', 'libc-ares2', 'node-acorn', 'node-cjs-module-lexer', 'node-undici']

/** Debian's nodejs 18 version apt knows of, or null (not Debian 12, or no package lists). */
async function debianNode18(): Promise<string | null> {
  const r = await execa('apt-cache', ['madison', 'nodejs'], { reject: false })
  return /\|\s*(18\.[^\s|]+)\s*\|/.exec(r.stdout)?.[1] ?? null
}

const why =
  process.geteuid?.() !== 0
    ? 'a private mount namespace (unshare -m) needs root'
    : ['out/cli/strata.cjs', 'out/helper/strata-helper.mjs', 'out/main/web.js'].find((f) => !existsSync(join(REPO, f)))
const version = why ? null : await debianNode18()
const skip = why ? `${why}${why.startsWith('out/') ? ' is missing: run `npm run build` first' : ''}` : version ? null : 'apt knows no Debian nodejs 18 (not Debian 12?)'
if (skip) console.warn(`Debian nodejs 18 tests skipped: ${skip}`)

describe.skipIf(skip)("the package's bundles on Debian 12's own nodejs 18", () => {
  let work = ''
  let lx: TestLxcpath
  let unlist: (() => Promise<void>) | undefined

  /** unshare's arguments that run Debian's node 18 on `args` in a mount namespace with its /usr/share/nodejs (unshare execs: one pid). */
  const node18Argv = (args: string[]): string[] => [
    '-m',
    'sh',
    '-c',
    `mount -t overlay overlay -o lowerdir=${work}/root/usr/share:/usr/share,upperdir=${work}/upper,workdir=${work}/work /usr/share && ` +
      `LD_LIBRARY_PATH=${work}/root/usr/lib/${process.arch === 'x64' ? 'x86_64' : 'aarch64'}-linux-gnu exec ${work}/root/usr/bin/node "$@"`,
    'node18',
    ...args
  ]
  const node18 = (args: string[], opts: { input?: string } = {}) =>
    execa('unshare', node18Argv(args), { reject: false, cwd: REPO, input: opts.input ?? '', timeout: 60_000 })

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'strata-node18-'))
    for (const d of ['debs', 'root', 'upper', 'work']) mkdirSync(join(work, d))
    // fetched as Debian's packages (the only network the tests use); unpacked, never installed
    const got = await execa('apt-get', ['download', `nodejs=${version}`, `libnode108=${version}`, ...PACKAGES.slice(1)], { cwd: join(work, 'debs'), reject: false })
    if (got.exitCode !== 0) throw new Error(`apt-get download of Debian's nodejs ${version} failed: ${got.stderr}`)
    for (const deb of readdirSync(join(work, 'debs'))) await execa('dpkg-deb', ['-x', join(work, 'debs', deb), join(work, 'root')])
    lx = await makeLxcpath('strata-node18-lxc-')
    await lx.create('alpha')
  }, 180_000)

  afterAll(async () => {
    await unlist?.()
    await lx?.cleanup()
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('is Debian 12\'s node 18', async () => {
    const r = await node18(['-v'])
    expect(r.stdout).toMatch(/^v18\./)
  })

  it('runs the CLI: ls, a snapshot clone, destroy', async () => {
    const cli = 'bin/strata'
    const clone = await node18([cli, 'clone', '-s', '-o', 'alpha', '-n', 'beta', '-p', lx.path])
    expect(clone.stderr).toBe('')
    expect(clone.stdout).toBe(`Created beta in ${lx.path} from alpha.`)
    const ls = await node18([cli, 'ls', '-P', lx.path])
    expect(ls.stdout).toMatch(/^beta\s+STOPPED\s+overlay\s+alpha\s/m)
    const du = await node18([cli, 'du', '-P', lx.path, '--json'])
    expect(du.exitCode).toBe(0)
    const destroy = await node18([cli, 'destroy', '-n', 'beta', '-P', lx.path])
    expect(destroy.stdout).toBe(`Destroyed ${lx.path}/beta`)
    expect(await lx.lxc('lxc-ls', '-1')).toBe('alpha')
  })

  it('runs the root helper: it greets and lists an allowed lxcpath', async () => {
    unlist = await allowLxcpaths([lx.path])
    const r = await node18(['out/helper/strata-helper.mjs', '--stdio', '--lxcpath', lx.path], {
      input: `${JSON.stringify({ id: 1, method: 'listContainers', params: {} })}\n`
    })
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { hello?: { lxcpaths: string[] }; id?: number; result?: { name: string }[] })
    expect(lines[0]?.hello?.lxcpaths).toEqual([lx.path])
    expect(lines.find((l) => l.id === 1)?.result?.map((c) => c.name)).toEqual(['alpha'])
  })

  it('runs browser mode: it serves the renderer and answers listContainers', async () => {
    const server = execa('unshare', node18Argv(['out/main/web.js', '--lxcpath', lx.path]), { cwd: REPO, reject: false, buffer: false })
    try {
      const url = await new Promise<URL>((done, fail) => {
        server.stdout!.once('data', (d: Buffer) => done(new URL(String(d).split('\n')[0]!)))
        void server.then((r) => fail(new Error(`browser mode exited: ${r.exitCode}`)))
      })
      expect(await (await fetch(url)).text()).toContain('<title>Strata</title>')
      const api = rpcClient(url)
      try {
        expect((await api.listContainers({})).map((c) => c.name)).toEqual(['alpha'])
      } finally {
        api.close()
      }
    } finally {
      server.kill('SIGTERM')
      await server
    }
  })
})
