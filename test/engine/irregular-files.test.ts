// A config, an lxc.include or a bookkeeping file that is a device, a FIFO, a socket (or a
// symlink to one) or is huge must not hang or swamp the listing of the whole lxcpath: only
// regular files are read, up to a cap, and the container is listed with a problem that names
// the file and the rule. Each listing runs in a child process with a kill timer and a memory cap
// (a regression fails the test rather than hanging the suite), once with the native reader and
// once without it (STRATA_NATIVE pointing at nothing), and both must give the same answer.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ContainerInfo } from '../../src/shared/model'
import { strataBounded } from '../helpers/lxc'

const BIG = 9 * 1024 * 1024 // above the 8 MiB cap

let dir: string
let P: string
let fifo: string
let socket: string
let bigInclude: string

const withoutNative = (): Record<string, string> => ({ STRATA_NATIVE: join(dir, 'missing.node') })

function container(name: string, config: string, files: Record<string, string> = {}): void {
  mkdirSync(join(P, name))
  writeFileSync(join(P, name, 'config'), config)
  for (const [f, text] of Object.entries(files)) writeFileSync(join(P, name, f), text)
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-irregular-'))
  P = join(dir, 'lxc')
  mkdirSync(P)
  fifo = join(dir, 'fifo')
  execFileSync('mkfifo', [fifo])
  socket = join(dir, 'socket')
  execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', socket])
  bigInclude = join(dir, 'big.conf')
  writeFileSync(bigInclude, '')
  truncateSync(bigInclude, BIG)

  const rootfs = (name: string): string => `lxc.rootfs.path = dir:${P}/${name}/rootfs\n`
  container('ok', rootfs('ok'))
  for (const [name, target] of Object.entries({ 'inc-zero': '/dev/zero', 'inc-urandom': '/dev/urandom', 'inc-fifo': fifo, 'inc-socket': socket, 'inc-big': bigInclude })) {
    container(name, `lxc.include = ${target}\n${rootfs(name)}`)
  }
  mkdirSync(join(P, 'link-zero'))
  symlinkSync('/dev/zero', join(P, 'link-zero/config'))
  mkdirSync(join(P, 'fifo-config'))
  execFileSync('mkfifo', [join(P, 'fifo-config/config')])
  mkdirSync(join(P, 'big-config'))
  writeFileSync(join(P, 'big-config/config'), rootfs('big-config'))
  truncateSync(join(P, 'big-config/config'), BIG)
  container('fifo-snapshots', rootfs('fifo-snapshots'))
  execFileSync('mkfifo', [join(P, 'fifo-snapshots/lxc_snapshots')])
  container('zero-rdepends', rootfs('zero-rdepends'))
  symlinkSync('/dev/zero', join(P, 'zero-rdepends/lxc_rdepends'))
  // an lxc-snapshot snapshot whose ts is a FIFO and whose comment is /dev/zero
  container('odd-snapshot', rootfs('odd-snapshot'))
  mkdirSync(join(P, 'odd-snapshot/snaps/snap0'), { recursive: true })
  writeFileSync(join(P, 'odd-snapshot/snaps/snap0/config'), 'lxc.rootfs.path = dir:/srv/snap0\n')
  execFileSync('mkfifo', [join(P, 'odd-snapshot/snaps/snap0/ts')])
  symlinkSync('/dev/zero', join(P, 'odd-snapshot/snaps/snap0/comment'))
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** `strata ls --json`, bounded; fails the test on a hang or a crash. */
async function listing(env?: Record<string, string>): Promise<ContainerInfo[]> {
  const r = await strataBounded(['ls', '-P', P, '--json'], { env })
  expect(r.timedOut, 'strata ls hung (killed after 20 s)').toBe(false)
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as ContainerInfo[]
}

describe('files that are not regular, or too large', () => {
  it('are not read: every container is listed, with a problem naming the file and the rule, the same with or without the native reader', async () => {
    const native = await listing()
    const js = await listing(withoutNative())
    expect(native).toEqual(js)
    const byName = new Map(native.map((c) => [c.name, c]))
    expect([...byName.keys()].sort()).toEqual(
      ['big-config', 'fifo-config', 'fifo-snapshots', 'inc-big', 'inc-fifo', 'inc-socket', 'inc-urandom', 'inc-zero', 'link-zero', 'odd-snapshot', 'ok', 'zero-rdepends'].sort()
    )
    const problem = (name: string) => {
      const c = byName.get(name)!
      expect(c.problems, name).toHaveLength(1)
      return c.problems[0]!
    }
    expect(byName.get('ok')!.problems).toEqual([])

    // an include: reported at its line, and the rest of the config still read
    const includes = { 'inc-zero': ['/dev/zero', 'a character device'], 'inc-urandom': ['/dev/urandom', 'a character device'], 'inc-fifo': [fifo, 'a FIFO (named pipe)'], 'inc-socket': [socket, 'a socket'] }
    for (const [name, [target, kind]] of Object.entries(includes)) {
      expect(problem(name), name).toMatchObject({ file: join(P, name, 'config'), line: 1, rule: 'not-regular-file', severity: 'error' })
      expect(problem(name).message, name).toContain(`lxc.include "${target}" is ${kind}, not a regular file`)
      expect(byName.get(name)!.rootfs, name).toBe(`dir:${P}/${name}/rootfs`)
    }
    expect(problem('inc-big')).toMatchObject({ file: bigInclude, rule: 'file-too-large' })
    expect(problem('inc-big').message).toBe(`${bigInclude} is larger than 8 MiB, the most Strata reads of a config or bookkeeping file.`)
    expect(byName.get('inc-big')!.rootfs).toBe(`dir:${P}/inc-big/rootfs`)

    // the config itself
    expect(problem('link-zero')).toMatchObject({ file: join(P, 'link-zero/config'), rule: 'not-regular-file' })
    expect(problem('link-zero').message).toContain(`${join(P, 'link-zero/config')} is a character device, not a regular file`)
    expect(problem('fifo-config')).toMatchObject({ file: join(P, 'fifo-config/config'), rule: 'not-regular-file' })
    expect(problem('fifo-config').message).toContain('is a FIFO (named pipe), not a regular file')
    expect(problem('big-config')).toMatchObject({ file: join(P, 'big-config/config'), rule: 'file-too-large' })

    // LXC's bookkeeping: the config is fine, the file is reported
    expect(problem('fifo-snapshots').rule).toBe('bookkeeping-unreadable')
    expect(problem('fifo-snapshots').message).toContain(`${join(P, 'fifo-snapshots/lxc_snapshots')} is a FIFO (named pipe), not a regular file`)
    expect(byName.get('fifo-snapshots')!.rootfs).toBe(`dir:${P}/fifo-snapshots/rootfs`)
    expect(problem('zero-rdepends').rule).toBe('bookkeeping-unreadable')
    expect(problem('zero-rdepends').message).toContain(`${join(P, 'zero-rdepends/lxc_rdepends')} is a character device, not a regular file`)

    // a snapshot's ts and comment: optional, so left out
    const odd = byName.get('odd-snapshot')!
    expect(odd.problems).toEqual([])
    expect(odd.snapshots).toMatchObject([{ name: 'snap0', timestamp: null, comment: null, rootfs: 'dir:/srv/snap0' }])
  }, 60_000)

  it('do not hang check, lineage or config either', async () => {
    for (const env of [undefined, withoutNative()]) {
      const check = await strataBounded(['check', '-P', P], { env })
      expect(check.timedOut).toBe(false)
      expect(check.code, check.stderr).toBe(1)
      expect(check.stdout).toContain(`lxc.include "/dev/zero" is a character device, not a regular file`)
      expect(check.stdout).toContain('12 containers checked')
      const lineage = await strataBounded(['lineage', '-P', P], { env })
      expect(lineage.timedOut).toBe(false)
      expect(lineage.code, lineage.stderr).toBe(0)
      expect(lineage.stdout).toContain(join(P, 'link-zero'))
    }
    const raw = await strataBounded(['config', '-P', P, '-n', 'link-zero'])
    expect(raw.timedOut).toBe(false)
    expect(raw.code).toBe(1)
    expect(raw.stderr).toBe(`strata config: ${join(P, 'link-zero/config')} is a character device, not a regular file: Strata reads only regular files as configs and bookkeeping (a device, FIFO or socket can block or never end).`)
    const expanded = await strataBounded(['config', '-P', P, '-n', 'inc-fifo', '--expanded'])
    expect(expanded.timedOut).toBe(false)
    expect(expanded.code).toBe(1)
    expect(expanded.stdout).toBe(`lxc.include = ${fifo}\nlxc.rootfs.path = dir:${P}/inc-fifo/rootfs`)
    expect(expanded.stderr).toContain(`lxc.include "${fifo}" is a FIFO (named pipe), not a regular file`)
  }, 120_000)

  it('are never opened: a writer waiting on a FIFO config stays waiting', async () => {
    // Opening a FIFO for reading releases a writer blocked in its open; opening some devices
    // acts by itself. The listing must decide from a stat, before any open.
    const fifoConfig = join(P, 'fifo-config/config')
    for (const env of [undefined, withoutNative()]) {
      let writer: ChildProcess | null = null
      try {
        let out = ''
        writer = spawn('sh', ['-c', `exec 3>"$1"; echo opened`, 'sh', fifoConfig], { stdio: ['ignore', 'pipe', 'ignore'] })
        writer.stdout!.on('data', (d: Buffer) => (out += d.toString()))
        await listing(env)
        await new Promise((r) => setTimeout(r, 200))
        expect(out, env ? 'without the native reader' : 'with the native reader').toBe('')
        expect(writer.exitCode).toBe(null)
      } finally {
        writer?.kill('SIGKILL')
      }
    }
  }, 60_000)
})
