// The state watcher polls the command sockets; a container that starts and stops between two of
// its polls changes nothing it compares. If a listing saw that container running meanwhile, the
// list shows "running" until the lxcpath is reported: the next poll must report it (this left a
// remote host's row "running" for good after `lxc-start` and `lxc-stop -k` a moment apart).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { StateWatcher } from '../../src/main/state-watch'
import { listContainers } from '../../src/main/engine/lxcpath'

let P = ''
const lxc = (tool: string, ...args: string[]): void => void execFileSync(tool, ['-P', P, '-n', 'c1', ...args], { stdio: 'ignore', timeout: 60_000 })

beforeAll(() => {
  P = mkdtempSync('/tmp/strata-state-watch-')
  writeFileSync(`${P}/net.conf`, 'lxc.net.0.type = empty\n')
  lxc('lxc-create', '-t', 'busybox', '-f', `${P}/net.conf`)
}, 120_000)

afterAll(() => {
  try {
    lxc('lxc-stop', '-k')
  } catch {
    // not running
  }
  try {
    lxc('lxc-destroy')
  } finally {
    rmSync(P, { recursive: true, force: true })
  }
})

it('reports an lxcpath whose container a listing saw running between two polls that both saw it stopped', async () => {
  const reported: string[] = []
  // polled by hand: no timer comes between the steps
  const watcher = new StateWatcher([P], (p) => reported.push(p), 3_600_000)
  try {
    watcher.poll()
    expect(reported).toEqual([])
    lxc('lxc-start', '-d')
    const seen = (await listContainers([P])).find((c) => c.name === 'c1')?.state
    lxc('lxc-stop', '-k')
    expect(seen).not.toBe('stopped')
    watcher.poll()
    expect(reported).toEqual([P])
    // once the list has been asked again, nothing more to say (beyond the settling re-reports)
    expect((await listContainers([P])).find((c) => c.name === 'c1')?.state).toBe('stopped')
  } finally {
    watcher.close()
  }
})
