// TEMPORARY stand-in, written on branch `ui` only so the UI has real data before the engine
// lands on main. It will be replaced on merge by the engine's lxcpath.ts (same signatures).
// It reads configs directly and asks `lxc-ls -f` for states, which is NOT the final approach.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'
import type { Backend, ContainerInfo, ContainerRef, ContainerState, SnapshotInfo } from '../../shared/model'

export function defaultLxcpaths(): string[] {
  return process.getuid?.() === 0 ? ['/var/lib/lxc'] : [join(homedir(), '.local/share/lxc')]
}

/** `key = value` pairs of one config file, no include expansion (TEMPORARY). */
function readKeys(file: string): Map<string, string> {
  const m = new Map<string, string>()
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return m
  }
  for (const line of text.split('\n')) {
    const t = line.trim()
    if (!t || t.startsWith('#')) continue
    const eq = t.indexOf('=')
    if (eq < 0) continue
    m.set(t.slice(0, eq).trim(), t.slice(eq + 1).trim())
  }
  return m
}

export function backendOf(rootfs: string | null): Backend | null {
  if (!rootfs) return null
  if (rootfs.startsWith('/')) return 'dir'
  const prefix = rootfs.slice(0, rootfs.indexOf(':'))
  const map: Record<string, Backend> = {
    dir: 'dir', overlay: 'overlay', overlayfs: 'overlay', aufs: 'aufs', btrfs: 'btrfs',
    zfs: 'zfs', lvm: 'lvm', loop: 'loop', rbd: 'rbd', nbd: 'nbd'
  }
  return map[prefix] ?? null
}

/** For an overlay rootfs, the lower layer's owner when it is `<P>/<name>/rootfs` (or a delta). */
export function lowerOwner(rootfs: string | null): ContainerRef | null {
  if (!rootfs || backendOf(rootfs) !== 'overlay') return null
  const parts = rootfs.split(':').slice(1)
  const lower = parts[parts.length - 2]
  if (!lower) return null
  const m = /^(.*)\/([^/]+)\/(rootfs|overlay\/delta|delta0)$/.exec(lower)
  return m && m[1] && m[2] ? { lxcpath: m[1], name: m[2] } : null
}

function readPairs(file: string): ContainerRef[] {
  if (!existsSync(file)) return []
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0)
  // LXC >= 1.1 writes `lxcpath\nname\n` pairs; LXC 1.0 wrote a count first.
  if (lines.length % 2 === 1 && /^\d+$/.test(lines[0] ?? '')) lines.shift()
  const out: ContainerRef[] = []
  for (let i = 0; i + 1 < lines.length; i += 2) out.push({ lxcpath: lines[i]!, name: lines[i + 1]! })
  return out
}

async function states(lxcpath: string): Promise<Map<string, ContainerState>> {
  const m = new Map<string, ContainerState>()
  try {
    const r = await execa('lxc-ls', ['-P', lxcpath, '-f', '-F', 'name,state'], { reject: false })
    for (const line of r.stdout.split('\n').slice(1)) {
      const [n, s] = line.trim().split(/\s+/)
      if (n && s) m.set(n, s.toLowerCase() as ContainerState)
    }
  } catch {
    /* lxc-ls missing: states stay unknown */
  }
  return m
}

function snapshotsOf(lxcpath: string, name: string): SnapshotInfo[] {
  const snapdir = join(lxcpath, name, 'snaps')
  if (!existsSync(snapdir)) return []
  return readdirSync(snapdir)
    .filter((s) => /^snap\d+$/.test(s) && existsSync(join(snapdir, s, 'config')))
    .map((s) => {
      const read = (f: string): string | null => {
        try {
          return readFileSync(join(snapdir, s, f), 'utf8').trim()
        } catch {
          return null
        }
      }
      const keys = readKeys(join(snapdir, s, 'config'))
      const rootfs = keys.get('lxc.rootfs.path') ?? keys.get('lxc.rootfs') ?? null
      return { name: s, snapdir, timestamp: read('ts'), comment: read('comment'), backend: backendOf(rootfs), rootfs }
    })
}

export async function listContainers(lxcpaths: string[]): Promise<ContainerInfo[]> {
  const out: ContainerInfo[] = []
  for (const lxcpath of lxcpaths) {
    let names: string[]
    try {
      names = readdirSync(lxcpath).filter((n) => {
        try {
          return statSync(join(lxcpath, n, 'config')).isFile()
        } catch {
          return false
        }
      })
    } catch {
      continue
    }
    const st = await states(lxcpath)
    for (const name of names.sort()) {
      const config = join(lxcpath, name, 'config')
      const keys = readKeys(config)
      const legacy = keys.has('lxc.rootfs') || keys.has('lxc.utsname') || keys.has('lxc.network.type')
      const rootfs = keys.get('lxc.rootfs.path') ?? keys.get('lxc.rootfs') ?? null
      const origin = lowerOwner(rootfs) ?? readPairs(join(lxcpath, name, 'lxc_rdepends'))[0] ?? null
      out.push({
        name, lxcpath, config, backend: backendOf(rootfs), rootfs,
        state: st.get(name) ?? 'unknown',
        origin,
        dependsOn: origin ? [origin] : [],
        dependents: readPairs(join(lxcpath, name, 'lxc_snapshots')),
        snapshots: snapshotsOf(lxcpath, name),
        legacy,
        problems: []
      })
    }
  }
  return out
}
