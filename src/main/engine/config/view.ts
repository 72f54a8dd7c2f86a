// One container's config as a person reads it: the raw file, and the effective entries with
// includes expanded, each with the file and line it came from and, for a legacy key, its
// modern name. Shared by `strata config` and the UI's config view.
import { join } from 'node:path'
import type { ConfigView, ConfigViewEntry } from '@shared/model'
import { notFound } from '@shared/errors'
import { say } from '@shared/engine-text'
import { readRegularFile } from '../fs/regular-file'
import { effectiveConfig } from './effective'
import { expandConfigFile } from './expand'
import { legacyKeyInfo } from './keys'

export function readConfigView(lxcpath: string, name: string): ConfigView {
  const file = join(lxcpath, name, 'config')
  let raw: string
  try {
    raw = readRegularFile(file).toString('utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw notFound(say('config-view-no-container', { name, lxcpath, file: join(lxcpath, name, 'config') }), `${lxcpath}/${name}`)

    throw err
  }
  const expanded = expandConfigFile(file)
  const entries: ConfigViewEntry[] = []
  for (const setting of effectiveConfig(expanded.entries)) {
    for (const e of setting.entries) {
      const info = legacyKeyInfo(e.key)
      entries.push({ key: e.key, value: e.value, file: e.file, line: e.line, legacy: info ? (info.modern ?? '(removed)') : null })
    }
  }
  return { file, raw, entries, problems: expanded.problems }
}
