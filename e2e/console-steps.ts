// Steps the console specs share: open a console from a selected container's details and wait
// for the shell's prompt; type a command and wait for what it prints.
import type { Locator, Page } from '@playwright/test'
import { expect } from './fixtures'

/** Selects the container's row, opens a console from its details, and returns the terminal once the shell prompts. */
export async function openConsole(page: Page, name: string): Promise<Locator> {
  await page.getByTestId(`container-row-${name}`).click()
  await page.getByTestId('details-console').click()
  const term = page.locator('.console-term:not([hidden])')
  await expect(term.locator('.xterm-rows')).toContainText('#')
  return term
}

/** Types a command line into the terminal and waits until its screen shows `shows`. */
export async function runInConsole(page: Page, term: Locator, command: string, shows?: string): Promise<void> {
  await term.click()
  await page.keyboard.type(`${command}\n`)
  if (shows !== undefined) await expect(term.locator('.xterm-rows')).toContainText(shows)
}
