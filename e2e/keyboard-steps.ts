// Steps a keyboard-only user takes, shared by the keyboard specs.
import type { Page } from '@playwright/test'
import { expect } from './fixtures'
import { lxcLs } from './lxc'

/** The clone dialog of `origin`, just opened: the name typed over the proposed one, Enter; the clone is made (the toast, then lxc-ls). */
export async function cloneInDialogByKeyboard(page: Page, origin: string, name: string, lxcpath: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: `Clone ${origin}` })
  await expect(dialog).toBeVisible()
  await expect(page.getByTestId('clone-name')).toBeFocused()
  await page.keyboard.press('Control+a')
  await page.keyboard.type(name)
  await expect(page.getByTestId('clone-name-problem')).toContainText('This name is free')
  await page.keyboard.press('Enter')
  await expect(dialog).toBeHidden()
  await expect(page.getByTestId('toast').filter({ hasText: `${name} created` })).toBeVisible({ timeout: 60_000 })
  expect(lxcLs(lxcpath)).toContain(name)
}

/** The destroy dialog of `name`, just opened, on a container nothing depends on: Tab to Destroy, Enter; done, Escape closes it (then lxc-ls). */
export async function destroyInDialogByKeyboard(page: Page, name: string, lxcpath: string): Promise<void> {
  const destroy = page.getByRole('dialog', { name: `Destroy ${name}` })
  await expect(destroy).toBeVisible()
  await expect(page.getByTestId('destroy-dependents')).toContainText(`Nothing depends on ${name}`)
  const confirm = page.getByTestId('destroy-confirm')
  for (let i = 0; i < 10 && !(await confirm.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab')
  await expect(confirm).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('destroy-done')).toHaveText(`${name} was destroyed.`)
  await page.keyboard.press('Escape')
  await expect(destroy).toBeHidden()
  expect(lxcLs(lxcpath)).not.toContain(name)
}
