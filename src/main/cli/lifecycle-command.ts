// start, stop, restart, freeze, unfreeze: `-n NAME [-P LXCPATH]` and lxc-start/lxc-stop's flags
// that make sense outside a terminal session, on the engine's lifecycle operations. A start that
// fails prints LXC's log lines of that start (errors first) under the message.
import type { EngineMethod } from '@shared/engine-api'
import type { ContainerRef, StartDiagnosis } from '@shared/model'
import { errorData, isStrataError, usageError } from '@shared/errors'
import type { OpContext } from '../engine/context'
import { containerNameArg, CONTAINER_OPTIONS, parseOptions, type Command } from './command'
import { EXIT_STATUS } from './exit-status'
import { writeStdout } from './output'
import { engineCall, lxcpathOf, progressPrinter } from './progress'

export const STOP_OPTIONS = { ...CONTAINER_OPTIONS, timeout: { type: 'string', short: 't' }, kill: { type: 'boolean', short: 'k' } } as const

/** `-t TIMEOUT`: whole seconds, -1 to wait for ever (lxc-stop's meaning). */
export function timeoutArg(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^-?\d{1,5}$/.test(value) || Number(value) < -1) throw usageError(`-t TIMEOUT is whole seconds, or -1 to wait for ever: not ${JSON.stringify(value)}.`)
  return Number(value)
}

export function printDiagnosis(d: StartDiagnosis): void {
  if (!d.lines.length) return
  process.stderr.write(`LXC's log (${d.logFile}), errors first:\n`)
  for (const l of d.lines) process.stderr.write(`  ${(l.level ?? '').padEnd(5)}  ${l.text}\n`)
}

/** A lifecycle command: parse, run the operation with progress on a terminal, say what was done. */
/** What the options parse to (stop's -t and -k only where the command takes them). */
interface LifecycleValues {
  name?: string
  lxcpath?: string
  timeout?: string
  kill?: boolean
}

/** Each lifecycle command's engine method, which runs it on a remote host. */
const METHOD = {
  start: 'startContainer',
  stop: 'stopContainer',
  restart: 'restartContainer',
  freeze: 'freezeContainer',
  unfreeze: 'unfreezeContainer'
} as const satisfies Record<string, EngineMethod>

export function lifecycleCommand(
  command: keyof typeof METHOD,
  usage: string,
  options: typeof CONTAINER_OPTIONS | typeof STOP_OPTIONS,
  op: (ref: ContainerRef, values: LifecycleValues, ctx: OpContext) => Promise<unknown>,
  done: (ref: ContainerRef) => string
): Command {
  return {
    usage,
    async run(args) {
      const o = parseOptions(args, options) as LifecycleValues
      const ref = { lxcpath: lxcpathOf(o.lxcpath), name: containerNameArg(o.name) }
      const progress = progressPrinter()
      try {
        await engineCall((signal) => op(ref, o, { signal, onProgress: progress.onProgress })).finally(progress.done)
      } catch (err) {
        if (!isStrataError(err) || !err.diagnosis) throw err
        // The message first, then the log lines it came from.
        process.stderr.write(`strata ${command}: ${err.message}\n`)
        printDiagnosis(err.diagnosis)
        return EXIT_STATUS[errorData(err).code]
      }
      writeStdout(`${done(ref)}\n`)
      return 0
    },
    async remote(args, host) {
      const o = parseOptions(args, options) as LifecycleValues
      const ref = { lxcpath: host.lxcpathOf(o.lxcpath), name: containerNameArg(o.name) }
      const stopping = command === 'stop' || command === 'restart'
      const params = { ...ref, ...(stopping ? { timeout: timeoutArg(o.timeout), kill: o.kill } : {}) }
      const progress = progressPrinter()
      await host.call(METHOD[command], params as never, progress.onProgress).finally(progress.done)
      writeStdout(`${done(ref)} on ${host.name}\n`)
      return 0
    }
  }
}
