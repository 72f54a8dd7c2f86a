// Actions on the selection (the table's checkboxes): Start, Stop and Snapshot apply to the
// containers they can, the hover names the ones they skip and why, they are disabled with the
// reason when they apply to none; each container's snapshot is its own task in the drawer.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { test, expect, useStrata, openTasks } from './fixtures'
import { createStartable, makeLineageLxcpath } from './lxc'

const env = useStrata(
  () => {
    const p = makeLineageLxcpath()
    createStartable(p, 'web')
    execFileSync('lxc-start', ['-P', p, '-n', 'web'])
    return p
  })

test('Snapshot, Start and Stop on a selection: applied where they can, the skipped named, disabled with the reason where none can', async ({ openApp }) => {
  test.setTimeout(120_000)
  const page = await openApp(env)
  const check = (name: string) => page.getByTestId(`container-row-${name}`).getByRole('checkbox')
  await expect(page.getByTestId('container-row-web')).toContainText('running')

  // only the running one: a snapshot cannot apply, and says why
  await check('web').check()
  const snapshot = page.getByTestId('bulk-snapshot')
  await expect(snapshot).toBeDisabled()
  await expect(snapshot).toHaveAttribute('title', 'web is running: stop it before you take a snapshot.')
  await expect(page.getByTestId('start')).toBeDisabled()
  await expect(page.getByTestId('stop')).toBeEnabled()

  // two stopped ones and the running one: applied to the stopped ones, web named as skipped
  await check('copy1').check()
  await check('base').check()
  await expect(page.getByText('3 selected')).toBeVisible()
  await expect(snapshot).toBeEnabled()
  await expect(snapshot).toHaveAttribute('title', 'Skips web (web is running: stop it before you take a snapshot.)')
  await expect(page.getByTestId('stop')).toHaveAttribute('title', /^Skips (base, copy1|copy1, base) \(/)
  await snapshot.click()
  await openTasks(page)
  await expect(page.getByTestId('task-copy1')).toHaveAttribute('data-status', 'done', { timeout: 60_000 })
  await expect(page.getByTestId('task-base')).toHaveAttribute('data-status', 'done', { timeout: 60_000 })
  await expect(page.getByTestId('task-copy1')).toContainText('Snapshot of copy1 taken')
  expect(existsSync(`${env.lxcpath}/copy1/snaps/snap0/config`)).toBe(true)
  expect(existsSync(`${env.lxcpath}/base/snaps/snap0/config`)).toBe(true)
  expect(existsSync(`${env.lxcpath}/web/snaps`)).toBe(false)
})
