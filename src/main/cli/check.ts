// `strata check`: integrity findings; exit 1 when any is an error.
import { defaultLxcpaths } from '../engine/global-config'
import { baseDrifts } from '../engine/lineage/drift'
import { counted } from '@shared/counted'
import type { ContainerRef, Finding } from '@shared/model'
import { buildLineage, withoutHidden } from '../engine/lineage/graph'
import { scanLxcpaths } from '../engine/lxcpath'
import { isHiddenName } from '@shared/names'
import { repairSnapshotsFile } from '../engine/ops/repair'
import { accessSync, constants } from 'node:fs'
import type { HostSession } from '../hosts/host-session'
import { ALL_OPTION, LXCPATH_OPTION, parseOptions, printJson, type Command } from './command'
import { recover } from './progress'
import { writeStdout } from './output'
import { fixAdvice } from './fix-commands'

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}

const usage = `Usage: strata check [-P LXCPATH]... [-a] [--repair] [--json]

Checks every container's config and lineage bookkeeping: clones whose origin is gone, stale
entries in lxc_snapshots, leftover text and LXC 1.x counts of 0 that make lxc-destroy refuse
("has clones") though nothing depends on the container, counts that disagree with the clones
found, lxc_rdepends that disagree with the rootfs spec, stray "partial" files, configs LXC
cannot load. Hidden containers (names starting with ".", which lxc-ls leaves out) always
count as dependents; -a, --all checks them too.
Each lxc_snapshots finding comes with its fix; --repair carries the fixes out (each rewrites
or removes that one file, under LXC's lock, and says what it changed on stderr), then checks
again. Dependents are looked for in the lxcpaths given, so name every lxcpath that holds clones.
Before checking, work that an interrupted Strata left behind (a clone, destroy or restore
killed half-way) is finished or rolled back, and each recovery is printed on stderr.
Exits 1 when there is an error, 0 otherwise (warnings included).`

async function findingsOf(lxcpaths: string[], all: boolean): Promise<{ findings: Finding[]; containers: number }> {
  const scans = await scanLxcpaths(lxcpaths)
  const { graph } = buildLineage(scans, await baseDrifts(scans))
  const containers = scans.reduce((n, s) => n + s.containers.filter((c) => all || !isHiddenName(c.record.ref.name)).length, 0)
  return { findings: (all ? graph : withoutHidden(graph)).findings, containers }
}

/** Carries out each fix once per file; true when every one worked. */
async function repair(findings: Finding[], lxcpaths: string[]): Promise<boolean> {
  const subjects = new Map<string, ContainerRef>()
  for (const f of findings) if (f.fix) subjects.set(f.fix.file, f.subject)
  let ok = true
  for (const ref of subjects.values()) {
    try {
      const r = await repairSnapshotsFile(ref, { lxcpaths })
      process.stderr.write(`strata: repair: ${r.message}\n`)
    } catch (err) {
      ok = false
      process.stderr.write(`strata: repair of ${ref.lxcpath}/${ref.name} failed: ${(err as Error).message}\n`)
    }
  }
  return ok
}

const CHECK_OPTIONS = { ...LXCPATH_OPTION, ...ALL_OPTION, repair: { type: 'boolean' }, json: { type: 'boolean' } } as const

/** Prints the findings; the exit status: 1 when there is an error or a repair failed. */
function report(findings: Finding[], containers: number, json: boolean | undefined, repaired: boolean): number {
  if (json) printJson(findings)
  else {
    for (const f of findings) {
      writeStdout(`${f.severity.padEnd(7)} ${f.code.padEnd(21)} ${f.message}${fixAdvice(f.fixId)}\n`)
      if (f.fix) writeStdout(`${''.padEnd(30)}fix: ${f.fix.description} (strata check --repair)\n`)
    }
    const errors = findings.filter((f) => f.severity === 'error').length
    writeStdout(`${counted(containers, 'container', 'containers')} checked: ${counted(errors, 'error', 'errors')}, ${counted(findings.length - errors, 'warning', 'warnings')}.\n`)
  }
  return findings.some((f) => f.severity === 'error') || !repaired ? 1 : 0
}

/**
 * On a remote host: the helper there finished or rolled back interrupted work when it started;
 * the lineage method carries the findings, and each fix runs there (repairBookkeeping).
 */
async function remoteCheck(args: string[], host: HostSession): Promise<number> {
  const opts = parseOptions(args, CHECK_OPTIONS)
  const lxcpaths = opts.lxcpath?.map((p) => host.lxcpathOf(p)) ?? host.lxcpaths
  const findingsThere = async (): Promise<{ findings: Finding[]; containers: number }> => {
    const graph = await host.call('lineage', { lxcpaths, all: opts.all })
    return { findings: graph.findings, containers: graph.nodes.filter((n) => n.kind !== 'snapshot' && n.kind !== 'missing').length }
  }
  let { findings, containers } = await findingsThere()
  let repaired = true
  if (opts.repair && findings.some((f) => f.fix)) {
    const subjects = new Map<string, ContainerRef>()
    for (const f of findings) if (f.fix) subjects.set(f.fix.file, f.subject)
    for (const ref of subjects.values()) {
      try {
        const r = await host.call('repairBookkeeping', { ...ref, lxcpaths })
        process.stderr.write(`strata: repair on ${host.name}: ${r.message}\n`)
      } catch (err) {
        repaired = false
        process.stderr.write(`strata: repair of ${ref.lxcpath}/${ref.name} on ${host.name} failed: ${(err as Error).message}\n`)
      }
    }
    ;({ findings, containers } = await findingsThere())
  }
  return report(findings, containers, opts.json, repaired)
}

const command: Command = {
  usage,
  remote: remoteCheck,
  async run(args) {
    const opts = parseOptions(args, CHECK_OPTIONS)
    const lxcpaths = opts.lxcpath ?? defaultLxcpaths()
    const all = opts.all ?? false
    // Engine start: interrupted Strata work is finished or undone first (under LXC's locks).
    await recover(lxcpaths.filter((p) => canWrite(p)))
    let { findings, containers } = await findingsOf(lxcpaths, all)
    let repaired = true
    if (opts.repair && findings.some((f) => f.fix)) {
      repaired = await repair(findings, lxcpaths)
      ;({ findings, containers } = await findingsOf(lxcpaths, all))
    }
    return report(findings, containers, opts.json, repaired)
  }
}
export default command
