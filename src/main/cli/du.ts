// `strata du`: what each container and snapshot holds, shares, would free and saves, and what
// each lineage tree holds on disk; not one "size" that lies about copy-on-write storage.
import { counted } from '@shared/counted'
import { notFound, usageError } from '@shared/errors'
import type { ContainerRef, ContainerUsage } from '@shared/model'
import { measureUsageReport } from '../engine/usage'
import { defaultLxcpaths } from '../engine/global-config'
import { ALL_OPTION, containerNameArg, formatTable, LXCPATH_OPTION, parseOptions, printJson, type Command } from './command'
import { formatBytes } from './units'
import { writeStdout } from './output'

const usage = `Usage: strata du [-n NAME]... [-P LXCPATH]... [-a] [--json]

For every container and snapshot (or the named ones):
  EXCLUSIVE   what only it holds: its directory without snaps/ (du -sx --exclude=snaps DIR),
              btrfs/zfs: what the filesystem counts as its own, plus its config and log
  SHARED      what it reads from its bases (overlay lowers: du -sx LOWER; btrfs/zfs:
              referenced but not exclusive); counted once, in the base's EXCLUSIVE, in a tree
  FREED       what destroying it would give back: its EXCLUSIVE plus that of its snapshots and
              of the clones that read it (a leaf: its EXCLUSIVE; df shows it)
  SAVED       for a base: what its clones save compared with full copies
plus files, directories, whiteouts and opaque directories of the measured layer, and per lineage
tree what the whole tree holds on disk. Bytes are allocated bytes (what df counts); --json adds
apparent sizes and exact figures. A NAME may be NAME/snapN for a snapshot.
Hidden containers (names starting with ".") get no line of their own unless -a, --all (or
-n names one), but what they hold and read always counts in the figures of others.`

function refFor(lxcpath: string, name: string): ContainerRef {
  const m = /^(.+)\/(snap\d+)$/.exec(name)
  return m ? { lxcpath: `${lxcpath}/${containerNameArg(m[1])}/snaps`, name: m[2]! } : { lxcpath, name: containerNameArg(name) }
}

const DU_OPTIONS = { ...LXCPATH_OPTION, ...ALL_OPTION, name: { type: 'string', short: 'n', multiple: true }, json: { type: 'boolean' } } as const

function printRows(containers: ContainerUsage[]): void {
  const rows = containers.map((c) => [
    c.ref.lxcpath.endsWith('/snaps') ? `${c.ref.lxcpath.split('/').slice(-2, -1)[0]}/${c.ref.name}` : c.ref.name,
    c.backend ?? '?',
    formatBytes(c.exclusiveBytes),
    formatBytes(c.sharedBytes),
    formatBytes(c.freedIfDeletedBytes),
    formatBytes(c.savedByClonesBytes),
    String(c.measured.files),
    String(c.measured.dirs),
    String(c.measured.whiteouts),
    String(c.measured.opaqueDirs),
    c.source
  ])
  writeStdout(`${formatTable(['NAME', 'BACKEND', 'EXCLUSIVE', 'SHARED', 'FREED', 'SAVED', 'FILES', 'DIRS', 'WHITEOUTS', 'OPAQUE', 'SOURCE'], rows)}\n`)
  for (const c of containers) {
    if (c.sourceNote) writeStdout(`${c.ref.name} (${c.backend ?? '?'}): ${c.sourceNote}\n`)
  }
}

const command: Command = {
  usage,
  /** On a remote host: the helper's usage method (per container; the tree totals are this computer's report only). */
  async remote(args, host) {
    const opts = parseOptions(args, DU_OPTIONS)
    const lxcpaths = opts.lxcpath?.map((p) => host.lxcpathOf(p)) ?? host.lxcpaths
    if (opts.name && lxcpaths.length !== 1) throw usageError('-n NAME needs exactly one -P LXCPATH (or none, for the host\'s first lxcpath)')
    const wanted = opts.name?.map((n) => refFor(lxcpaths[0]!, n))
    const all = await host.call('usage', { lxcpaths, all: opts.all || wanted !== undefined })
    const containers = wanted ? all.filter((c) => wanted.some((w) => w.lxcpath === c.ref.lxcpath && w.name === c.ref.name)) : all
    for (const w of wanted ?? []) {
      if (!containers.some((c) => c.ref.lxcpath === w.lxcpath && c.ref.name === w.name)) throw notFound(`no container or snapshot ${w.lxcpath}/${w.name} on ${host.name}`, `${w.lxcpath}/${w.name}`)
    }
    if (opts.json) printJson(containers)
    else printRows(containers)
    return 0
  },
  async run(args) {
    const opts = parseOptions(args, DU_OPTIONS)
    const lxcpaths = opts.lxcpath ?? defaultLxcpaths()
    if (opts.name && lxcpaths.length !== 1) throw usageError('-n NAME needs exactly one -P LXCPATH (or none, for the default lxcpath)')
    const names = opts.name?.map((n) => refFor(lxcpaths[0]!, n))
    const report = await measureUsageReport(lxcpaths, { names, all: opts.all })
    if (opts.json) {
      printJson(report)
      return 0
    }
    printRows(report.containers)
    if (!names) {
      for (const t of report.trees) {
        writeStdout(
          `tree ${t.root.name}: ${counted(t.members.length, 'member', 'members')}, ${formatBytes(t.allocatedBytes)} on disk, clones save ${formatBytes(t.savedByClonesBytes)}\n`
        )
      }
    }
    return 0
  }
}
export default command
