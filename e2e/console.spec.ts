// A console from the UI on a running container (browser mode, real LXC): open it from the
// details, type `hostname` and see the container's name, `touch /root/x` and find the file in
// the rootfs, close the tab and find no lxc-attach left. At 1024x700 nothing is clipped.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { test, expect, useStrata, snap } from './fixtures'
import { openConsole, runInConsole } from './console-steps'
import { createStartable, lxcTool } from './lxc'

const env = useStrata(() => {
  const p = mkdtempSync('/tmp/strata-e2e-console-')
  createStartable(p, 'console1')
  lxcTool('lxc-start', ['-P', p, '-n', 'console1', '-d'])
  lxcTool('lxc-wait', ['-P', p, '-n', 'console1', '-s', 'RUNNING', '-t', '30'])
  return p
})

/** lxc-attach processes serving this spec's lxcpath (zombies excluded). */
function attaches(lxcpath: string): string[] {
  const found: string[] = []
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
      const zombie = /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (argv[0]?.endsWith('lxc-attach') && argv.includes(lxcpath) && !zombie) found.push(pid)
    } catch {
      // it ended while we looked
    }
  }
  return found
}

test('a console on a running container: hostname, touch, close', async ({ openApp, page }) => {
  await page.setViewportSize({ width: 1024, height: 700 })
  await openApp(env)
  const term = await openConsole(page, 'console1')
  await runInConsole(page, term, 'hostname', 'console1')
  await runInConsole(page, term, 'touch /root/x')
  await expect.poll(() => existsSync(`${env.lxcpath}/console1/rootfs/root/x`)).toBe(true)

  // Paste: what the browser's paste event carries reaches the shell, lines and all.
  await term.locator('textarea').evaluate((ta) => {
    const data = new DataTransfer()
    data.setData('text/plain', 'echo pasted-$((6*7))\n')
    ta.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  })
  await expect(term.locator('.xterm-rows')).toContainText('pasted-42')
  // Copy: a word selected with a double click is what the page's copy event carries.
  const row = (await term.locator('.xterm-rows > div', { hasText: /^pasted-42\s*$/ }).last().boundingBox())!
  await page.mouse.dblclick(row.x + 20, row.y + row.height / 2)
  const copied = await term.locator('textarea').evaluate((ta) => {
    const data = new DataTransfer()
    ta.dispatchEvent(new ClipboardEvent('copy', { clipboardData: data, bubbles: true, cancelable: true }))
    return data.getData('text/plain')
  })
  expect(copied).toBe('pasted-42')

  // A second console in its own tab, then the screen at the smallest size Strata supports.
  await page.getByTestId('details-tty').click()
  await expect(page.getByTestId('console-dock').getByRole('tab')).toHaveCount(2)
  await snap(page, 'console-1024x700')
  for (const el of [page.getByTestId('console-dock'), page.getByTestId('details'), page.getByTestId('details-console')]) {
    const box = (await el.boundingBox())!
    expect(box.x + box.width).toBeLessThanOrEqual(1024)
    expect(box.y + box.height).toBeLessThanOrEqual(700)
  }

  expect(attaches(env.lxcpath)).toHaveLength(1)
  await page.getByTestId('console-close-console1').first().click()
  await page.getByTestId('console-close-console1').first().click()
  await expect(page.getByTestId('console-dock')).toHaveCount(0)
  await expect.poll(() => attaches(env.lxcpath), { timeout: 5000 }).toEqual([])
})

test('closing the page closes its consoles', async ({ openApp, page }) => {
  await openApp(env)
  await openConsole(page, 'console1')
  expect(attaches(env.lxcpath)).toHaveLength(1)
  await page.close()
  await expect.poll(() => attaches(env.lxcpath), { timeout: 5000 }).toEqual([])
})

test('a console ends, and says so, when its container stops', async ({ openApp }) => {
  const page = await openApp(env)
  const term = await openConsole(page, 'console1')
  lxcTool('lxc-stop', ['-P', env.lxcpath, '-n', 'console1', '-k'])
  await expect(page.getByTestId('console-tab-console1')).toContainText('ended')
  await expect(term.locator('.xterm-rows')).toContainText('console ended')
  await expect.poll(() => attaches(env.lxcpath), { timeout: 5000 }).toEqual([])
})
