// `strata check`: integrity findings; exit 1 when any is an error.
import { defaultLxcpaths } from '../engine/global-config'
import { baseDrifts } from '../engine/lineage/drift'
import { buildLineage } from '../engine/lineage/graph'
import { scanLxcpaths } from '../engine/lxcpath'
import { accessSync, constants } from 'node:fs'
import { LXCPATH_OPTION, parseOptions, printJson, type Command } from './command'
import { recover } from './progress'
import { writeStdout } from './output'

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}

const usage = `Usage: strata check [-P LXCPATH]... [--json]

Checks every container's config and lineage bookkeeping: clones whose origin is gone, stale
entries in lxc_snapshots, LXC 1.x counts that disagree with the clones found, lxc_rdepends that
disagree with the rootfs spec, stray "partial" files, configs LXC cannot load.
Before checking, work that an interrupted Strata left behind (a clone, destroy or restore
killed half-way) is finished or rolled back, and each repair is printed on stderr.
Exits 1 when there is an error, 0 otherwise (warnings included).`

const command: Command = {
  usage,
  async run(args) {
    const opts = parseOptions(args, { ...LXCPATH_OPTION, json: { type: 'boolean' } })
    const lxcpaths = opts.lxcpath ?? defaultLxcpaths()
    // Engine start: interrupted Strata work is finished or undone first (under LXC's locks).
    await recover(lxcpaths.filter((p) => canWrite(p)))
    const scans = await scanLxcpaths(lxcpaths)
    const { findings } = buildLineage(scans, await baseDrifts(scans)).graph
    if (opts.json) printJson(findings)
    else {
      for (const f of findings) writeStdout(`${f.severity.padEnd(7)} ${f.code.padEnd(21)} ${f.message}\n`)
      const errors = findings.filter((f) => f.severity === 'error').length
      const containers = scans.reduce((n, s) => n + s.containers.length, 0)
      writeStdout(
        `${containers} container(s) checked: ${errors} error(s), ${findings.length - errors} warning(s).\n`
      )
    }
    return findings.some((f) => f.severity === 'error') ? 1 : 0
  }
}
export default command
