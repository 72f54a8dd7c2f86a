// node:crypto costs ~2.5 ms to load, a tenth of a CLI command's own time; the modules that
// hash or draw random numbers do so on some paths only (mount names, journal ids, MAC
// addresses), so they load it on first use.
import { createRequire } from 'node:module'

let loaded: typeof import('node:crypto') | undefined

function crypto(): typeof import('node:crypto') {
  loaded ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')
  return loaded
}

export function sha256(): import('node:crypto').Hash {
  return crypto().createHash('sha256')
}

export function randomHex(bytes: number): string {
  return crypto().randomBytes(bytes).toString('hex')
}

/** A uniformly random integer in [0, max). */
export function randomBelow(max: number): number {
  return crypto().randomInt(max)
}
