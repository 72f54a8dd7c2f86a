// Snapshots panel: take a snapshot with a comment, see it listed as lxc-snapshot -L lists it,
// delete it, and lxc-snapshot agrees it is gone.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseSnapshotTime } from '../src/shared/snapshot-time'
import { test, expect, useStrata, snap } from './fixtures'
import { lxcTool } from './lxc'

const env = useStrata()
const lxcSnapshots = (name: string): string => lxcTool('lxc-snapshot', ['-P', env.lxcpath, '-n', name, '-L', '-C'])

test('create with a comment, list, delete: the same as lxc-snapshot -L', async ({ openApp }) => {
  const page = await openApp(env)
  await page.getByTestId('container-row-copy1').click()
  const panel = page.getByTestId('snapshots')
  await expect(panel).toContainText('No snapshots yet')
  await expect(page.getByTestId('snapshots-empty')).toHaveClass(/pf-v6-c-empty-state/)
  await page.getByTestId('snapshot-comment').fill('before the upgrade')
  await page.getByTestId('snapshot-create').click()
  await expect(page.getByTestId('snapshot-snap0')).toContainText('before the upgrade', { timeout: 30_000 })
  // PatternFly's data list, its actions buttons with icons, named for the snapshot
  await expect(page.getByTestId('snapshot-snap0')).toHaveClass(/pf-v6-c-data-list__item/)
  await expect(page.getByTestId('snapshot-delete-snap0').locator('.pf-v6-c-button__icon')).toHaveCount(1)
  await expect(page.getByTestId('snapshot-restore-snap0')).toHaveText('Restore')
  const listed = lxcSnapshots('copy1')
  expect(listed).toContain('snap0')
  expect(listed).toContain('before the upgrade')
  // the time as the user reads it: their locale's date and time, LXC's own text on hover
  const ts = readFileSync(join(env.lxcpath, 'copy1/snaps/snap0/ts'), 'utf8')
  const time = page.getByTestId('snapshot-snap0').getByTestId('snapshot-time')
  await expect(time).toHaveAttribute('title', ts)
  await expect(time).toHaveAttribute('datetime', parseSnapshotTime(ts)!.toISOString())
  await expect(time).not.toHaveText(/\d{4}:\d{2}:\d{2}/)
  await expect(time).toHaveText(new RegExp(String(parseSnapshotTime(ts)!.getFullYear())))
  await snap(page, 'snapshots')
  // in the smallest window the snapshot's buttons stay inside its entry, not cut off at the panel's edge
  await page.setViewportSize({ width: 1024, height: 700 })
  await page.getByTestId('snapshot-delete-snap0').scrollIntoViewIfNeeded()
  const entry = (await page.getByTestId('snapshot-snap0').boundingBox())!
  for (const id of ['snapshot-restore-snap0', 'snapshot-delete-snap0']) {
    const b = (await page.getByTestId(id).boundingBox())!
    expect(b.x + b.width, `${id} inside its entry`).toBeLessThanOrEqual(entry.x + entry.width)
  }

  // Delete, confirmed by keyboard.
  await page.getByTestId('snapshot-delete-snap0').focus()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('snapshot-confirm-dialog')).toContainText('Delete snap0 of copy1?')
  await page.getByTestId('snapshot-confirm').click()
  await expect(page.getByTestId('snapshot-snap0')).toHaveCount(0, { timeout: 30_000 })
  await expect(panel).toContainText('No snapshots yet')
  expect(lxcSnapshots('copy1')).not.toContain('snap0')
})
