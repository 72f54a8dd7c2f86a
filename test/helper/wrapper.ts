// The helper from this checkout, run directly (no pkexec) through a small wrapper script, as
// the service-level tests start it; `startMarker`: a file each start appends its pid to.
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const BUNDLE = join(import.meta.dirname, '../../out/helper/strata-helper.mjs')

/** Writes `<dir>/strata-helper` and returns its path. */
export function writeHelperWrapper(dir: string, startMarker?: string): string {
  const wrapper = join(dir, 'strata-helper')
  const mark = startMarker === undefined ? '' : `echo "$$" >> ${startMarker}\n`
  writeFileSync(wrapper, `#!/bin/sh\n${mark}exec ${process.execPath} ${BUNDLE} "$@"\n`)
  chmodSync(wrapper, 0o755)
  return wrapper
}
