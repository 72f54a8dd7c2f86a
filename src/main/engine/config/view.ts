// TEMPORARY stand-in, written on branch `ui` only so the Config view has data before the
// engine lands on main. It will be replaced on merge by the engine's config/view.ts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { ConfigProblem } from '../../../shared/model'

const LEGACY: Record<string, string> = {
  'lxc.rootfs': 'lxc.rootfs.path', 'lxc.utsname': 'lxc.uts.name', 'lxc.tty': 'lxc.tty.max',
  'lxc.pts': 'lxc.pty.max', 'lxc.aa_profile': 'lxc.apparmor.profile', 'lxc.network.type': 'lxc.net.0.type',
  'lxc.network.link': 'lxc.net.0.link', 'lxc.network.flags': 'lxc.net.0.flags', 'lxc.logfile': 'lxc.log.file',
  'lxc.id_map': 'lxc.idmap', 'lxc.haltsignal': 'lxc.signal.halt', 'lxc.stopsignal': 'lxc.signal.stop'
}

export function readConfigView(lxcpath: string, name: string): {
  file: string
  raw: string
  entries: { key: string; value: string; file: string; line: number; legacy: string | null }[]
  problems: ConfigProblem[]
} {
  const file = join(lxcpath, name, 'config')
  const entries: { key: string; value: string; file: string; line: number; legacy: string | null }[] = []
  const problems: ConfigProblem[] = []
  const seen = new Set<string>()
  let raw = ''
  const walk = (f: string, top: boolean): void => {
    if (seen.has(f)) return
    seen.add(f)
    let text: string
    try {
      text = readFileSync(f, 'utf8')
    } catch (e) {
      problems.push({ file: f, line: 0, rule: 'unreadable', message: String(e), severity: 'error' })
      return
    }
    if (top) raw = text
    text.split('\n').forEach((l, i) => {
      const t = l.trim()
      if (!t || t.startsWith('#')) return
      const eq = t.indexOf('=')
      if (eq < 0) {
        problems.push({ file: f, line: i + 1, rule: 'syntax', message: 'no "=" on this line', severity: 'error' })
        return
      }
      const key = t.slice(0, eq).trim()
      const value = t.slice(eq + 1).trim()
      entries.push({ key, value, file: f, line: i + 1, legacy: LEGACY[key] ?? (key.startsWith('lxc.network.') ? key.replace('lxc.network.', 'lxc.net.') : null) })
      if (key === 'lxc.include') {
        if (existsSync(value) && statSync(value).isDirectory()) {
          for (const n of readdirSync(value).filter((x) => x.endsWith('.conf')).sort()) walk(join(value, n), false)
        } else walk(value, false)
      }
    })
  }
  walk(file, true)
  return { file, raw, entries, problems }
}
