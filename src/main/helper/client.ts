// The unprivileged side of the helper: starts it once per session through pkexec (one
// password prompt; the policy's auth_admin_keep covers the session), matches replies to
// requests, forwards progress, cancels, and starts it again when it has died.
// pkexec is looked up on PATH (not hard-coded) and its failures become errors that say
// what the user can do: 126 = the dialog was dismissed, 127 = not authorised or no agent.
import { accessSync, constants, existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { ResultPromise } from 'execa'
import type { EngineMethod, EngineParams, EngineResult } from '@shared/engine-api'
import { fromErrorData, StrataError } from '@shared/errors'
import type { OpProgress } from '@shared/model'
import { say, type Said } from '@shared/engine-text'
import type { EngineStream } from '../engine/console'
import {
  encodeLine,
  LineDecoder,
  MAX_REPLY_BYTES,
  parseHelperLine,
  PROTOCOL_VERSION,
  type Hello,
  type HelperMessage
} from './protocol'
import { answerKey, applyDelta } from './answer-delta'

export const INSTALLED_HELPER = '/usr/libexec/strata/strata-helper'

/** Why the helper could not be started or kept, as the rule of the one StrataError: polkit's no is `permission`, a dismissed dialog `cancelled`, the rest `unavailable`. */
export type HelperProblem = 'helper-gone' | 'not-authorised' | 'dismissed' | 'no-agent' | 'no-polkit' | 'no-pkexec' | 'helper-missing' | 'protocol-mismatch'

export function helperError(rule: HelperProblem, message: string | Said): StrataError {
  const code = rule === 'not-authorised' ? 'permission' : rule === 'dismissed' ? 'cancelled' : 'unavailable'
  return new StrataError(code, message, { rule })
}

export interface CallOptions {
  signal?: AbortSignal
  onProgress?: (p: OpProgress) => void
  /** a stream method's two ends: its output arrives as data lines, its input goes out as stream lines */
  stream?: EngineStream
}

export interface HelperClientOptions {
  /** the helper program pkexec runs; default STRATA_HELPER or /usr/libexec/strata/strata-helper */
  helperPath?: string
  /** pkexec to use; default: `pkexec` found on PATH. null runs the helper directly (already root, development) */
  pkexec?: string | null
  /** the lxcpaths the helper may serve for this session (`--lxcpath` each); default: root's LXC default */
  lxcpaths?: string[]
  /** lines the helper writes to stderr (its log: ids, methods, outcomes) */
  onLog?: (line: string) => void
  /** how the helper is started somewhere else (over ssh on a remote host); default: pkexec here */
  launcher?: HelperLauncher
  /** the helper went away after it had greeted (ssh dropped, the host went down): why, as callers in flight are told */
  onGone?: (err: StrataError) => void
}

/** A program to start; `env` replaces the environment when given. */
export interface ChannelCommand {
  file: string
  argv: string[]
  env?: Record<string, string>
}

/** Starts the helper other than through pkexec on this computer: the command, and what its failures mean. */
export interface HelperLauncher {
  /** the helper as people name it in messages: "The Strata helper on h1" */
  describe: Said
  /** the program and its arguments; `helperArgs` are the helper's own (--stdio, --lxcpath ...) */
  command(helperArgs: string[]): { file: string; argv: string[] }
  /** why it stopped before its hello, from the exit code and what it wrote on stderr */
  failure(exitCode: number | undefined, stderr: string): Promise<StrataError>
}

interface Pending {
  method: EngineMethod
  /** the list this request's answer may be a delta of, and where the answer is kept */
  list?: { key: string; have?: { version: number; items: readonly unknown[] } }
  resolve: (v: unknown) => void
  reject: (e: Error) => void
  onProgress?: (p: OpProgress) => void
  onData?: (data: string) => void
}

/** Finds an executable on PATH, as a shell would; null when there is none. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return null
}

/**
 * Turns pkexec's exit code and stderr into an error the user can act on. pkexec reports every
 * failure as 127, so the text decides; the texts are polkit 0.105..124's.
 */
export function pkexecFailure(exitCode: number | undefined, stderr: string, helperPath: string): StrataError {
  const tail = stderr.trim().split('\n').slice(-3).join(' ')
  if (exitCode === 126) {
    return helperError('dismissed', say('pkexec-dismissed'))
  }
  if (/Not authorized/i.test(stderr)) {
    return helperError('not-authorised', say('pkexec-not-authorised'))
  }
  if (/authentication agent|textual authentication agent|\/dev\/tty/i.test(stderr)) {
    return helperError('no-agent', say('pkexec-no-agent'))
  }
  if (/Error getting authority|Could not connect|org\.freedesktop\.PolicyKit1/i.test(stderr)) {
    return helperError('no-polkit', say('pkexec-no-polkit', { error: tail }))
  }
  if (/must be setuid root/i.test(stderr)) {
    return helperError('no-pkexec', say('pkexec-not-setuid', { error: tail }))
  }
  if (/Cannot run program|No such file or directory|is missing/i.test(stderr)) {
    return helperError('helper-missing', say('helper-not-at', { path: helperPath, error: tail }))
  }
  return helperError('helper-gone', say('helper-stopped', { exit: exitCode ?? say('exit-signal'), error: tail || say('no-message') }))
}

type HelperChild = ResultPromise<{ stdin: 'pipe'; stdout: 'pipe'; stderr: 'pipe'; buffer: false; reject: false }>

/** That the helper went after it had greeted: its exit, and the last line it (or ssh) wrote before, when that says more than the exit code. */
function goneSaid(helper: Said, exit: string | number | Said, stderr: string): Said {
  const last = stderr.trim().split('\n').filter((l) => !/^strata-helper\[\d+\]/.test(l)).pop()
  return last ? say('helper-exited-saying', { helper, exit, error: last.trim() }) : say('helper-exited', { helper, exit })
}

export class HelperClient {
  private child: HelperChild | null = null
  private connecting: Promise<Hello> | null = null
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private hello: Hello | null = null
  /** the newest list answered to each request (method + params), by this helper's version (answer-delta.ts) */
  private lists = new Map<string, { version: number; items: readonly unknown[] }>()

  constructor(private readonly opts: HelperClientOptions = {}) {}

  get helperPath(): string {
    return this.opts.helperPath ?? process.env.STRATA_HELPER ?? INSTALLED_HELPER
  }

  /** What the running helper said when it started, or null when none is running. */
  get info(): Hello | null {
    return this.hello
  }

  /** Starts the helper if none is running (one password prompt); resolves with its hello. */
  connect(): Promise<Hello> {
    this.connecting ??= this.spawn().catch((err: unknown) => {
      this.connecting = null
      throw err
    })
    return this.connecting
  }

  private async spawn(): Promise<Hello> {
    const { execa } = await import('execa')
    if (this.opts.launcher) return this.watch(this.startWith(execa, this.opts.launcher), this.opts.launcher)
    // Without this check pkexec would fall back to its generic action and ask for a password
    // (or report a missing agent) for a program that is not even there.
    if (!existsSync(this.helperPath)) {
      throw helperError('helper-missing', say('helper-reinstall', { path: this.helperPath }))
    }
    const args = ['--stdio', ...(this.opts.lxcpaths ?? []).flatMap((p) => ['--lxcpath', p])]
    let file: string
    let argv: string[]
    if (this.opts.pkexec === null) {
      file = this.helperPath
      argv = args
    } else {
      const pkexec = this.opts.pkexec ?? findOnPath('pkexec')
      if (!pkexec) {
        throw helperError('no-pkexec', say('pkexec-missing'))
      }
      // --disable-internal-agent: never fall back to a text prompt on a terminal nobody watches.
      file = pkexec
      argv = ['--disable-internal-agent', this.helperPath, ...args]
    }
    const child = execa(file, argv, {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      // pkexec clears the environment anyway; do not hand it more than it needs.
      extendEnv: false,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...(process.env.DISPLAY ? { DISPLAY: process.env.DISPLAY } : {}) }
    })
    return this.watch(child, {
      describe: say('the-helper'),
      command: () => ({ file, argv }),
      failure: async (exitCode, stderr) => pkexecFailure(exitCode, stderr, this.helperPath)
    })
  }

  /** A launcher's command keeps the user's environment: ssh needs its agent socket, HOME and config. */
  private startWith(execa: typeof import('execa').execa, launcher: HelperLauncher): HelperChild {
    const { file, argv } = launcher.command(['--stdio', ...(this.opts.lxcpaths ?? []).flatMap((p) => ['--lxcpath', p])])
    return execa(file, argv, { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false })
  }

  /** Reads the helper's hello and messages; rejects with what its launcher says when it stops before greeting. */
  private watch(child: HelperChild, launcher: HelperLauncher): Promise<Hello> {
    this.child = child
    this.lists = new Map() // versions are this helper's own
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => {
      const text = d.toString('utf8')
      stderr = (stderr + text).slice(-64 * 1024) // the last words say why it went
      for (const line of text.split('\n')) if (line) this.opts.onLog?.(line)
    })

    return new Promise<Hello>((resolve, reject) => {
      let greeted = false
      const decoder = new LineDecoder(
        MAX_REPLY_BYTES,
        (line) => {
          let msg: HelperMessage
          try {
            msg = parseHelperLine(line)
          } catch (err) {
            this.opts.onLog?.(`unreadable line from the helper: ${(err as Error).message}`)
            return
          }
          if ('hello' in msg) {
            if (msg.hello.protocol !== PROTOCOL_VERSION) {
              reject(
                helperError('protocol-mismatch', say('helper-protocol', { helper: msg.hello.protocol, app: PROTOCOL_VERSION }))
              )
              child.stdin.end()
              return
            }
            greeted = true
            this.hello = msg.hello
            resolve(msg.hello)
            return
          }
          this.onMessage(msg)
        },
        (bytes) => this.opts.onLog?.(`dropped a ${bytes}-byte line from the helper (over the limit)`)
      )
      child.stdout.on('data', (d: Buffer) => decoder.push(d))
      child.stdin.on('error', () => undefined) // EPIPE when it died: reported through its exit
      void child.then(async (r) => {
        decoder.end()
        const err = greeted
          ? helperError('helper-gone', goneSaid(launcher.describe, r.exitCode ?? r.signal ?? say('exit-unknown'), stderr))
          : await launcher.failure(r.exitCode, stderr)
        if (this.child === child) {
          this.child = null
          this.connecting = null
          this.hello = null
        }
        for (const [id, p] of this.pending) {
          this.pending.delete(id)
          p.reject(err)
        }
        if (!greeted) reject(err)
        else this.opts.onGone?.(err)
      })
    })
  }

  private onMessage(msg: Exclude<HelperMessage, { hello: Hello }>): void {
    if (msg.id === null) {
      // Not tied to a request: the helper could not read something we sent. Say so in the log.
      if ('error' in msg) this.opts.onLog?.(`helper: ${msg.error.code}: ${msg.error.message}`)
      return
    }
    const p = this.pending.get(msg.id)
    if (!p) return
    if ('progress' in msg) {
      p.onProgress?.(msg.progress)
      return
    }
    if ('data' in msg) {
      p.onData?.(msg.data)
      return
    }
    this.pending.delete(msg.id)
    if ('error' in msg) p.reject(fromErrorData(msg.error))
    else if ('delta' in msg) {
      const have = p.list?.have
      if (!have || have.version !== msg.delta.base) {
        p.reject(new StrataError('internal', `The helper answered ${p.method} as a change of list version ${msg.delta.base}, which this app did not hold.`, { rule: 'bad-reply' }))
        return
      }
      p.resolve(this.keepList(p.list!.key, msg.delta.version, applyDelta(have.items, msg.delta)))
    } else if (msg.version !== undefined && p.list) p.resolve(this.keepList(p.list.key, msg.version, msg.result as unknown[]))
    else p.resolve(msg.result)
  }

  /** Keeps a list answered (the newest version wins) and hands the caller its own array of the same, read-only, items. */
  private keepList(key: string, version: number, items: readonly unknown[]): unknown[] {
    const kept = this.lists.get(key)
    if (!kept || kept.version <= version) {
      this.lists.delete(key)
      this.lists.set(key, { version, items })
      if (this.lists.size > 16) this.lists.delete(this.lists.keys().next().value!)
    }
    return items.slice()
  }

  /** Sends one request (starting the helper if needed) and resolves with its result. */
  async call<M extends EngineMethod>(method: M, params: EngineParams<M>, opts: CallOptions = {}): Promise<EngineResult<M>> {
    opts.signal?.throwIfAborted()
    await this.connect()
    const child = this.child
    if (!child) throw helperError('helper-gone', say('helper-exited-early'))
    const id = this.nextId++
    const key = answerKey(method, params)
    const have = this.lists.get(key)
    return new Promise<EngineResult<M>>((resolve, reject) => {
      const onAbort = (): void => {
        if (this.pending.has(id) && child.stdin.writable) child.stdin.write(encodeLine({ cancel: id }))
      }
      const settle = (): void => opts.signal?.removeEventListener('abort', onAbort)
      this.pending.set(id, {
        method,
        list: { key, have },
        resolve: (v) => {
          settle()
          resolve(v as EngineResult<M>)
        },
        reject: (e) => {
          settle()
          reject(e)
        },
        onProgress: opts.onProgress,
        onData: opts.stream ? (data) => opts.stream!.send(data) : undefined
      })
      opts.stream?.onInput((input) => {
        if (this.pending.has(id) && child.stdin.writable) child.stdin.write(encodeLine({ stream: id, input }))
      })
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      child.stdin.write(encodeLine({ id, method, params, ...(have ? { have: have.version } : {}) }))
    })
  }

  /** The process that reaches a byte channel a stream request offered (byte-channel.ts): this helper's program, started as this one was, with `--channel`. */
  channelCommand(offer: string): ChannelCommand {
    if (this.opts.launcher) return this.opts.launcher.command(['--channel', offer])
    if (this.opts.pkexec === null) return { file: this.helperPath, argv: ['--channel', offer] }
    const pkexec = this.opts.pkexec ?? findOnPath('pkexec') ?? 'pkexec'
    return { file: pkexec, argv: ['--disable-internal-agent', this.helperPath, '--channel', offer], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } }
  }

  /** Writes a raw line to the helper (protocol tests only: garbage, oversized lines). */
  sendRaw(line: string): void {
    this.child?.stdin.write(line)
  }

  /** The helper's pid (it replaced pkexec, so this is the root process), or null. */
  get pid(): number | null {
    return this.child?.pid ?? null
  }

  /** Closes the helper's input; it aborts what is in flight and exits. */
  async close(): Promise<void> {
    const child = this.child
    if (!child) return
    child.stdin.end()
    await child
  }
}
