// First run: an lxcpath with no containers shows the explanation, how to create one, and the
// environment check; creating one with lxc-create makes the list appear by itself.
import { mkdtempSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { test, expect, useStrata, snap } from './fixtures'

const env = useStrata(() => mkdtempSync('/tmp/strata-e2e-empty-'))

test('empty state explains, checks the machine, and gives way to the list', async ({ openApp }) => {
  const page = await openApp(env)
  const empty = page.getByTestId('empty-state')
  await expect(empty).toBeVisible()
  await expect(page.getByTestId('create-command')).toHaveText(`lxc-create -P ${env.lxcpath} -t busybox -n NAME`)
  await expect(page.getByTestId('env-check')).toContainText('LXC 5')
  await expect(page.getByTestId('env-backend-dir')).toContainText('available')
  await expect(page.getByTestId('env-backend-overlay')).toContainText('available')
  await snap(page, 'empty')

  execFileSync('lxc-create', ['-P', env.lxcpath, '-n', 'first', '-t', 'busybox'], { stdio: 'ignore' })
  await expect(page.getByTestId('container-row-first')).toBeVisible({ timeout: 3000 })
})
