// Running containers from the UI: start, freeze, unfreeze and stop as tasks, each state as
// lxc-info reports it; the buttons follow the state (disabled, the reason on hover); a start or
// stop in a terminal is on screen within a second; destroy of a running container offers to stop
// it first; a start that fails says why (LXC's error line and the cause in words) and the
// container's LXC log can be read. At 1024x700, where nothing may be clipped.
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { test, expect, useStrata, snap, openTasks } from './fixtures'
import { copyContainer, lxcTool } from './lxc'

const env = useStrata()
test.use({ viewport: { width: 1024, height: 700 } })

const lxcState = (name: string): string => lxcTool('lxc-info', ['-P', env.lxcpath, '-n', name, '-s']).replace(/^State:\s*/, '').trim()

test('start, freeze, unfreeze and stop from the UI; the buttons follow the state; lxc-start in a terminal shows within a second', async ({ openApp }) => {
  test.setTimeout(120_000)
  const page = await openApp(env)
  const row = page.getByTestId('container-row-copy1')
  await row.click()
  await expect(page.getByTestId('details-stop')).toBeDisabled()
  await expect(page.getByTestId('details-stop')).toHaveAttribute('title', 'copy1 is not running.')

  await page.getByTestId('details-start').click()
  await expect(row).toContainText('running', { timeout: 30_000 })
  expect(lxcState('copy1')).toBe('RUNNING')
  await openTasks(page)
  await expect(page.getByTestId('task-copy1')).toHaveAttribute('data-status', 'done')
  await page.getByTestId('tasks-toggle').click()
  await expect(page.getByTestId('details-start')).toBeDisabled()
  await expect(page.getByTestId('details-start')).toHaveAttribute('title', 'copy1 is already running.')

  await page.getByTestId('details-freeze').click()
  await expect(row).toContainText('frozen', { timeout: 10_000 })
  expect(lxcState('copy1')).toBe('FROZEN')
  await expect(page.getByTestId('details-restart')).toHaveAttribute('title', 'copy1 is frozen: unfreeze it first.')
  await snap(page, 'lifecycle-frozen-1024')
  await page.getByTestId('details-unfreeze').click()
  await expect(row).toContainText('running', { timeout: 10_000 })
  expect(lxcState('copy1')).toBe('RUNNING')

  // Destroy says, before anything is destroyed, that it must be stopped first, and offers to.
  await page.getByTestId('details-destroy').hover()
  await expect(page.getByTestId('details-destroy')).toHaveAttribute('title', /copy1 is running: stop it before you destroy it/)
  await page.getByTestId('details-destroy').click()
  await expect(page.getByTestId('destroy-must-stop')).toBeVisible()
  await expect(page.getByTestId('destroy-confirm')).toBeDisabled()
  await snap(page, 'lifecycle-destroy-running-1024')
  await page.getByTestId('destroy-stop-first').click()
  await expect(page.getByTestId('destroy-must-stop')).toHaveCount(0, { timeout: 30_000 })
  await expect(page.getByTestId('destroy-confirm')).toBeEnabled()
  expect(lxcState('copy1')).toBe('STOPPED')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('destroy-dialog')).toHaveCount(0)
  await expect(row).toContainText('stopped')

  // From a terminal: on screen within a second, without a reload.
  const base = page.getByTestId('container-row-base')
  lxcTool('lxc-start', ['-P', env.lxcpath, '-n', 'base', '-d'])
  try {
    await expect(base).toContainText('running', { timeout: 1500 })
    lxcTool('lxc-freeze', ['-P', env.lxcpath, '-n', 'base'])
    await expect(base).toContainText('frozen', { timeout: 1500 })
    lxcTool('lxc-unfreeze', ['-P', env.lxcpath, '-n', 'base'])
    await expect(base).toContainText('running', { timeout: 1500 })
  } finally {
    lxcTool('lxc-stop', ['-P', env.lxcpath, '-n', 'base', '-k'])
  }
  await expect(base).toContainText('stopped', { timeout: 1500 })
  // and the actions follow: after a terminal's lxc-stop, Stop is off and Start works
  await base.click()
  await expect(page.getByTestId('details-stop')).toBeDisabled()
  await page.getByTestId('details-start').click()
  await expect(base).toContainText('running', { timeout: 30_000 })
  lxcTool('lxc-stop', ['-P', env.lxcpath, '-n', 'base', '-k'])
  await expect(base).toContainText('stopped', { timeout: 1500 })
})

test('a start that fails says why: a veth on a bridge this host lacks; its LXC log opens; an orphan cannot start at all', async ({ openApp }) => {
  copyContainer(env.lxcpath, 'base', 'bridged')
  const config = `${env.lxcpath}/bridged/config`
  writeFileSync(config, readFileSync(config, 'utf8').replace(/^lxc\.net\.0\.type = empty$/m, 'lxc.net.0.type = veth\nlxc.net.0.link = nosuchbr0\nlxc.net.0.flags = up'))
  // an overlay clone whose origin was removed: Start is off before the click, with the reason
  copyContainer(env.lxcpath, 'base', 'gone-base')
  copyContainer(env.lxcpath, 'gone-base', 'orphan', true)
  rmSync(`${env.lxcpath}/gone-base`, { recursive: true, force: true })
  const page = await openApp(env)
  await page.getByTestId('container-row-orphan').click()
  await expect(page.getByTestId('details-start')).toBeDisabled()
  await expect(page.getByTestId('details-start')).toHaveAttribute('title', 'orphan cannot start: its lower layer is gone (its origin was removed without LXC).')

  const row = page.getByTestId('container-row-bridged')
  await row.click()
  await page.getByTestId('details-start').click()
  // The failure is told once: a danger toast with its first cause; the drawer stays closed and
  // the bell asks for attention until the drawer has been seen.
  const toast = page.getByTestId('toast').filter({ hasText: 'bridged did not start:' })
  await expect(toast.getByTestId('toast-reason')).toContainText('nosuchbr0', { timeout: 30_000 })
  const bell = page.getByTestId('tasks-toggle')
  await expect(bell).toHaveAttribute('aria-expanded', 'false')
  await expect(bell).toHaveAttribute('data-unread-failures', '1')
  await expect(bell).toHaveAccessibleName('Tasks: 0 running, 1 unread failure')
  await snap(page, 'lifecycle-start-failed-toast-1024')
  await expect(toast.getByTestId('toast-open-tasks')).toHaveText('Show details')
  await toast.getByTestId('toast-open-tasks').click()
  await expect(page.getByTestId('toast')).toHaveCount(0)
  const task = page.getByTestId('task-bridged')
  await expect(task).toHaveAttribute('data-status', 'failed')
  await expect(task.getByTestId('start-causes')).toContainText('lxc.net.0 is a veth attached to the bridge nosuchbr0, which does not exist on this host')
  await task.getByText("LXC's log of this start, errors first").click()
  await expect(task.getByTestId('start-log-lines')).toContainText('nosuchbr0')
  await snap(page, 'lifecycle-start-failed-1024')
  await task.getByRole('button', { name: 'Open the log' }).click()
  const log = page.getByTestId('log-panel')
  await expect(log).toContainText(`${env.lxcpath}/bridged/bridged.log`)
  await expect(log.getByTestId('log-lines')).toContainText('nosuchbr0')
  await snap(page, 'lifecycle-log-1024')
  // It follows: a line LXC appends shows up while the panel is open.
  execFileSync('sh', ['-c', `echo 'lxc-start bridged 20261206000000.000 ERROR    test - t.c:f:1 - appended while open' >> ${env.lxcpath}/bridged/bridged.log`])
  await expect(log.getByTestId('log-lines')).toContainText('appended while open', { timeout: 3000 })
  await page.keyboard.press('Escape')
  await expect(row).toContainText('stopped')
  // Seen: closing the drawer leaves the bell plain; a failure while the drawer is open shows there only, no toast.
  await bell.click()
  await expect(bell).toHaveAttribute('data-unread-failures', '0')
  await bell.click()
  // the drawer covers the details at 1024: Start by the keyboard
  await page.getByTestId('details-start').focus()
  await page.keyboard.press('Enter')
  await expect(task).toHaveAttribute('data-status', 'failed', { timeout: 30_000 })
  await expect(task.getByTestId('start-causes')).toContainText('nosuchbr0')
  await expect(page.getByTestId('toast')).toHaveCount(0)
})
