// node:crypto costs a few ms to load; `strata ls` reaches modules that hash only on some paths
// (base-drift fingerprints, mount names), so they load it on first use.
import { createRequire } from 'node:module'

let crypto: typeof import('node:crypto') | undefined

export function sha256(): import('node:crypto').Hash {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')
  return crypto.createHash('sha256')
}
