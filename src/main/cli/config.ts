// `strata config`: a container's config, raw, flattened with its includes, with the file and
// line of each entry, or converted from LXC 1.x/2.0 keys to the keys LXC 5 reads.
import { join } from 'node:path'
import type { ConfigProblem } from '@shared/model'
import { effectiveConfig } from '../engine/config/effective'
import { expandConfigFile } from '../engine/config/expand'
import { modernizeConfig } from '../engine/config/modernize'
import { parseConfig, parseConfigBytes, type ConfigDocument } from '../engine/config/parse'
import { readRegularFile } from '../engine/fs/regular-file'
import { defaultLxcpaths } from '../engine/global-config'
import { errorData, isStrataError, notFound, StrataError, usageError } from '@shared/errors'
import { containerNameArg, CONTAINER_OPTIONS, parseOptions, type Command } from './command'
import { writeStdout } from './output'
import { fixAdvice } from './fix-commands'

const usage = `Usage: strata config -n NAME [-P LXCPATH] [--expanded] [--provenance] [--modern]

Prints the container's config file as it is.
  --expanded    the effective configuration instead: includes expanded in place, the last value
                of each scalar key, the accumulated entries of each list key
  --provenance  prefix each entry with the file and line it comes from
  --modern      convert LXC 1.x/2.0 keys (lxc.utsname, lxc.rootfs + lxc.rootfs.backend,
                lxc.network.*, ...) to the keys LXC 5 reads; what changed goes to stderr
Problems (unknown or legacy keys, include errors) go to stderr as file:line: message.`

interface Line {
  text: string
  /** `file:line` of the entry it came from */
  source: string
}

function fileLines(doc: ConfigDocument): Line[] {
  return doc.lines.map((l) => ({ text: l.raw + l.eol, source: `${doc.file}:${l.lineNo}` }))
}

/** The effective entries of the expanded config, one `key = value` line each. */
function expandedLines(file: string): { lines: Line[]; problems: ConfigProblem[] } {
  const expanded = expandConfigFile(file)
  const lines: Line[] = []
  for (const setting of effectiveConfig(expanded.entries)) {
    for (const e of setting.entries) lines.push({ text: `${e.key} = ${e.value}\n`, source: `${e.file}:${e.line}` })
  }
  return { lines, problems: expanded.problems }
}

/** Converts to modern keys; each input line gives zero or one output line, so sources follow along. */
function modernize(lines: Line[], file: string): Line[] {
  const doc = parseConfig(lines.map((l) => l.text).join(''), file).doc
  const { doc: converted, changes } = modernizeConfig(doc)
  const removed = new Set(changes.filter((c) => c.to === null).map((c) => c.line))
  const kept = lines.filter((_, i) => !removed.has(i + 1))
  for (const c of changes) {
    process.stderr.write(`${file}:${c.line}: ${c.from}${c.to === null ? ' (removed)' : c.to !== c.from ? ` -> ${c.to}` : ''}: ${c.note}\n`)
  }
  return converted.lines.map((l, i) => ({ text: l.raw + l.eol, source: kept[i]?.source ?? file }))
}

/** Problems go to stderr as `file:line: message [rule]`; exit 1 when LXC could not load the config. */
function reportProblems(problems: ConfigProblem[]): number {
  for (const p of problems) process.stderr.write(`${p.message}${fixAdvice(p.fixId)} [${p.rule}]\n`)
  return problems.some((p) => p.severity === 'error') ? 1 : 0
}

const CONFIG_OPTIONS = { ...CONTAINER_OPTIONS, expanded: { type: 'boolean' }, provenance: { type: 'boolean' }, modern: { type: 'boolean' } } as const

const command: Command = {
  usage,
  /** On a remote host: the config as it is, read there by the helper (configView). */
  async remote(args, host) {
    const opts = parseOptions(args, CONFIG_OPTIONS)
    if (opts.expanded || opts.modern || opts.provenance) throw usageError('--expanded, --provenance and --modern work on this computer only; on a remote host strata config prints the file as it is.')
    const view = await host.call('configView', { lxcpath: host.lxcpathOf(opts.lxcpath), name: containerNameArg(opts.name) })
    writeStdout(view.raw)
    return reportProblems(view.problems)
  },
  async run(args) {
    const opts = parseOptions(args, CONFIG_OPTIONS)
    const name = containerNameArg(opts.name)
    const lxcpath = opts.lxcpath ?? defaultLxcpaths()[0]!
    const file = join(lxcpath, name, 'config')
    let bytes: Buffer
    try {
      bytes = readRegularFile(file)
    } catch (err) {
      if (isStrataError(err)) throw err
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT') throw notFound(`there is no container "${name}" in ${lxcpath} (no ${file})`, `${lxcpath}/${name}`)
      throw new StrataError(errorData(err).code, `cannot read ${file}: ${(err as Error).message}`, { subject: file, cause: err })
    }
    if (!opts.expanded && !opts.modern && !opts.provenance) {
      writeStdout(bytes)
      return reportProblems(parseConfigBytes(bytes, file).problems)
    }
    let lines: Line[]
    let problems: ConfigProblem[]
    if (opts.expanded) ({ lines, problems } = expandedLines(file))
    else {
      const parsed = parseConfigBytes(bytes, file)
      lines = fileLines(parsed.doc)
      problems = parsed.problems
    }
    if (opts.modern) {
      lines = modernize(lines, file)
      // What still stands after the conversion is what the user must fix by hand.
      problems = parseConfig(lines.map((l) => l.text).join(''), file).problems
    }
    writeStdout(lines.map((l) => (opts.provenance ? `${l.source}: ${l.text}` : l.text)).join(''))
    return reportProblems(problems)
  }
}
export default command
