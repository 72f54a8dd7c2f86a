// Destroy shows what depends on the container before anything is done: an origin with
// dependents is refused in the UI, naming them, and highlighted in the graph; a leaf is
// destroyed and disappears from lxc-ls. Usage is shown as unknown, never guessed.
import { test, expect, useStrata, snap } from './fixtures'
import { lxcLs } from './lxc'

const env = useStrata()

test('destroying base is refused with snap1 named; destroying copy1 removes it', async ({ openApp }) => {
  const page = await openApp(env)
  await page.getByTestId('nav-lineage').click()
  await page.getByTestId('graph-node-base').click()
  await page.getByTestId('details-destroy').click()
  const dialog = page.getByTestId('destroy-dialog')
  await expect(dialog).toBeVisible()
  await expect(page.getByTestId('destroy-dependents')).toContainText('snap1')
  await expect(page.getByTestId('destroy-refused')).toContainText('base cannot be destroyed while snap1 depend')
  await expect(page.getByTestId('destroy-confirm')).toBeDisabled()
  // The subtree is highlighted in the graph: base and snap1, not copy1.
  await expect(page.getByTestId('graph-node-base')).toHaveClass(/doomed/)
  await expect(page.getByTestId('graph-node-snap1')).toHaveClass(/doomed/)
  await expect(page.getByTestId('graph-node-copy1')).not.toHaveClass(/doomed/)
  // No usage engine in this build: the freed figure says unknown rather than inventing one.
  await expect(page.getByTestId('destroy-freed')).toContainText(/unknown|measuring/)
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
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('container-row-copy1')).toHaveCount(0)
  expect(lxcLs(env.lxcpath)).toEqual(['base', 'snap1'])
})

test('the usage view shows its unavailable state honestly, and the size column says not measured', async ({ openApp }) => {
  const page = await openApp(env)
  await expect(page.getByTestId('size-base')).toContainText(/not measured|measuring/)
  await page.getByTestId('container-row-snap1').click()
  await page.getByTestId('nav-usage').click()
  await expect(page.getByTestId('usage-status')).toContainText('not available')
  await expect(page.getByTestId('diff-status')).toContainText('not available')
  await snap(page, 'usage')
})
