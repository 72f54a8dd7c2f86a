// The live state poll (src/main/state-watch.ts): what one poll costs, beside the obvious
// alternative of asking LXC (`lxc-ls --active`) each time, with one container running. At one
// poll every STATE_POLL_MS, the share of a core it takes is printed too.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadEngineModule, report, timeCall } from './lib.mjs'

const { StateWatcher, STATE_POLL_MS } = await loadEngineModule('src/main/state-watch.ts')
const lxcpath = mkdtempSync(join(tmpdir(), 'strata-bench-state-'))
const lxc = (tool, ...args) => execFileSync(tool, ['-P', lxcpath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
try {
  writeFileSync(join(lxcpath, 'net.conf'), 'lxc.net.0.type = empty\n')
  lxc('lxc-create', '-n', 'b1', '-t', 'busybox', '-f', join(lxcpath, 'net.conf'))
  lxc('lxc-start', '-n', 'b1', '-d')
  const watcher = new StateWatcher([lxcpath], () => {}, 1e9)
  const poll = await timeCall(() => watcher.poll(), { runs: 2000, warmup: 100 })
  watcher.close()
  const ask = await timeCall(() => lxc('lxc-ls', '--active', '-f', '-F', 'NAME,STATE'), { runs: 20 })
  report('state poll (one running container)', poll, 'lxc-ls --active', ask, 0.05)
  console.log(`state poll every ${STATE_POLL_MS} ms: ${((poll / STATE_POLL_MS) * 100).toFixed(3)}% of a core`)
} finally {
  try {
    lxc('lxc-stop', '-n', 'b1', '-k')
  } catch {
    /* not running */
  }
  rmSync(lxcpath, { recursive: true, force: true })
  rmSync(`/run/lxc/lock${lxcpath}`, { recursive: true, force: true })
}
