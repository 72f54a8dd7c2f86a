// First run: the empty state offers to create a container from an installed template; it runs
// as a task and the list appears when LXC has made it.
import { mkdtempSync } from 'node:fs'
import { test, expect, useStrata, snap, openTasks } from './fixtures'
import { lxcLs } from './lxc'

const env = useStrata(() => mkdtempSync('/tmp/strata-e2e-create-'))

test('create from the busybox template as a task', async ({ openApp }) => {
  test.setTimeout(120_000)
  const page = await openApp(env)
  await expect(page.getByTestId('create-form')).toBeVisible()
  await expect(page.getByTestId('create-template')).toHaveValue('busybox')
  await page.getByTestId('create-name').fill('bad/name')
  await expect(page.getByTestId('create-name-problem')).toContainText('cannot contain “/”')
  await expect(page.getByTestId('create-submit')).toBeDisabled()
  await page.getByTestId('create-name').fill('first')
  await snap(page, 'first-run-create')
  await page.getByTestId('create-submit').click()
  await expect(page.getByTestId('container-row-first')).toBeVisible({ timeout: 60_000 })
  await openTasks(page)
  await expect(page.getByTestId('task-first')).toHaveAttribute('data-status', 'done')
  expect(lxcLs(env.lxcpath)).toEqual(['first'])
})
