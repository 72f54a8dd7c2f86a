// Destroy on a selection, as the engine plans it: what goes (an origin with its clones when
// all of them are selected, dependents first), what stays and why (a clone left unselected,
// named; a running container, with the stop rule), then each destroy a task and a step in the
// dialog; a finished destroy says so, and lxc-ls agrees. On an lxcpath made by real LXC.
import { execFileSync } from 'node:child_process'
import { test, expect, useStrata, openTasks } from './fixtures'
import { copyContainer, createStartable, lxcLs, makeLineageLxcpath } from './lxc'

const env = useStrata(
  () => {
    // base <- snap1 (overlay), base <- keep (overlay), copy1 a copy, web running
    const p = makeLineageLxcpath()
    copyContainer(p, 'base', 'keep', true)
    createStartable(p, 'web')
    execFileSync('lxc-start', ['-P', p, '-n', 'web'])
    return p
  })

test('Destroy on a selection: refused members named with why; three selected rows destroyed dependents first, each a task; lxc-ls agrees', async ({ openApp }) => {
  test.setTimeout(120_000)
  const page = await openApp(env)
  const check = (name: string) => page.getByTestId(`container-row-${name}`).getByRole('checkbox')
  // the first listing can take a while on a loaded machine: wait for it, then assert
  await expect(page.getByTestId('container-row-web')).toContainText('running', { timeout: 30_000 })
  const button = page.getByTestId('bulk-destroy')
  await expect(button).toBeDisabled()

  // only the running one: disabled, with the reason
  await check('web').check()
  await expect(button).toBeDisabled()
  await expect(button).toHaveAttribute('title', /web is running/)

  // base without keep, and web: base stays with keep named, web stays running, snap1 goes
  await check('base').check()
  await check('snap1').check()
  await expect(button).toBeEnabled()
  await button.click()
  const dialog = page.getByTestId('bulk-destroy-dialog')
  await expect(dialog).toBeVisible()
  await expect(page.getByTestId('bulk-destroy-step-snap1')).toBeVisible()
  await expect(page.getByTestId('bulk-destroy-stays-base')).toContainText('keep depends on it and is not selected')
  await expect(page.getByTestId('bulk-destroy-stays-web')).toContainText('web is running')
  await expect(page.getByTestId('bulk-destroy-confirm')).toHaveText('Destroy 1 container')
  await expect(page.getByTestId('bulk-destroy-freed')).toContainText(/\d+(\.\d)? (B|KiB|MiB|GiB)/)
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  expect(lxcLs(env.lxcpath)).toEqual(['base', 'copy1', 'keep', 'snap1', 'web'])

  // base with both its clones: all three go, the clones before base
  await check('web').uncheck()
  await check('keep').check()
  await expect(page.getByText('3 selected')).toBeVisible()
  await button.click()
  await expect(page.getByTestId('bulk-destroy-goes').getByRole('listitem')).toHaveText([/^(snap1|keep)/, /^(snap1|keep)/, /^base/])
  await expect(page.getByTestId('bulk-destroy-stays')).toHaveCount(0)
  await page.getByTestId('bulk-destroy-confirm').click()
  await expect(page.getByTestId('bulk-destroy-done')).toHaveText(/3 containers were destroyed\./, { timeout: 60_000 })
  for (const name of ['snap1', 'keep', 'base']) await expect(page.getByTestId(`bulk-destroy-step-${name}`)).toHaveAttribute('data-status', 'done')
  expect(lxcLs(env.lxcpath)).toEqual(['copy1', 'web'])
  await page.getByTestId('bulk-destroy-close').click()
  await expect(page.getByTestId('container-row-base')).toHaveCount(0)
  await expect(page.getByTestId('container-row-snap1')).toHaveCount(0)
  await openTasks(page)
  await expect(page.getByTestId('task-base')).toHaveAttribute('data-status', 'done')
  await expect(page.getByTestId('task-base')).toContainText('base destroyed')
})
