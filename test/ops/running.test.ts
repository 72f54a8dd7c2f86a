// strata start|stop|restart|freeze|unfreeze against real LXC, checked with lxc-info; refusals
// by the shared state rule (and a start whose lower layer is gone); a start that fails says why
// (LXC's ERROR line, the cause in words);
// the container's LXC log read by offset, as the app follows it.
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeLxcpath, strata, type TestLxcpath } from '../helpers/lxc'
import { execa } from 'execa'
import { lxcLogLocation, logSize, readContainerLog } from '../../src/main/engine/lxc-log'
import { diagnoseStart } from '../../src/main/engine/start-diagnosis'
import { readContainer } from '../../src/main/engine/container'
import { startContainer } from '../../src/main/engine/ops/lifecycle'
import { isStrataError } from '../../src/shared/errors'

let P: TestLxcpath

beforeAll(async () => {
  P = await makeLxcpath('strata-run-')
  await P.create('r1')
}, 120_000)
afterAll(async () => {
  await P?.cleanup()
})

const state = async (name: string): Promise<string> => (await P.lxc('lxc-info', '-n', name, '-s')).replace(/^State:\s*/, '').trim()

describe('the lifecycle, as lxc-info sees it', () => {
  it('start, freeze, unfreeze, restart, stop; each refused in words where the state does not allow it', async () => {
    const run = (...a: string[]) => strata(...a, '-P', P.path, '-n', 'r1')
    expect(await run('stop')).toMatchObject({ code: 1, stderr: 'strata stop: r1 is not running.' })
    expect(await run('freeze')).toMatchObject({ code: 1, stderr: 'strata freeze: r1 is not running.' })
    expect(await run('restart')).toMatchObject({ code: 1, stderr: 'strata restart: r1 is not running: start it instead.' })

    expect(await run('start')).toMatchObject({ code: 0, stdout: 'Started r1' })
    expect(await state('r1')).toBe('RUNNING')
    expect(await run('start')).toMatchObject({ code: 1, stderr: 'strata start: r1 is already running.' })
    expect(await run('unfreeze')).toMatchObject({ code: 1, stderr: 'strata unfreeze: r1 is not frozen.' })
    // destroy follows the same rule, and says what to do
    expect(await strata('destroy', '-P', P.path, '-n', 'r1')).toMatchObject({ code: 1, stderr: expect.stringContaining('r1 is running: stop it before you destroy it') })

    expect(await run('freeze')).toMatchObject({ code: 0, stdout: 'Froze r1' })
    expect(await state('r1')).toBe('FROZEN')
    expect(await run('restart')).toMatchObject({ code: 1, stderr: 'strata restart: r1 is frozen: unfreeze it first.' })
    expect(await run('unfreeze')).toMatchObject({ code: 0, stdout: 'Unfroze r1' })
    expect(await state('r1')).toBe('RUNNING')

    const pid = await P.lxc('lxc-info', '-n', 'r1', '-p', '-H')
    expect(await run('restart', '-t', '10')).toMatchObject({ code: 0, stdout: 'Restarted r1' })
    expect(await state('r1')).toBe('RUNNING')
    expect(await P.lxc('lxc-info', '-n', 'r1', '-p', '-H')).not.toBe(pid)

    // a frozen container is thawed first, so it shuts down cleanly instead of waiting out the timeout
    await P.lxc('lxc-freeze', '-n', 'r1')
    expect(await run('stop', '-t', '20')).toMatchObject({ code: 0, stdout: 'Stopped r1' })
    expect(await state('r1')).toBe('STOPPED')

    await P.lxc('lxc-start', '-n', 'r1', '-d')
    expect(await run('stop', '-k')).toMatchObject({ code: 0 })
    expect(await state('r1')).toBe('STOPPED')
  }, 120_000)

  it('bad input: a malformed timeout is a usage error, a missing container is not found', async () => {
    expect(await strata('stop', '-P', P.path, '-n', 'r1', '-t', 'soon')).toMatchObject({ code: 2, stderr: expect.stringContaining('-t TIMEOUT is whole seconds') })
    expect(await strata('start', '-P', P.path, '-n', 'r1', '-F')).toMatchObject({ code: 2 })
    expect(await strata('start', '-P', P.path, '-n', 'nope')).toMatchObject({ code: 3, stderr: expect.stringContaining(`There is no container nope in ${P.path}`) })
  })
})

describe('why a start failed', () => {
  it('an overlay clone whose origin was removed: refused before lxc-start, naming the lower, in the CLI and in the error\'s data', async () => {
    await P.lxc('lxc-copy', '-n', 'r1', '-N', 'gone')
    await P.lxc('lxc-copy', '-n', 'gone', '-N', 'orphan', '-s', '-B', 'overlay')
    rmSync(join(P.path, 'gone'), { recursive: true })
    const logFile = join(P.path, 'orphan', 'orphan.log')
    const r = await strata('start', '-P', P.path, '-n', 'orphan')
    expect(r).toMatchObject({ code: 1, stderr: `strata start: orphan cannot start: its lower layer ${P.path}/gone/rootfs is gone (its origin was removed without LXC).` })
    // refused, not tried: LXC wrote no log of a start
    expect(existsSync(logFile) ? readFileSync(logFile, 'utf8') : '').not.toContain('Failed to mount')
    expect(await state('orphan')).toBe('STOPPED')
    const err = await startContainer({ lxcpath: P.path, name: 'orphan' }).catch((e: unknown) => e)
    expect(isStrataError(err) && [err.rule, err.said?.key]).toEqual(['lower-gone', 'finding-lower-gone'])
  }, 60_000)

  it('a start LXC itself fails for a lower layer gone (as from a terminal): the cause in words and LXC\'s own lines', async () => {
    const ref = { lxcpath: P.path, name: 'orphan' }
    const log = lxcLogLocation(ref)
    const from = logSize(log.file)
    const lxcStart = await execa('lxc-start', ['-P', P.path, '-n', 'orphan', '-d', '-o', log.file, '-l', 'DEBUG'], { reject: false })
    expect(lxcStart.exitCode).not.toBe(0)
    const d = diagnoseStart(readContainer(ref), log, from)
    expect(d.causes.map((c) => c.rule)).toEqual(['origin-removed'])
    expect(d.causes[0]?.message).toContain(`its lower layer ${P.path}/gone/rootfs no longer exists`)
    expect(d.lines[0]).toMatchObject({ level: 'ERROR', text: expect.stringContaining('Failed to mount') })
    expect(d.lines.filter((l) => l.text.includes('Failed to mount "')).length).toBe(1)
    expect(d.lines.map((l) => l.text).join('\n')).not.toContain('foreground mode')
  }, 60_000)

  it('a veth network on a bridge that does not exist', async () => {
    await P.lxc('lxc-copy', '-n', 'r1', '-N', 'bridged')
    const cfg = join(P.path, 'bridged', 'config')
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace(/^lxc\.net\.0\.type = empty$/m, 'lxc.net.0.type = veth\nlxc.net.0.link = nosuchbr0\nlxc.net.0.flags = up'))
    const r = await strata('start', '-P', P.path, '-n', 'bridged')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('lxc.net.0 is a veth attached to the bridge nosuchbr0, which does not exist on this host')
    expect(r.stderr).toMatch(/ERROR {2}.*nosuchbr0/)
  }, 60_000)

  it('an unprivileged container whose rootfs is outside its id map', async () => {
    await P.lxc('lxc-copy', '-n', 'r1', '-N', 'unpriv')
    appendFileSync(join(P.path, 'unpriv', 'config'), 'lxc.idmap = u 0 100000 65536\nlxc.idmap = g 0 100000 65536\n')
    const r = await strata('start', '-P', P.path, '-n', 'unpriv')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`unpriv is unprivileged (lxc.idmap maps its root to host uid 100000-165535), but its rootfs ${P.path}/unpriv/rootfs is owned by host uid 0, outside that map`)
  }, 60_000)
})

describe('the LXC log, followed by offset', () => {
  it('reads the tail, then only what was appended; a log that shrank is read from its start', async () => {
    await P.lxc('lxc-copy', '-n', 'r1', '-N', 'logged')
    expect((await strata('start', '-P', P.path, '-n', 'logged')).code).toBe(0)
    await P.lxc('lxc-stop', '-n', 'logged', '-k')
    const ref = { lxcpath: P.path, name: 'logged' }
    const first = readContainerLog(ref)
    expect(first).toMatchObject({ file: `${P.path}/logged/logged.log`, source: 'strata', exists: true })
    expect(first.lines.some((l) => l.level === 'DEBUG')).toBe(true) // Strata asked LXC for a debug log
    appendFileSync(first.file, 'lxc-start logged 20261206000000.000 ERROR    x - f.c:g:1 - one more\npartial')
    const next = readContainerLog(ref, first.next)
    expect(next.lines).toEqual([{ level: 'ERROR', text: 'one more', raw: 'lxc-start logged 20261206000000.000 ERROR    x - f.c:g:1 - one more' }])
    // the unfinished line waits for its end
    appendFileSync(first.file, ' line\n')
    expect(readContainerLog(ref, next.next).lines.map((l) => l.text)).toEqual(['partial line'])
    writeFileSync(first.file, 'short\n')
    expect(readContainerLog(ref, next.next)).toMatchObject({ offset: 0, lines: [{ level: null, text: 'short' }] })
  }, 60_000)

  it('uses the config\'s lxc.log.file when one is set, and reads nothing but a regular file', () => {
    const cfg = join(P.path, 'r1', 'config')
    const before = readFileSync(cfg, 'utf8')
    try {
      writeFileSync(cfg, `${before}lxc.log.file = ${P.path}/r1/own.log\n`)
      expect(readContainerLog({ lxcpath: P.path, name: 'r1' })).toMatchObject({ file: `${P.path}/r1/own.log`, source: 'config', exists: false, lines: [] })
      writeFileSync(cfg, `${before}lxc.log.file = /dev/zero\n`)
      expect(() => readContainerLog({ lxcpath: P.path, name: 'r1' })).toThrow(/not a log file/)
    } finally {
      writeFileSync(cfg, before)
    }
  })
})
