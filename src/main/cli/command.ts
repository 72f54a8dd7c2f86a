// What every CLI command module exports, and the small helpers they share.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { isStrataError, refused, usageError } from '@shared/errors'
import { existingContainerNameProblem } from '@shared/names'
import type { HostSession } from '../hosts/host-session'
import { writeStdout, stdoutIsTerminal } from './output'

export interface Command {
  usage: string
  /** returns the process exit code */
  run(args: string[]): Promise<number>
  /** the command on a remote host (`--host NAME`), through the engine methods of its helper; absent where it runs only here */
  remote?(args: string[], host: HostSession): Promise<number>
}

/** A rule the engine checks on an option (e.g. compat's -B names), refused as a usage error. */
export function usageRule<T>(check: () => T): T {
  try {
    return check()
  } catch (err) {
    if (isStrataError(err) && err.code === 'refused') throw usageError(err.message, err.rule)
    throw err
  }
}

type Options = NonNullable<ParseArgsConfig['options']>

/** node:util parseArgs, with its errors turned into usage errors that name the bad option. */
export function parseOptions<T extends Options>(args: string[], options: T) {
  return parseCommandLine(args, options, false).values
}

/**
 * parseArgs' error for an option given without its value (`-n` last, or `-n -rf`), said as
 * what is missing: `-n NAME is missing: "-rf" after it is an option, not a name.`
 */
function missingValue(message: string, args: string[], options: Options): string | null {
  const m = /^Option '(-{1,2}[\w-]+)[^']*' argument (is ambiguous|missing)/.exec(message)
  if (!m) return null
  const flag = m[1]!
  const long = flag.startsWith('--') ? flag.slice(2) : Object.keys(options).find((k) => `-${options[k]?.short}` === flag)
  if (!long) return null
  const missing = `${flag} ${long.toUpperCase()} is missing`
  const next = args[args.indexOf(flag) + 1]
  return m[2] === 'missing' || next === undefined ? `${missing}.` : `${missing}: ${JSON.stringify(next)} after it is an option, not a ${long}.`
}

/** The options and, where a command takes them (`-- ARGS`), the arguments after them. */
export function parseCommandLine<T extends Options>(args: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true })
  } catch (err) {
    const message = (err as Error).message
    throw usageError(missingValue(message, args, options) ?? message.replace(/\. To specify a positional.*$/s, '.'))
  }
}

/** A container named on the command line (`flag` is how the usage names it), under the engine's name rule. */
export function containerNameArg(value: string | undefined, flag = '-n NAME'): string {
  if (!value) throw usageError(`${flag} is required.`)
  // new names meet the stricter rule for new containers in the engine (newContainerNameProblem)
  const problem = existingContainerNameProblem(value)
  if (problem) throw refused('bad-name', problem) // refused by the rule, as the engine refuses: not a usage error
  return value
}

export const LXCPATH_OPTION = { lxcpath: { type: 'string', short: 'P', multiple: true } } as const

/** `-a, --all`: hidden containers (names starting with `.`) too; lxc-ls has no option for them. */
export const ALL_OPTION = { all: { type: 'boolean', short: 'a' } } as const

/** `-n NAME [-P LXCPATH]`: one container. */
export const CONTAINER_OPTIONS = { name: { type: 'string', short: 'n' }, lxcpath: { type: 'string', short: 'P' } } as const

/** Indented for a person at a terminal, compact for a script (and faster to produce). */
export function printJson(value: unknown): void {
  writeStdout(jsonText(value))
}

export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, stdoutIsTerminal() ? 2 : undefined)}\n`
}

/** Left-aligned columns, two spaces apart; the last column is not padded. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}
