// Drag-to-clone: a container dragged onto the Clone target (or the graph's canvas) opens the
// clone dialog; the name is checked as you type; a snapshot clone made from the dialog is a
// real overlay clone that lxc-ls lists and lxc-start starts, connected to its origin in the graph.
import { readFileSync } from 'node:fs'
import { test, expect, useStrata, snap, openTasks } from './fixtures'
import { lxcLs, lxcTool } from './lxc'

const env = useStrata()

test('dragging base onto the Clone target and confirming a snapshot clone makes an overlay clone that starts', async ({ openApp }) => {
  test.setTimeout(120_000)
  const page = await openApp(env)
  await page.getByTestId('container-row-base').dragTo(page.getByTestId('clone-target'))
  const dialog = page.getByTestId('clone-dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('heading')).toHaveText('Clone base')

  // Validation as you type: taken, slash, leading dot; the confirm button stays disabled.
  const name = page.getByTestId('clone-name')
  const problem = page.getByTestId('clone-name-problem')
  const confirm = page.getByTestId('clone-confirm')
  await name.fill('snap1')
  await expect(problem).toContainText(`snap1 already exists in ${env.lxcpath}`)
  await expect(confirm).toBeDisabled()
  await name.fill('a/b')
  await expect(problem).toContainText('cannot contain “/”')
  await name.fill('.hidden')
  await expect(problem).toContainText('cannot start with “.”')
  // LXC's own limits, as the engine applies them: a new name becomes the hostname (64 bytes);
  // letters of any script are accepted, as LXC 5.0.2 creates and starts "café".
  await name.fill('x'.repeat(300))
  await expect(problem).toContainText('At most 64 bytes')
  await name.fill('café')
  await expect(problem).toContainText('This name is free')
  await name.fill('ovl1')
  await expect(problem).toContainText('This name is free')

  // Snapshot of a dir container: overlay only; dir is disabled and says why.
  await expect(page.getByTestId('clone-mode-snapshot')).toBeChecked()
  await expect(page.getByTestId('clone-backend-overlay')).toBeChecked()
  // only the possible backends are choices; the others are behind one disclosure, each with its rule
  await expect(page.getByTestId('clone-backend-dir')).toBeHidden()
  await dialog.getByRole('button', { name: /Why not the other \d+ backends/ }).click()
  await expect(page.getByTestId('clone-backend-dir')).toContainText('dir makes no snapshot clones')
  await expect(page.getByTestId('clone-why-whole-dir')).toContainText('the snapshot of a dir container is overlay')
  await snap(page, 'clone-dialog')
  await confirm.click()
  await expect(dialog).toBeHidden()

  // The task ends, the row and the graph node appear, connected to base.
  await expect(page.getByTestId('toast').filter({ hasText: 'ovl1 created' })).toBeVisible({ timeout: 60_000 })
  await openTasks(page)
  await expect(page.getByTestId('task-ovl1')).toHaveAttribute('data-status', 'done')
  await expect(page.getByTestId('container-row-ovl1')).toBeVisible()
  await expect(page.getByTestId('container-row-ovl1')).toContainText('overlay')
  await snap(page, 'clone-done')
  await page.getByTestId('nav-lineage').click()
  await expect(page.getByTestId('graph-node-ovl1')).toBeVisible()
  await expect(page.getByTestId(`rf__edge-${env.lxcpath}/ovl1->${env.lxcpath}/base`)).toHaveCount(1)

  // What LXC itself says.
  expect(lxcLs(env.lxcpath)).toContain('ovl1')
  expect(readFileSync(`${env.lxcpath}/ovl1/config`, 'utf8')).toContain(`lxc.rootfs.path = overlay:${env.lxcpath}/base/rootfs:${env.lxcpath}/ovl1/overlay/delta`)
  try {
    lxcTool('lxc-start', ['-P', env.lxcpath, '-n', 'ovl1', '-d'])
    expect(lxcTool('lxc-info', ['-P', env.lxcpath, '-n', 'ovl1', '-s'])).toContain('RUNNING')
  } finally {
    try {
      lxcTool('lxc-stop', ['-P', env.lxcpath, '-n', 'ovl1', '-k'])
    } catch {
      /* was not running */
    }
  }
})

test('a graph node dropped on the canvas opens the dialog; Escape closes it; the Clone target works by keyboard', async ({ openApp }) => {
  const page = await openApp(env)
  await page.getByTestId('nav-lineage').click()
  const node = page.getByTestId('graph-node-copy1')
  await expect(node).toBeVisible()
  const graph = page.getByTestId('graph')
  const box = (await graph.boundingBox())!
  await node.dragTo(graph, { targetPosition: { x: 20, y: box.height - 20 } })
  const dialog = page.getByTestId('clone-dialog')
  await expect(dialog.getByRole('heading')).toHaveText('Clone copy1')
  await snap(page, 'clone-from-graph')
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()

  // Keyboard only: focus a row, select it, then press the Clone target.
  await page.getByTestId('nav-containers').click()
  await page.getByTestId('container-row-copy1').focus()
  await page.keyboard.press('Enter')
  await page.getByTestId('clone-target').focus()
  await page.keyboard.press('Enter')
  await expect(dialog.getByRole('heading')).toHaveText('Clone copy1')
  // A copy of a dir container: dir is LXC's default for a copy.
  await page.getByTestId('clone-mode-copy').check()
  await expect(page.getByTestId('clone-backend-dir')).toBeChecked()
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
})

test('a copy clone made in the app shows where it was copied from at once: the details, the Origin column and a copied-from edge', async ({ openApp }) => {
  test.setTimeout(120_000)
  const page = await openApp(env)
  await page.getByTestId('container-row-base').click()
  await page.getByTestId('clone-target').click()
  const dialog = page.getByTestId('clone-dialog')
  await expect(dialog.getByRole('heading')).toHaveText('Clone base')
  await page.getByTestId('clone-mode-copy').check()
  await expect(page.getByTestId('clone-backend-dir')).toBeChecked()
  await page.getByTestId('clone-name').fill('dup1')
  await expect(page.getByTestId('clone-name-problem')).toContainText('This name is free')
  await page.getByTestId('clone-confirm').click()
  await expect(page.getByTestId('toast').filter({ hasText: 'dup1 created' })).toBeVisible({ timeout: 60_000 })

  // No reload: the row, the details and the graph say it at once.
  const row = page.getByTestId('container-row-dup1')
  await expect(row).toContainText('base') // the Origin column: nothing else in the row says base
  await row.click()
  const details = page.getByTestId('details')
  await expect(details.getByTestId('origin')).toContainText('Copied from base')
  await expect(details.getByTestId('origin').locator('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/)
  // A copy made by lxc-copy has no record; the panel says why on hover.
  await page.getByTestId('container-row-copy1').click()
  await expect(details.getByTestId('origin')).toHaveText('none')
  await expect(details.getByTestId('origin')).toHaveAttribute('title', /copied with lxc-copy has no record/)
  await page.getByTestId('nav-lineage').click()
  const edge = page.getByTestId(`rf__edge-${env.lxcpath}/dup1->${env.lxcpath}/base`)
  await expect(edge).toHaveCount(1)
  await expect(edge).toHaveClass(/edge-copied-from/)
  await expect(page.getByTestId('legend')).toContainText('copied from (independent)')
})
