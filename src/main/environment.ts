// What Strata needs from this machine, checked without root: LXC's tools, pkexec/polkit for
// the helper, and which storage backends can work here (kernel filesystem + userspace tools).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { execa } from 'execa'
import type { BackendSupport, Environment } from '../shared/api'
import type { Backend } from '../shared/model'
import { which } from './engine/drivers/probe'

const LXC_TOOLS = ['lxc-ls', 'lxc-info', 'lxc-create', 'lxc-copy', 'lxc-start', 'lxc-stop', 'lxc-destroy', 'lxc-snapshot']

/** Per backend: the kernel filesystem it mounts (if any) and the tools it runs. */
const NEEDS: Record<Backend, { fs?: string; tools: string[] }> = {
  dir: { tools: [] },
  overlay: { fs: 'overlay', tools: [] },
  aufs: { fs: 'aufs', tools: [] },
  btrfs: { fs: 'btrfs', tools: ['btrfs'] },
  zfs: { fs: 'zfs', tools: ['zfs', 'zpool'] },
  lvm: { tools: ['lvcreate', 'lvs'] },
  loop: { tools: ['losetup', 'mkfs.ext4'] },
  rbd: { tools: ['rbd'] },
  nbd: { tools: ['qemu-nbd'] }
}

function kernelFilesystems(): Set<string> {
  try {
    return new Set(readFileSync('/proc/filesystems', 'utf8').split('\n').map((l) => l.split('\t').pop()!.trim()))
  } catch {
    return new Set()
  }
}

export async function probeEnvironment(): Promise<Environment> {
  const fss = kernelFilesystems()
  const backends: BackendSupport[] = (Object.keys(NEEDS) as Backend[]).map((backend) => {
    const n = NEEDS[backend]
    const missing = [
      ...(n.fs && !fss.has(n.fs) ? [`fs:${n.fs}`] : []),
      ...n.tools.filter((t) => !which(t)).map((t) => `tool:${t}`)
    ]
    return { backend, available: missing.length === 0, missing }
  })
  let lxcVersion: string | null = null
  if (which('lxc-ls')) {
    const r = await execa('lxc-ls', ['--version'], { reject: false, timeout: 5000 })
    lxcVersion = r.exitCode === 0 ? r.stdout.trim() : null
  }
  const tdir = '/usr/share/lxc/templates'
  const templates = existsSync(tdir)
    ? readdirSync(tdir).filter((f) => f.startsWith('lxc-')).map((f) => f.slice(4)).sort()
    : []
  return {
    lxcVersion,
    tools: LXC_TOOLS.map((name) => ({ name, path: which(name) })),
    pkexec: which('pkexec') !== null,
    polkit: existsSync('/usr/lib/polkit-1/polkitd') || existsSync('/usr/share/polkit-1/actions'),
    root: process.getuid?.() === 0,
    backends,
    templates
  }
}
