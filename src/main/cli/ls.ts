// `strata ls`: the containers of one or more lxcpaths.
import { failed } from '@shared/errors'
import type { ContainerInfo, ContainerRef } from '@shared/model'
import { defaultLxcpaths } from '../engine/global-config'
import { containerInfos, scanLxcpaths } from '../engine/lxcpath'
import { ALL_OPTION, formatTable, jsonText, LXCPATH_OPTION, parseOptions, type Command } from './command'
import { writeStdout } from './output'
import { markPhase } from './phases'
import { needsRootHelper, withRootHelper } from './root-helper'

const usage = `Usage: strata ls [-P LXCPATH]... [-a] [--json]

Lists the containers of each lxcpath (default: LXC's) with backend, state, origin, dependents
and snapshots. Hidden containers (names starting with ".") are left out, as lxc-ls leaves them
out, but still appear as the dependents and origins of others; -a, --all lists them too.
--json prints an array of objects. An lxcpath only root may read is listed by the root helper
(through pkexec and polkit).`

function refText(ref: ContainerRef, lxcpath: string): string {
  return ref.lxcpath === lxcpath ? ref.name : `${ref.lxcpath}/${ref.name}`
}

function rows(infos: ContainerInfo[], showPath: boolean, showMember: boolean): string[][] {
  return infos.map((c) => {
    const errors = c.problems.filter((p) => p.severity === 'error').length
    return [
      ...(showPath ? [c.lxcpath] : []),
      c.name,
      ...(showMember ? [c.location ?? '-'] : []),
      c.state.toUpperCase(),
      c.backend ?? '-',
      c.origin ? refText(c.origin, c.lxcpath) : '-',
      c.dependents.length ? c.dependents.map((d) => refText(d, c.lxcpath)).join(',') : '-',
      String(c.snapshots.length),
      errors ? `${c.problems.find((p) => p.severity === 'error')?.rule}${errors > 1 ? ` (+${errors - 1})` : ''}` : ''
    ]
  })
}

export const LS_OPTIONS = { ...LXCPATH_OPTION, ...ALL_OPTION, json: { type: 'boolean' } } as const

const command: Command = {
  usage,
  async run(args) {
    const opts = parseOptions(args, LS_OPTIONS)
    const lxcpaths = opts.lxcpath ?? defaultLxcpaths()
    if (needsRootHelper(lxcpaths, 'read')) {
      const infos = await withRootHelper(lxcpaths, (helper) => helper.call('listContainers', { lxcpaths, all: opts.all }))
      print(infos, lxcpaths.length > 1, opts.json)
      return 0
    }
    const scans = await scanLxcpaths(lxcpaths)
    markPhase('lxcpath-scan')
    const infos = containerInfos(scans, { all: opts.all })
    markPhase('lineage')
    const unreadable = scans.filter((s) => s.error)
    for (const f of unreadable) process.stderr.write(`strata ls: ${f.error?.message}\n`)
    if (unreadable.length === scans.length && unreadable.length > 0) throw failed('no lxcpath could be read')
    print(infos, scans.length > 1, opts.json)
    markPhase('output')
    return unreadable.length > 0 ? 1 : 0
  },
  async remote(args, host) {
    const opts = parseOptions(args, LS_OPTIONS)
    const lxcpaths = opts.lxcpath?.map((p) => host.lxcpathOf(p)) ?? host.lxcpaths
    print(await host.call('listContainers', { lxcpaths, all: opts.all }), lxcpaths.length > 1, opts.json)
    return 0
  }
}

function print(infos: ContainerInfo[], showPath: boolean, json: boolean | undefined): void {
  const text = listingText(infos, showPath, json)
  if (text !== '') writeStdout(text)
}

/** What `strata ls` prints for these containers (the warm worker's kept listing prints it too). */
export function listingText(infos: ContainerInfo[], showPath: boolean, json: boolean | undefined): string {
  if (json) return jsonText(infos)
  if (infos.length === 0) return ''
  // an LXD cluster's instances each live on one member
  const showMember = infos.some((c) => c.location !== undefined)
  const header = [...(showPath ? ['LXCPATH'] : []), 'NAME', ...(showMember ? ['MEMBER'] : []), 'STATE', 'BACKEND', 'ORIGIN', 'DEPENDENTS', 'SNAPSHOTS', 'PROBLEM']
  return `${formatTable(header, rows(infos, showPath, showMember))}\n`
}
export default command
