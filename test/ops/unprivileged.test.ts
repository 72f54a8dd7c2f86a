// An unprivileged user's own containers, with real LXC and Debian's uidmap: a test user with a
// subordinate id range and LXC's per-user config (~/.config/lxc/default.conf with lxc.idmap),
// running the built CLI as that user, as LXC's own tools run for them. Every result must start
// with the user's lxc-start and be owned, file by file, as LXC's own tools make it.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Events } from '../../src/shared/api'
import { rpcClient } from '../helpers/web-rpc'

const REPO = resolve(import.meta.dirname, '../..')
const STRATA = join(REPO, 'bin/strata')
const USER = `stu${process.pid % 100000}`
const RANGE = 65536
let home = ''
let P = ''
let subStart = 0
/** directories above the checkout that got an ACL entry so that the user can reach the CLI */
const traversed: string[] = []
let unavailable: string | null = null

/** Runs a shell command line as the test user, in a login environment. */
async function asUser(line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execa('su', ['-', USER, '-c', line], { reject: false })
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr }
}

async function strataAsUser(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return asUser([process.execPath, STRATA, ...args].map((a) => `'${a}'`).join(' '))
}

async function okAsUser(line: string): Promise<string> {
  const r = await asUser(line)
  expect(r.code, `${line}: ${r.stderr}`).toBe(0)
  return r.stdout
}

async function strataOkAsUser(...args: string[]): Promise<string> {
  const r = await strataAsUser(...args)
  expect(r.code, `strata ${args.join(' ')}: ${r.stderr}`).toBe(0)
  return r.stdout
}

/** Owner, group and mode of every file under a container's directory, paths relative to it (as root sees them). */
/** Strata's record of a copy clone's origin (lineage/provenance.ts), which lxc-copy does not write; and the directory itself, as the default skips */
const COPY_RECORD = /^$|^strata_copied_from$/

function owners(name: string, skip: RegExp = /^$/): string[] {
  const out = execFileSync('find', [join(P, name), '-printf', '%u %g %m %P\\n'], { encoding: 'utf8' })
  return out
    .split('\n')
    .filter((l) => l && !skip.test(l.split(' ')[3] ?? ''))
    .sort()
}

/** The first free block of subordinate ids above every range /etc/subuid and /etc/subgid give. */
function freeSubordinateStart(): number {
  let end = 100000
  for (const file of ['/etc/subuid', '/etc/subgid'])
    if (existsSync(file))
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const f = line.split(':')
        if (f.length === 3) end = Math.max(end, Number(f[1]) + Number(f[2]))
      }
  return end
}

async function startAttachStop(name: string): Promise<void> {
  await okAsUser(`lxc-start -n ${name}`)
  expect(await okAsUser(`lxc-info -n ${name} -s`)).toMatch(/RUNNING/)
  expect((await okAsUser(`lxc-attach -n ${name} -- sh -c 'hostname; touch /root/from-inside'`)).trim()).toBe(name)
  await okAsUser(`lxc-stop -n ${name} -k`)
}

beforeAll(async () => {
  if ((await execa('which', ['newuidmap'], { reject: false })).exitCode !== 0) {
    unavailable = 'newuidmap is not installed (Debian package uidmap; scripts/ensure-system.sh installs it)'
    return
  }
  await execa('useradd', ['--create-home', '--shell', '/bin/sh', USER])
  home = (await execa('su', ['-', USER, '-c', 'echo $HOME'])).stdout.trim()
  // useradd may have given the user a range already (login.defs SUB_UID_MIN...): use it, else add one
  const given = readFileSync('/etc/subuid', 'utf8')
    .split('\n')
    .map((l) => l.split(':'))
    .find((f) => f[0] === USER && Number(f[2]) >= RANGE)
  const givenGid = readFileSync('/etc/subgid', 'utf8').split('\n').some((l) => given && l === `${USER}:${given[1]}:${given[2]}`)
  if (given && givenGid) subStart = Number(given[1])
  else {
    subStart = freeSubordinateStart()
    await execa('usermod', ['--add-subuids', `${subStart}-${subStart + RANGE - 1}`, '--add-subgids', `${subStart}-${subStart + RANGE - 1}`, USER])
  }
  await okAsUser(
    `mkdir -p ~/.config/lxc ~/.local/share/lxc && printf 'lxc.idmap = u 0 ${subStart} ${RANGE}\\nlxc.idmap = g 0 ${subStart} ${RANGE}\\nlxc.net.0.type = empty\\n' > ~/.config/lxc/default.conf`
  )
  P = join(home, '.local/share/lxc')
  // the user must reach the built CLI in this checkout: an ACL entry on each directory above it that they cannot traverse
  for (let d = REPO; d !== '/'; d = dirname(d)) {
    if ((await execa('su', [USER, '-s', '/bin/sh', '-c', `test -x '${d}'`], { reject: false })).exitCode !== 0) {
      await execa('setfacl', ['-m', `u:${USER}:x`, d])
      traversed.push(d)
    }
  }
  // the user's busybox base, made by LXC's own lxc-create, with a hostname file for the clones to rewrite
  await okAsUser('lxc-create -n base -t busybox')
  await okAsUser(`lxc-usernsexec -m b:0:${subStart}:${RANGE} -- sh -c 'echo base > ~/.local/share/lxc/base/rootfs/etc/hostname'`)
}, 300_000)

afterAll(async () => {
  if (home) {
    const active = await asUser('lxc-ls --active -1')
    for (const name of active.stdout.split('\n').filter(Boolean)) await asUser(`lxc-stop -n ${name} -k`)
  }
  for (const d of traversed) await execa('setfacl', ['-x', `u:${USER}`, d], { reject: false })
  await execa('pkill', ['-KILL', '-u', USER], { reject: false })
  await execa('userdel', ['--remove', USER], { reject: false })
  if (home) await execa('rm', ['-rf', home])
  for (const file of ['/etc/subuid', '/etc/subgid'])
    if (existsSync(file))
      writeFileSync(
        file,
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l && !l.startsWith(`${USER}:`))
          .map((l) => `${l}\n`)
          .join('')
      )
}, 120_000)

describe('an unprivileged user with a subordinate id range, on their own lxcpath (real lxc-usernsexec/newuidmap)', () => {
  it('strata create -t busybox starts from their default.conf (its id map) and owns every file as lxc-create does; it starts', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    await strataOkAsUser('create', '-n', 'made', '-t', 'busybox')
    expect(readFileSync(join(P, 'made/config'), 'utf8')).toMatch(new RegExp(`lxc.idmap = u 0 ${subStart} ${RANGE}`))
    await okAsUser('lxc-create -n lxcmade -t busybox')
    expect(owners('made')).toEqual(owners('lxcmade'))
    await startAttachStop('made')
    await okAsUser('lxc-destroy -n lxcmade')
  })

  it('snapshot clone, clone of that clone and copy clone: owned as lxc-copy makes them, each starts, and a write inside lands in the upper as the mapped root', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    await strataOkAsUser('clone', '-o', 'base', '-n', 's1', '-s')
    await strataOkAsUser('clone', '-o', 's1', '-n', 's2', '-s')
    await strataOkAsUser('clone', '-o', 'base', '-n', 'k1')
    await okAsUser('lxc-copy -n base -N ls1 -s -B overlay')
    await okAsUser('lxc-copy -n ls1 -N ls2 -s')
    await okAsUser('lxc-copy -n base -N lk1')
    // Strata's own record of the base's state when the clone was made is its addition; overlay/work/work
    // is the kernel's, made when lxc-copy mounts the clone to rewrite its hostname (Strata writes the upper directly)
    const strataOwn = /^strata_base_fingerprint$/
    const kernelOwn = /^overlay\/work\/work$/
    expect(owners('s1', strataOwn)).toEqual(owners('ls1', kernelOwn))
    expect(owners('s2', strataOwn)).toEqual(owners('ls2', kernelOwn))
    // a copy clone also carries Strata's record of its origin (lineage/provenance.ts), the user's as its config is
    expect(owners('k1', COPY_RECORD)).toEqual(owners('lk1'))
    const ownerOf = (file: string): string | undefined => owners('k1').find((l) => l.endsWith(` ${file}`))?.split(' ').slice(0, 2).join(' ')
    expect(ownerOf('strata_copied_from')).toBe(ownerOf('config'))
    for (const name of ['s1', 's2', 'k1']) await startAttachStop(name)
    expect(owners('s2').find((l) => l.endsWith(' overlay/delta/root/from-inside'))).toBe(`${subStart} ${subStart} 644 overlay/delta/root/from-inside`)
    expect(await strataOkAsUser('diff', '-n', 's2')).toMatch(/A \/root\/from-inside/)
    const du = JSON.parse(await strataOkAsUser('du', '-n', 's2', '--json')) as { containers: { ref: { name: string }; files: number }[] }
    expect(du.containers.find((c) => c.ref.name === 's2')).toBeDefined()
    for (const name of ['ls2', 'ls1', 'lk1']) await okAsUser(`lxc-destroy -n ${name}`)
  })

  it('snapshot and restore in place: the restored container starts and has the snapshot tree', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    await strataOkAsUser('snapshot', '-n', 'k1')
    await okAsUser(`lxc-usernsexec -m b:0:${subStart}:${RANGE} -- sh -c 'echo changed > ~/.local/share/lxc/k1/rootfs/root/after'`)
    await strataOkAsUser('snapshot', '-n', 'k1', '-r', 'snap0')
    expect(existsSync(join(P, 'k1/rootfs/root/after'))).toBe(false)
    expect(existsSync(join(P, 'k1/snaps/snap0/config'))).toBe(true)
    await startAttachStop('k1')
  })

  it('strata destroy removes what LXC made and what Strata made, and lxc-ls agrees on what remains; check as the user is clean', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    await okAsUser('lxc-copy -n base -N byLxc -s -B overlay')
    await okAsUser(`lxc-start -n byLxc && lxc-attach -n byLxc -- touch /root/y && lxc-stop -n byLxc -k`)
    await strataOkAsUser('destroy', '-n', 'byLxc')
    await strataOkAsUser('destroy', '-n', 's2')
    await strataOkAsUser('destroy', '-n', 'k1', '--with-dependents')
    expect((await okAsUser('lxc-ls -1')).split('\n').filter(Boolean).sort()).toEqual(['base', 'made', 's1'])
    expect(readFileSync(join(P, 'base/lxc_snapshots'), 'utf8')).toBe(`${P}\ns1\n`)
    const check = await strataAsUser('check', '--json')
    expect(check.code, check.stderr).toBe(0)
    expect(JSON.parse(check.stdout)).toEqual([])
  })

  it('flatten makes an overlay clone standalone in the namespace: its files keep their owners and it starts', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    await strataOkAsUser('flatten', '-n', 's1')
    expect(readFileSync(join(P, 's1/config'), 'utf8')).toMatch(new RegExp(`lxc.rootfs.path = dir:${P}/s1/rootfs`))
    expect(owners('s1').find((l) => l.endsWith(' rootfs/bin/busybox'))).toBe(`${subStart} ${subStart} 755 rootfs/bin/busybox`)
    expect(owners('s1').find((l) => / config$/.test(l))).toBe(`${USER} ${USER} 640 config`)
    await startAttachStop('s1')
  })

  it('a destroy killed half-way is finished by the user\'s own strata check: nothing half-registered, nothing of it left', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    const killed = await asUser(`STRATA_FAULT=destroy:hidden ${process.execPath} ${STRATA} destroy -n s1`)
    expect(killed.code, killed.stderr).not.toBe(0)
    expect((await okAsUser('lxc-ls -1')).split('\n')).not.toContain('s1')
    const check = await strataAsUser('check', '--json')
    expect(check.code, check.stderr).toBe(0)
    expect((await okAsUser(`ls -A ${P}`)).split('\n').filter(Boolean).sort()).toEqual(['base', 'made'])
    expect(existsSync(join(P, 'base/lxc_snapshots'))).toBe(false)
    await startAttachStop('base')
  })

  it('an id map their subordinate ranges do not cover is named before anything is done: the default config\'s for a create, the container\'s own for a clone', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    const outside = (text: string): string => text.replaceAll(`0 ${subStart} ${RANGE}`, `0 ${subStart + RANGE} ${RANGE}`)
    for (const [conf, args] of [
      [join(home, '.config/lxc/default.conf'), ['create', '-n', 'nope', '-t', 'busybox']],
      [join(P, 'base/config'), ['clone', '-o', 'base', '-n', 'nope', '-s']]
    ] as const) {
      const original = readFileSync(conf, 'utf8')
      writeFileSync(conf, outside(original))
      try {
        const r = await strataAsUser(...args)
        expect(r.code, r.stderr).toBe(1)
        expect(r.stderr).toMatch(new RegExp(`${conf}: .*/etc/subuid does not give ${USER}.*usermod --add-subuids`))
        expect(existsSync(join(P, 'nope'))).toBe(false)
      } finally {
        writeFileSync(conf, original)
      }
    }
  })
})

/** Browser mode run as the test user on their lxcpath (the app's service as it runs for them), and a client of it. */
async function appAsUser(): Promise<{ api: ReturnType<typeof rpcClient>; stop: () => Promise<void> }> {
  const server = execa('su', ['-', USER, '-c', `exec ${process.execPath} ${join(REPO, 'out/main/web.js')} --lxcpath ${P}`], { reject: false, buffer: false })
  const url = await new Promise<URL>((done, fail) => {
    server.stdout!.once('data', (d: Buffer) => done(new URL(String(d).split('\n')[0]!)))
    void server.then((r) => fail(new Error(`browser mode exited ${r.exitCode}: ${String(r.stderr)}`)))
  })
  const api = rpcClient(url)
  return {
    api,
    stop: async () => {
      api.close()
      server.kill('SIGTERM')
      await server
    }
  }
}

/** Runs one task method through the app and waits for its end; its result, or its error thrown. */
async function task(api: ReturnType<typeof rpcClient>, start: () => Promise<{ taskId: string }>): Promise<unknown> {
  const ends = new Map<string, Events['taskDone']>()
  let wake = (): void => undefined
  const off = api.on('taskDone', (e) => {
    ends.set(e.taskId, e)
    wake()
  })
  try {
    const { taskId } = await start()
    while (!ends.has(taskId)) await new Promise<void>((r) => (wake = r))
    const end = ends.get(taskId)!
    if (end.error) throw new Error(`${end.error.code}: ${end.error.message}`)
    return end.result
  } finally {
    off()
  }
}

/** Root's du of a tree: allocated bytes and files, what `strata du` measures. */
function rootDu(path: string): { allocatedBytes: number; files: number } {
  return {
    allocatedBytes: Number(execFileSync('du', ['-s', '--block-size=1', path], { encoding: 'utf8' }).split('\t')[0]),
    files: Number(execFileSync('sh', ['-c', `find '${path}' -type f | wc -l`], { encoding: 'utf8' }).trim())
  }
}

describe("the app's service as an unprivileged user: writes in their user namespace (the same helper, under lxc-usernsexec)", () => {
  it('browser mode as the user makes an overlay snapshot clone and a copy clone owned as lxc-copy makes them, the clone starts, and it destroys one', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    const app = await appAsUser()
    try {
      const base = { lxcpath: P, name: 'base' }
      expect(await task(app.api, () => app.api.clone({ origin: base, name: 'ws1', snapshot: true }))).toEqual({ lxcpath: P, name: 'ws1' })
      expect(await task(app.api, () => app.api.clone({ origin: base, name: 'wk1' }))).toEqual({ lxcpath: P, name: 'wk1' })
      await okAsUser('lxc-copy -n base -N lws1 -s -B overlay')
      await okAsUser('lxc-copy -n base -N lwk1')
      expect(owners('ws1', /^strata_base_fingerprint$/)).toEqual(owners('lws1', /^overlay\/work\/work$/))
      expect(owners('wk1', COPY_RECORD)).toEqual(owners('lwk1'))
      await startAttachStop('ws1')
      expect(owners('ws1').find((l) => l.endsWith(' overlay/delta/root/from-inside'))).toBe(`${subStart} ${subStart} 644 overlay/delta/root/from-inside`)
      expect(await app.api.destroy({ lxcpath: P, name: 'wk1' })).toEqual({ destroyed: [{ lxcpath: P, name: 'wk1' }] })
      for (const name of ['lws1', 'lwk1']) await okAsUser(`lxc-destroy -n ${name}`)
      const left = (await okAsUser('lxc-ls -1')).split('\n').filter(Boolean)
      expect(left).toContain('ws1')
      expect(left).not.toContain('wk1')
      expect((await app.api.listContainers({})).map((c) => c.name).sort()).toEqual(left.sort())
    } finally {
      await app.stop()
    }
  })

  it("du and diff measure files only the mapped root may read (a 0600 file, a 0700 directory) inside the namespace: the figures equal root's du, in the CLI and the app", async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    await okAsUser('lxc-start -n ws1')
    await okAsUser(
      `lxc-attach -n ws1 -- sh -c 'mkdir -m 700 /root/private && dd if=/dev/zero of=/root/private/secret bs=1024 count=300 2>/dev/null && chmod 600 /root/private/secret && echo s > /root/only-root && chmod 600 /root/only-root'`
    )
    await okAsUser('lxc-stop -n ws1 -k')
    const upper = join(P, 'ws1/overlay/delta')
    // the user cannot read them directly
    expect((await asUser(`cat ${upper}/root/only-root`)).code).not.toBe(0)
    expect((await asUser(`ls ${upper}/root/private`)).code).not.toBe(0)
    const root = rootDu(upper)
    type Du = { ref: { name: string }; measured: { allocatedBytes: number; files: number } }
    const cli = (JSON.parse(await strataOkAsUser('du', '-n', 'ws1', '--json')) as { containers: Du[] }).containers.find((c) => c.ref.name === 'ws1')!
    expect({ allocatedBytes: cli.measured.allocatedBytes, files: cli.measured.files }).toEqual(root)
    const diff = await strataOkAsUser('diff', '-n', 'ws1')
    expect(diff).toMatch(/A \/root\/private\/secret/)
    expect(diff).toMatch(/A \/root\/only-root/)
    const app = await appAsUser()
    try {
      const usage = (await app.api.usage({ lxcpaths: [P] })).find((c) => c.ref.name === 'ws1')!
      expect({ allocatedBytes: usage.measured.allocatedBytes, files: usage.measured.files }).toEqual(root)
      const layers = await app.api.layerDiff({ lxcpath: P, name: 'ws1' })
      expect(layers.entries.map((e) => e.path)).toEqual(expect.arrayContaining(['/root/private/secret', '/root/only-root']))
    } finally {
      await app.stop()
    }
  })

  it('strata mount as the user runs a command in their namespace where the overlay (lower + upper) is mounted; the mount is gone when it exits', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    const r = await strataAsUser('mount', '-n', 'ws1', '--', 'sh', '-c', 'cat root/only-root; ls bin/busybox; grep -c " $STRATA_MOUNT overlay " /proc/self/mounts')
    expect(r.code, r.stderr).toBe(0)
    // the upper's 0600 file of the mapped root, a file of the lower, and the overlay in the namespace's mount table
    expect(r.stdout.split('\n')).toEqual(['s', 'bin/busybox', '1'])
    const at = /mounted read-only at (\S+) inside your user namespace/.exec(r.stderr)?.[1]
    expect(at, r.stderr).toBeDefined()
    expect(existsSync(at!)).toBe(false)
    expect(readFileSync('/proc/self/mounts', 'utf8')).not.toContain(at!)
    // the command's exit status is strata's
    expect((await strataAsUser('mount', '-n', 'ws1', '--', 'sh', '-c', 'exit 7')).code).toBe(7)
  })
})

describe('a container with an id map of its own, different from the default config\'s', () => {
  it('its clones and its destroy run in a namespace with its own map: owned as lxc-copy makes them, and they start', async (ctx) => {
    if (unavailable) ctx.skip(unavailable)
    const alt = subStart + 1000
    await okAsUser(`printf 'lxc.idmap = u 0 ${alt} ${RANGE - 1000}\\nlxc.idmap = g 0 ${alt} ${RANGE - 1000}\\nlxc.net.0.type = empty\\n' > ~/alt.conf && lxc-create -n alt -t busybox -f ~/alt.conf`)
    expect(owners('alt').find((l) => l.endsWith(' rootfs/bin/busybox'))).toBe(`${alt} ${alt} 755 rootfs/bin/busybox`)
    await strataOkAsUser('clone', '-o', 'alt', '-n', 'alts', '-s')
    await strataOkAsUser('clone', '-o', 'alt', '-n', 'altk')
    await okAsUser('lxc-copy -n alt -N lalts -s -B overlay')
    await okAsUser('lxc-copy -n alt -N laltk')
    expect(owners('alts', /^strata_base_fingerprint$/)).toEqual(owners('lalts', /^overlay\/work\/work$/))
    expect(owners('altk', COPY_RECORD)).toEqual(owners('laltk'))
    await startAttachStop('alts')
    expect(owners('alts').find((l) => l.endsWith(' overlay/delta/root/from-inside'))).toBe(`${alt} ${alt} 644 overlay/delta/root/from-inside`)
    await strataOkAsUser('snapshot', '-n', 'altk')
    expect(owners('altk').find((l) => l.endsWith(' snaps/snap0/rootfs/bin/busybox'))).toBe(`${alt} ${alt} 755 snaps/snap0/rootfs/bin/busybox`)
    await strataOkAsUser('destroy', '-n', 'alts')
    await strataOkAsUser('destroy', '-n', 'altk', '--with-dependents')
    for (const name of ['lalts', 'laltk', 'alt']) await okAsUser(`lxc-destroy -n ${name}`)
    expect((await okAsUser('lxc-ls -1')).split('\n')).not.toContain('alts')
  })
})
