// Project quotas: where a filesystem keeps per-directory-tree usage itself (ext4/xfs mounted
// with prjquota, as Incus's dir driver uses them), a container's usage is O(1) to read. This
// tells whether the filesystem at a path has them, and if not, why: a kernel built without
// quota support says "not available on this kernel", a filesystem mounted without them says so.
import { readFileSync, statSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { say, type Said } from '@shared/engine-text'

export interface QuotaSupport {
  available: boolean
  /** why not, in one sentence; empty when available */
  reason: string
  /** the same as data, for the app to say in the user's language; absent when available */
  said?: Said
}

/** Where the facts are read from (a test hands its own). */
export interface QuotaSources {
  mountinfo: string
  /** the kernel's build options, if it publishes them */
  kernelConfig: string
  /** present only in a kernel built with CONFIG_QUOTA */
  quotaSysctl: string
}

const SYSTEM: QuotaSources = { mountinfo: '/proc/self/mountinfo', kernelConfig: '/proc/config.gz', quotaSysctl: '/proc/sys/fs/quota' }

/** Options that turn project quotas on (ext4: prjquota; xfs: prjquota, pquota, pqnoenforce). */
const PROJECT_OPTIONS = new Set(['prjquota', 'pquota', 'pqnoenforce', 'prjjquota'])

interface Mount {
  dev: string
  point: string
  fstype: string
  options: string[]
}

/** The mount that holds path: the one with its device and the longest mount point above it. */
function mountOf(path: string, mountinfo: string): Mount | null {
  let dev: string
  try {
    const st = statSync(path)
    dev = `${Math.floor(st.dev / 256) & 0xfff}:${(st.dev & 0xff) | ((st.dev >> 12) & 0xfff00)}`
  } catch {
    return null
  }
  let best: Mount | null = null
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ')
    const sep = f.indexOf('-')
    if (sep < 0 || f[2] !== dev) continue
    const point = f[4]!.replace(/\\040/g, ' ')
    if (!(path === point || path.startsWith(point.endsWith('/') ? point : `${point}/`))) continue
    if (best && best.point.length >= point.length) continue
    best = { dev, point, fstype: f[sep + 1]!, options: `${f[5]},${f[sep + 3] ?? ''}`.split(',') }
  }
  return best
}

function kernelOption(config: string, name: string): boolean | null {
  if (!config) return null
  if (new RegExp(`^${name}=[ym]$`, 'm').test(config)) return true
  return false
}

function readConfig(path: string): string {
  try {
    const raw = readFileSync(path)
    return (path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8')
  } catch {
    return ''
  }
}

/** Whether the filesystem at path keeps project quotas, and if not, why. */
export function projectQuotaSupport(path: string, sources: QuotaSources = SYSTEM): QuotaSupport {
  let mountinfo = ''
  try {
    mountinfo = readFileSync(sources.mountinfo, 'utf8')
  } catch {
    // no /proc: judged on the kernel alone
  }
  const m = mountOf(path, mountinfo)
  if (m && m.options.some((o) => PROJECT_OPTIONS.has(o))) return { available: true, reason: '' }
  const config = readConfig(sources.kernelConfig)
  let hasSysctl = true
  try {
    statSync(sources.quotaSysctl)
  } catch {
    hasSysctl = false
  }
  const missing: string[] = []
  if (kernelOption(config, 'CONFIG_QUOTA') === false || (!config && !hasSysctl)) missing.push('CONFIG_QUOTA')
  if (m?.fstype === 'xfs' && kernelOption(config, 'CONFIG_XFS_QUOTA') === false) missing.push('CONFIG_XFS_QUOTA')
  if (m?.fstype !== 'xfs' && kernelOption(config, 'CONFIG_QFMT_V2') === false) missing.push('CONFIG_QFMT_V2')
  const why = missing.length ? say('quota-kernel', { options: missing.join(' and ') }) : say('quota-not-mounted', { where: m ? `${m.point} (${m.fstype})` : path })
  return { available: false, reason: why.text, said: why }
}
