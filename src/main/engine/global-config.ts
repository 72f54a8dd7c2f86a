// LXC's global settings (lxc.conf): where containers live by default.
// Mirrors initutils.c:lxc_global_config_value for the keys Strata needs.
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { actsAsRoot } from './identity'

export interface GlobalConfig {
  /** the lxc.conf that was read, or null when none exists */
  file: string | null
  lxcpath: string
  zfsRoot: string
  lvmVg: string
  /** the config a new container starts from (lxc.default_config) */
  defaultConfig: string
}

const isRoot = actsAsRoot

export function globalConfigFile(): string {
  return isRoot() ? '/etc/lxc/lxc.conf' : join(homedir(), '.config/lxc/lxc.conf')
}

/** lxc.conf: `#` lines skipped, key after blanks only, value keeps trailing spaces but not the newline. */
export function parseGlobalConfig(text: string): Map<string, string> {
  const values = new Map<string, string>()
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/^[ \t]+/, '')
    if (trimmed === '' || trimmed.startsWith('#')) continue
    const eq = trimmed.indexOf('=')
    if (eq < 0) continue
    values.set(trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).replace(/^[ \t]+/, ''))
  }
  return values
}

export function readGlobalConfig(file = globalConfigFile()): GlobalConfig {
  let text: string | null
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    text = null
  }
  const values = text === null ? new Map<string, string>() : parseGlobalConfig(text)
  const defaultPath = isRoot() ? '/var/lib/lxc' : join(homedir(), '.local/share/lxc')
  const lxcpath = (values.get('lxc.lxcpath') ?? defaultPath).replace(/\/+$/, '') || '/'
  return {
    file: text === null ? null : file,
    lxcpath,
    zfsRoot: values.get('lxc.bdev.zfs.root') ?? 'lxc',
    defaultConfig: values.get('lxc.default_config') ?? (isRoot() ? '/etc/lxc/default.conf' : join(homedir(), '.config/lxc/default.conf')),
    lvmVg: values.get('lxc.bdev.lvm.vg') ?? 'lxc'
  }
}

/** The lxcpaths to show when the user names none: LXC's own default. */
export function defaultLxcpaths(): string[] {
  return [readGlobalConfig().lxcpath]
}
