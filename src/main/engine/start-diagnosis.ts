// "Why did it not start?": the lines of LXC's log that a failed start wrote (ERROR lines first)
// and the causes Strata knows, said in words: an overlay clone whose origin was removed, a
// lower layer or rootfs that is missing, a network that needs a bridge or device this host does
// not have, an unprivileged container whose files lie outside its id map. Read side only.
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { LxcLogLine, StartCause, StartDiagnosis } from '@shared/model'
import { effectiveValue, expandConfigFile, type ConfigEntry } from './config/expand'
import { idMap } from './config/idmap'
import type { ContainerRecord } from './container'
import { readLogFrom, type LogLocation } from './lxc-log'

/** Lines LXC's tools add to every failure that only point at log options. */
const NOISE = /foreground mode|--logfile and --logpriority/
const MAX_LINES = 40

/** The ERROR lines of this start, then its WARN lines; LXC's pointers at log options left out. */
export function startLogLines(log: LogLocation, from: number): LxcLogLine[] {
  const lines = readLogFrom(log, from).lines.filter((l) => !NOISE.test(l.text))
  const errors = lines.filter((l) => l.level === 'ERROR')
  const warnings = lines.filter((l) => l.level === 'WARN')
  return [...errors, ...warnings].slice(0, MAX_LINES)
}

function lowerCauses(record: ContainerRecord): StartCause[] {
  const spec = record.spec
  if (!spec) return []
  if (spec.backend !== 'overlay' && spec.backend !== 'aufs') {
    if ('path' in spec && spec.path.startsWith('/') && spec.backend === 'dir' && !existsSync(spec.path))
      return [{ rule: 'missing-rootfs', message: `Its rootfs ${spec.path} does not exist, so LXC has nothing to mount.`, params: { path: spec.path } }]
    return []
  }
  const causes: StartCause[] = []
  for (const lower of spec.lowers) {
    if (existsSync(lower)) continue
    const origin = (record.rdepends ?? []).find((r) => lower === join(r.lxcpath, r.name, 'rootfs') || lower.startsWith(join(r.lxcpath, r.name) + '/'))
    if (origin && !existsSync(join(origin.lxcpath, origin.name)))
      causes.push({
        rule: 'origin-removed',
        params: { name: record.ref.name, origin: origin.name, originDir: `${origin.lxcpath}/${origin.name}`, lower, upper: spec.upper },
        message: `${record.ref.name} is an overlay clone of ${origin.name} (${origin.lxcpath}/${origin.name}), which was removed: its lower layer ${lower} no longer exists, so LXC cannot mount the rootfs. Put ${origin.name} back, or destroy ${record.ref.name} (its own changes are in ${spec.upper}).`
      })
    else
      causes.push({
        rule: 'missing-lower',
        params: { name: record.ref.name, lower },
        message: `The lower layer ${lower} of ${record.ref.name}'s overlay rootfs does not exist, so LXC cannot mount the rootfs. Restore that directory or point lxc.rootfs.path at an existing one.`
      })
  }
  return causes
}

/** Network types that attach to a host device named by `link`, and what that device must be. */
const LINKED: Readonly<Record<string, 'bridge' | 'device'>> = { veth: 'bridge', macvlan: 'device', ipvlan: 'device', vlan: 'device', phys: 'device' }

function networkCauses(entries: ConfigEntry[]): StartCause[] {
  const indices = new Set<string>()
  for (const e of entries) {
    const m = /^lxc\.net\.(\d+)\.type$/.exec(e.key)
    if (m) indices.add(m[1]!)
  }
  const causes: StartCause[] = []
  for (const i of indices) {
    const type = effectiveValue(entries, `lxc.net.${i}.type`)?.value
    const link = effectiveValue(entries, `lxc.net.${i}.link`)?.value
    const needs = type ? LINKED[type] : undefined
    if (!needs || !link) continue
    const dev = `/sys/class/net/${link}`
    if (needs === 'bridge' && !existsSync(join(dev, 'bridge')))
      causes.push({
        rule: existsSync(dev) ? 'not-a-bridge' : 'no-bridge',
        params: { net: `lxc.net.${i}`, link },
        message: `lxc.net.${i} is a veth attached to the bridge ${link}, which ${existsSync(dev) ? 'is not a bridge' : 'does not exist on this host'}: start LXC's network (lxc-net makes lxcbr0), set lxc.net.${i}.link to an existing bridge, or use lxc.net.${i}.type = empty for no network.`
      })
    if (needs === 'device' && !existsSync(dev))
      causes.push({ rule: 'no-link-device', params: { net: `lxc.net.${i}`, type: type ?? '', link }, message: `lxc.net.${i} is a ${type} on the host device ${link}, which does not exist on this host: set lxc.net.${i}.link to an existing device.` })
  }
  return causes
}

/** The host uid ranges `lxc.idmap = u <first> <host> <count>` (or `b`) maps to. */
function uidRanges(entries: ConfigEntry[]): { container: number; host: number; count: number }[] {
  return idMap(entries)
    .filter((e) => e.kind === 'u' || e.kind === 'b')
    .map((e) => ({ container: e.nsid, host: e.hostid, count: e.count }))
}

function idmapCauses(record: ContainerRecord, entries: ConfigEntry[]): StartCause[] {
  const ranges = uidRanges(entries)
  const spec = record.spec
  if (!ranges.length || !spec) return []
  const top = spec.backend === 'overlay' || spec.backend === 'aufs' ? spec.upper : 'path' in spec && spec.path.startsWith('/') ? spec.path : null
  if (!top) return []
  let uid: number
  try {
    uid = statSync(top).uid
  } catch {
    return []
  }
  if (ranges.some((r) => uid >= r.host && uid < r.host + r.count)) return []
  const root = ranges.find((r) => r.container === 0)
  const mapped = root ? `its root to host uid ${root.host}-${root.host + root.count - 1}` : 'no host uid to its root'
  return [
    {
      rule: 'outside-idmap',
      params: { name: record.ref.name, mapped: root ? `${root.host}-${root.host + root.count - 1}` : '', path: top, uid: String(uid) },
      message: `${record.ref.name} is unprivileged (lxc.idmap maps ${mapped}), but its rootfs ${top} is owned by host uid ${uid}, outside that map: inside the container these files belong to nobody and LXC cannot set it up. Shift the rootfs's owners into the map (as lxc-create does for an unprivileged container) or fix lxc.idmap.`
    }
  ]
}

/** The causes Strata recognises for a container that did not start. */
export function knownStartCauses(record: ContainerRecord): StartCause[] {
  let entries: ConfigEntry[] = []
  try {
    entries = expandConfigFile(record.configFile).entries
  } catch {
    /* an unreadable config is in the container's problems */
  }
  return [...lowerCauses(record), ...networkCauses(entries), ...idmapCauses(record, entries)]
}

export function diagnoseStart(record: ContainerRecord, log: LogLocation, from: number): StartDiagnosis {
  let lines: LxcLogLine[] = []
  try {
    lines = startLogLines(log, from)
  } catch {
    /* a log that cannot be read leaves the causes */
  }
  return { logFile: log.file, lines, causes: knownStartCauses(record) }
}
