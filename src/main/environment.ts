// What Strata needs from this machine, checked without root: LXC's tools, pkexec/polkit for
// the helper, and which storage backends can work here (kernel filesystem + userspace tools).
import { existsSync, readdirSync } from 'node:fs'
import { execa } from 'execa'
import type { BackendSupport, Environment } from '../shared/api'
import { BACKENDS } from '../shared/model'
import { driverFor } from './engine/drivers/index'
import { missingNeeds, which } from './engine/drivers/probe'

const LXC_TOOLS = ['lxc-ls', 'lxc-info', 'lxc-create', 'lxc-copy', 'lxc-start', 'lxc-stop', 'lxc-destroy', 'lxc-snapshot']

export async function probeEnvironment(): Promise<Environment> {
  // what each driver says it needs (the same record the clone rules read)
  const backends: BackendSupport[] = BACKENDS.map((backend) => {
    const missing = missingNeeds(driverFor(backend).capabilities.needs)
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
