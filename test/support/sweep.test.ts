// The sweep of what killed runs left (sweep.ts): a run that records a network namespace, a
// temporary directory and an allow-list line, then is SIGKILLed before its cleanup, leaves them;
// the sweep removes exactly those, and leaves a live run's records and resources alone.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { describe, expect, it } from 'vitest'
import { ALLOW_LIST_FILE } from '../../src/main/helper/lxcpath-policy'
import { own, OWNED_ROOT, startTime } from './owned'
import { sweepDeadRuns } from './sweep'

const ROOT = process.getuid?.() === 0 ? null : 'network namespaces and the allow-list need root'
const TSX = join(import.meta.dirname, '../../node_modules/.bin/tsx')

const netnsExists = async (name: string): Promise<boolean> => (await execa('ip', ['netns', 'list'])).stdout.split('\n').some((l) => l.split(' ')[0] === name)
const allowed = (path: string): boolean => existsSync(ALLOW_LIST_FILE) && readFileSync(ALLOW_LIST_FILE, 'utf8').split('\n').includes(path)

describe('the sweep at the start of a run', () => {
  it('removes what a SIGKILLed run recorded and left, and nothing of a live run', async (ctx) => {
    if (ROOT) ctx.skip(ROOT)
    const dir = mkdtempSync('/tmp/strata-sweep-test-')
    const netns = `strata-sweep-${process.pid}`
    const lxcpath = join(dir, 'lxc')
    // a live run's: this process's own record of a directory of its own, which must stay
    const liveDir = mkdtempSync('/tmp/strata-sweep-live-')
    const forgetLive = own({ kind: 'dir', path: liveDir })
    try {
      // the killed run: makes them as the fixtures do (recorded, then made), then dies without cleanup
      const script = [
        `import { own } from ${JSON.stringify(join(import.meta.dirname, 'owned.ts'))}`,
        `import { allowLxcpaths } from ${JSON.stringify(join(import.meta.dirname, '../helper/allow-list.ts'))}`,
        `import { execFileSync } from 'node:child_process'`,
        `own({ kind: 'dir', path: ${JSON.stringify(dir)} })`,
        `own({ kind: 'netns', name: ${JSON.stringify(netns)} })`,
        `execFileSync('ip', ['netns', 'add', ${JSON.stringify(netns)}])`,
        `await allowLxcpaths([${JSON.stringify(lxcpath)}])`,
        `process.kill(process.pid, 'SIGKILL')`
      ].join('\n')
      const file = join(liveDir, 'killed-run.mts')
      writeFileSync(file, script)
      const killed = await execa(TSX, ['--tsconfig', join(import.meta.dirname, '../../tsconfig.node.json'), file], { reject: false, stdin: 'ignore', timeout: 50_000 })
      // (tsx runs the script in a child of its own, and reports its SIGKILL as exit status 137)
      expect(killed.signal ?? killed.exitCode, killed.stderr).toSatisfy((how: unknown) => how === 'SIGKILL' || how === 137)
      expect(await netnsExists(netns)).toBe(true)
      expect(allowed(lxcpath)).toBe(true)

      const removed = await sweepDeadRuns()
      expect(removed).toEqual(expect.arrayContaining([`netns ${netns}`, `allowed-lxcpath ${lxcpath}`, `dir ${dir}`]))
      expect(await netnsExists(netns)).toBe(false)
      expect(allowed(lxcpath)).toBe(false)
      expect(existsSync(dir)).toBe(false)
      // the live run's record and directory are as they were
      expect(existsSync(liveDir)).toBe(true)
      expect(existsSync(join(OWNED_ROOT, `${process.pid}.${startTime(process.pid)}`))).toBe(true)
    } finally {
      forgetLive()
      await execa('ip', ['netns', 'del', netns], { reject: false })
      rmSync(dir, { recursive: true, force: true })
      rmSync(liveDir, { recursive: true, force: true })
    }
  })
})
