// A console under load: 10 MB of output from inside a running busybox container, through the
// pty, the flow control, browser mode's WebSocket and xterm.js in Chromium, against the same
// 10 MB through `lxc-attach` into a pipe (LXC's own ceiling, no terminal). Prints the time and
// throughput, and the page's frame times while the output streams (the page must not stall).
// Needs root (lxc-start), LXC's busybox template and `npx electron-vite build` (out/).
/* global document -- this runs inside the page (page.evaluate) */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { chromium } from '@playwright/test'
import { median, recordFrames, report } from './lib.mjs'

const BYTES = 10_000_000
// 10 MB of 50-character lines, then a marker the command line itself does not contain.
const PRODUCE = `yes 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM | head -c ${BYTES}; echo BENCH-""END`

const lxc = (tool, args) => {
  const r = spawnSync(tool, args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${r.stderr}`)
  return r.stdout
}

const dir = mkdtempSync('/tmp/strata-bench-console-')
writeFileSync(`${dir}/.net.conf`, 'lxc.net.0.type = empty\n')
let web = null
let browser = null
try {
  lxc('lxc-create', ['-P', dir, '-n', 'bench', '-t', 'busybox', '-f', `${dir}/.net.conf`])
  lxc('lxc-start', ['-P', dir, '-n', 'bench', '-d'])
  lxc('lxc-wait', ['-P', dir, '-n', 'bench', '-s', 'RUNNING', '-t', '30'])

  // The peer: the same output through lxc-attach into a pipe (no pty, nothing drawn).
  const peerRuns = [0, 1, 2].map(() => {
    const t = performance.now()
    const r = spawnSync('lxc-attach', ['-P', dir, '-n', 'bench', '--', 'sh', '-c', PRODUCE], { maxBuffer: 4 * BYTES })
    if (r.status !== 0 || r.stdout.length < BYTES) throw new Error(`lxc-attach into a pipe failed (${r.status}): ${r.stderr}`)
    return performance.now() - t
  })
  const peerMs = median(peerRuns)

  web = spawn(process.execPath, ['out/main/web.js', '--lxcpath', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] })
  const url = await new Promise((resolve, reject) => {
    web.once('exit', (c) => reject(new Error(`browser mode exited with ${c}`)))
    createInterface({ input: web.stdout }).once('line', (l) => resolve(l.trim()))
  })
  // No system bus for the browser: a test elsewhere restarting dbus-daemon must not abort it mid-run.
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
    env: { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent' }
  })
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  await page.goto(url)
  await page.getByTestId('container-row-bench').click()
  await page.getByTestId('details-console').click()
  const rows = page.locator('.console-term:not([hidden]) .xterm-rows')
  await rows.getByText('#').first().waitFor()
  await page.locator('.console-term:not([hidden])').click()

  const times = []
  const frames = []
  // Browser mode's memory (the engine runs in it) while the output streams: it should stay flat.
  const rss = () => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${web.pid}/status`, 'utf8'))?.[1])
  const rssBefore = rss()
  let rssMax = rssBefore
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rss())), 100)
  for (let run = 0; run < 3; run++) {
    await page.keyboard.type('clear\n')
    const recording = await recordFrames(page)
    const t = performance.now()
    await page.keyboard.type(`${PRODUCE}\n`)
    await page.waitForFunction(() => /BENCH-END/.test(document.querySelector('.console-term:not([hidden]) .xterm-rows')?.textContent ?? ''), null, { timeout: 300_000, polling: 50 })
    times.push(performance.now() - t)
    frames.push(...(await recording.stop(1)))
  }
  clearInterval(sampler)
  const ms = median(times)
  const sorted = [...frames].sort((a, b) => a - b)
  const p95 = sorted[Math.floor(sorted.length * 0.95)]
  report('console 10 MB into xterm.js (browser mode)', ms, 'lxc-attach into a pipe', peerMs)
  console.log(
    `console throughput: ${(BYTES / 1e6 / (ms / 1000)).toFixed(1)} MB/s (lxc-attach into a pipe: ${(BYTES / 1e6 / (peerMs / 1000)).toFixed(1)} MB/s)`
  )
  console.log(`console: browser mode's RSS ${(rssBefore / 1024).toFixed(0)} MiB before, at most ${(rssMax / 1024).toFixed(0)} MiB while 3 x 10 MB streamed`)
  console.log(`console frame time while streaming: median ${median(frames).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms over ${frames.length} frames`)
} finally {
  await browser?.close()
  if (web && web.exitCode === null) {
    const exited = new Promise((r) => web.once('exit', r))
    web.kill('SIGTERM')
    await exited
  }
  spawnSync('lxc-stop', ['-P', dir, '-n', 'bench', '-k'])
  spawnSync('lxc-destroy', ['-P', dir, '-n', 'bench'])
  rmSync(dir, { recursive: true, force: true })
}
