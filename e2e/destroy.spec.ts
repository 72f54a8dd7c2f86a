// Destroy shows what depends on the container before anything is done: an origin with
// dependents is refused in the UI, naming them, and highlighted in the graph; a leaf is
// destroyed and disappears from lxc-ls. The usage view shows a file written into an upper
// layer, with the figures the CLI (and du) give.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test, expect, useStrata, snap } from './fixtures'
import { formatBytes } from '../src/shared/format-bytes'
import { lxcLs } from './lxc'

const env = useStrata()

test('destroying base is refused with snap1 named; destroying copy1 removes it', async ({ openApp }) => {
  const page = await openApp(env)
  await page.getByTestId('nav-lineage').click()
  await page.getByTestId('graph-node-base').click()
  await page.getByTestId('details-destroy').click()
  const dialog = page.getByTestId('destroy-dialog')
  await expect(dialog).toBeVisible()
  // focus starts on Cancel, not on the close button: Enter at once destroys nothing
  await expect(page.getByTestId('destroy-cancel')).toBeFocused()
  await expect(page.getByTestId('destroy-dependents')).toContainText('snap1')
  await expect(page.getByTestId('destroy-refused')).toContainText('base cannot be destroyed on its own: 1 container depends on it.')
  await expect(page.getByTestId('destroy-confirm')).toBeDisabled()
  // what --with-dependents would remove is listed, visible inside the dialog, and offered
  await expect(dialog.getByText('Destroying it with its dependents would also remove this one:')).toBeVisible()
  await expect(page.getByTestId('destroy-dependents').getByText('snap1')).toBeInViewport()
  await page.getByTestId('destroy-with-dependents').check()
  await expect(page.getByTestId('destroy-confirm')).toHaveText('Destroy 2 containers')
  await page.getByTestId('destroy-with-dependents').uncheck()
  await expect(page.getByTestId('destroy-confirm')).toBeDisabled()
  // The subtree is highlighted in the graph: base and snap1, not copy1.
  await expect(page.getByTestId('graph-node-base')).toHaveClass(/doomed/)
  await expect(page.getByTestId('graph-node-snap1')).toHaveClass(/doomed/)
  await expect(page.getByTestId('graph-node-copy1')).not.toHaveClass(/doomed/)
  // What would be freed is measured, not guessed: a size with its unit.
  await expect(page.getByTestId('destroy-freed')).toContainText(/\d+(\.\d)? (B|KiB|MiB|GiB)/)
  await snap(page, 'destroy-refused')
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('graph-node-snap1')).not.toHaveClass(/doomed/)
  expect(lxcLs(env.lxcpath)).toEqual(['base', 'copy1', 'snap1'])

  // A leaf: confirmed, destroyed by LXC, gone from the list and from lxc-ls.
  await page.getByTestId('nav-containers').click()
  await page.getByTestId('container-row-copy1').click()
  await page.getByTestId('details-destroy').click()
  await expect(page.getByTestId('destroy-dependents')).toContainText('Nothing depends on copy1')
  await page.getByTestId('destroy-confirm').click()
  await expect(page.getByTestId('destroy-done')).toHaveText('copy1 was destroyed.')
  await expect(page.getByTestId('container-row-copy1')).toHaveCount(0)
  // focus stayed in the dialog though the confirm button went away: Enter closes it
  await expect(page.getByTestId('destroy-close')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(dialog).toBeHidden()
  expect(lxcLs(env.lxcpath)).toEqual(['base', 'snap1'])
})

/** `strata du --json`: the figures the engine gives for one container. */
function du(lxcpath: string, name: string): { exclusiveBytes: number } {
  const all = JSON.parse(execFileSync('bin/strata', ['du', '-P', lxcpath, '-n', name, '--json'], { encoding: 'utf8' }))
  const list = Array.isArray(all) ? all : all.containers
  return list.find((u: { ref: { name: string } }) => u.ref.name === name)
}

test('the usage view shows a file written into an upper layer, as the CLI measures it', async ({ openApp }) => {
  const before = du(env.lxcpath, 'snap1').exclusiveBytes
  writeFileSync(join(env.lxcpath, 'snap1/overlay/delta/written-by-test.bin'), Buffer.alloc(3 * 1024 * 1024, 7))
  const after = du(env.lxcpath, 'snap1').exclusiveBytes
  expect(after - before).toBeGreaterThanOrEqual(3 * 1024 * 1024)
  const page = await openApp(env)
  // every size on screen: the one formatter (one decimal from KiB up)
  await expect(page.getByTestId('size-snap1')).toHaveText(formatBytes(after))
  await page.getByTestId('container-row-snap1').click()
  await page.getByTestId('nav-usage').click()
  await expect(page.getByTestId('usage-bar-snap1')).toContainText(formatBytes(after))
  await expect(page.getByTestId('usage-exclusive')).toHaveText(formatBytes(after))
  const row = page.getByTestId('diff-list').getByRole('row', { name: /written-by-test\.bin/ })
  await expect(row).toContainText('3.0 MiB')
  await expect(row).toHaveClass(/diff-added/)
  await expect(page.getByTestId('treemap')).toBeVisible()
  await snap(page, 'usage')
})
