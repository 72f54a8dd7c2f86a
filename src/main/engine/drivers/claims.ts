// Storage a build made outside its build dir (a zfs dataset, a zfs snapshot), one line per item
// in `<build dir>/.strata-storage`, written right after each is made. When the build is undone,
// in process or by recovery after a crash, the items go back to their driver's discard(), newest
// first, before the build dir itself is removed; once the build is registered the list is
// dropped and the storage belongs to the container. A crash between making an item and writing
// its line leaks that one item; it never makes a discard remove storage the build did not make.
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Backend } from '@shared/model'
import { backendFromName, driverFor } from './index'
import { readRegularFile } from '../fs/regular-file'
import { failed } from '@shared/errors'

export const CLAIMS_FILE = '.strata-storage'

/** BuildTarget.claim for a build dir: appends the item and syncs it before the build goes on. */
export function claimer(buildDir: string, backend: Backend): (item: string) => void {
  return (item) => {
    if (/[\n\t]/.test(item)) throw failed(`A storage claim cannot hold a newline or tab: ${JSON.stringify(item)}`, { rule: 'claim-text' })
    const file = join(buildDir, CLAIMS_FILE)
    appendFileSync(file, `${backend}\t${item}\n`, { mode: 0o600 })
    const fd = openSync(file, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  }
}

/** The claims a directory holds, oldest first. */
export function readClaims(dir: string): { backend: Backend; item: string }[] {
  const file = join(dir, CLAIMS_FILE)
  if (!existsSync(file)) return []
  const text = readRegularFile(file).toString('utf8')
  const claims: { backend: Backend; item: string }[] = []
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t')
    const backend = tab > 0 ? backendFromName(line.slice(0, tab)) : null
    if (backend) claims.push({ backend, item: line.slice(tab + 1) })
  }
  return claims
}

/** Hands every claim of dir back to its driver, newest first, then forgets them. */
export async function discardClaims(dir: string): Promise<void> {
  for (const { backend, item } of readClaims(dir).reverse()) await driverFor(backend).discard?.(item)
  dropClaims(dir)
}

/** The build was registered: its storage is the container's now. */
export function dropClaims(dir: string): void {
  rmSync(join(dir, CLAIMS_FILE), { force: true })
}
