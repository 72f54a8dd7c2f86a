// The one error type of Strata. Everything the engine, the root helper, the service and the CLI
// refuse or fail with is a StrataError: a code from a small set, the message for people (it names
// the thing and the rule), the subject it is about (a container as lxcpath/name, or a path) and
// the rule broken, when one is. It crosses the helper's pipe, IPC and browser mode as plain data
// (ErrorData) and is rebuilt on the other side, so the code and the rule survive; the CLI maps the
// code to its exit status (cli/exit-status.ts). Plain code without Node imports.
import type { StartDiagnosis } from './model'
import { isSaid, type Said } from './engine-text'

/**
 * - `usage`: the request itself is malformed (an option, a param's shape, a protocol line)
 * - `refused`: a rule refused it (`rule` names it); nothing was changed
 * - `not-found`: the container, snapshot, template or lxcpath does not exist
 * - `permission`: this user may not (needs root, polkit said no, a file it may not write)
 * - `unavailable`: something it needs is not installed or not running here (the root helper,
 *   polkit, an agent, a tool, the native addon)
 * - `cancelled`: cancelled or interrupted; what was begun was undone
 * - `failed`: a tool or the system failed (a template exited 1, ENOSPC); what was begun was undone
 * - `internal`: a bug in Strata
 */
export const ERROR_CODES = ['usage', 'refused', 'not-found', 'permission', 'unavailable', 'cancelled', 'failed', 'internal'] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/** What crosses a process boundary. */
export interface ErrorData {
  code: ErrorCode
  message: string
  /** the container (`lxcpath/name`) or path it is about */
  subject?: string
  /** the rule broken, when one is (`has-dependents`, `helper-lxcpaths`, `create-only-backend`, ...) */
  rule?: string
  /** a failed start: LXC's log lines of it and the known causes, for the CLI and the app to show */
  diagnosis?: StartDiagnosis
  /** the message as data (shared/engine-text.ts), for the app to say in the user's language */
  said?: Said
}

export interface ErrorDetails {
  subject?: string
  rule?: string
  diagnosis?: StartDiagnosis
  said?: Said
  /** what caused it, kept for logs and for callers that look closer (a tool's exit and stderr) */
  cause?: unknown
}

export class StrataError extends Error {
  readonly code: ErrorCode
  readonly subject?: string
  readonly rule?: string
  readonly diagnosis?: StartDiagnosis
  readonly said?: Said

  /** `message`: the sentence for people, or a sentence of the engine's table (its English is the message) */
  constructor(code: ErrorCode, message: string | Said, details: ErrorDetails = {}) {
    super(typeof message === 'string' ? message : message.text, details.cause === undefined ? undefined : { cause: details.cause })
    this.name = 'StrataError'
    this.code = code
    if (details.subject !== undefined) this.subject = details.subject
    if (details.rule !== undefined) this.rule = details.rule
    if (details.diagnosis !== undefined) this.diagnosis = details.diagnosis
    const said = typeof message === 'string' ? details.said : message
    if (said !== undefined) this.said = said
  }

  toJSON(): ErrorData {
    return toData(this)
  }
}

function toData(e: StrataError): ErrorData {
  return {
    code: e.code,
    message: e.message,
    ...(e.subject !== undefined ? { subject: e.subject } : {}),
    ...(e.rule !== undefined ? { rule: e.rule } : {}),
    ...(e.diagnosis !== undefined ? { diagnosis: e.diagnosis } : {}),
    ...(e.said !== undefined ? { said: e.said } : {})
  }
}

/** By name and shape, not instanceof: each CLI command and the helper are bundled with their own copy of the class. */
export function isStrataError(err: unknown): err is StrataError {
  return err instanceof Error && err.name === 'StrataError' && (ERROR_CODES as readonly unknown[]).includes((err as StrataError).code)
}

// ---- making one ----

/** A message: words for people, or a sentence of the engine's table (shared/engine-text.ts) that the app translates. */
type Message = string | Said

export const usageError = (message: Message, rule?: string): StrataError => new StrataError('usage', message, { rule })
export const refused = (rule: string, message: Message, subject?: string): StrataError => new StrataError('refused', message, { rule, subject })
export const notFound = (message: Message, subject?: string, rule?: string): StrataError => new StrataError('not-found', message, { subject, rule })
export const permissionDenied = (message: Message, details: ErrorDetails = {}): StrataError => new StrataError('permission', message, details)
export const unavailable = (rule: string, message: Message, details: Omit<ErrorDetails, 'rule'> = {}): StrataError =>
  new StrataError('unavailable', message, { ...details, rule })
export const cancelled = (message: Message, details: ErrorDetails = {}): StrataError => new StrataError('cancelled', message, details)
export const failed = (message: Message, details: ErrorDetails = {}): StrataError => new StrataError('failed', message, details)

/** `lxcpath/name`: how a subject names a container. */
export const containerSubject = (ref: { lxcpath: string; name: string }): string => `${ref.lxcpath}/${ref.name}`

// ---- across a boundary ----

/** Node's errno codes that say who may, or what is missing, rather than that something broke. */
const ERRNO_CODES: Readonly<Record<string, ErrorCode>> = { EACCES: 'permission', EPERM: 'permission', EROFS: 'permission', ENOENT: 'not-found' }

/**
 * Anything thrown, as data: a StrataError as it is; an abort as `cancelled`; a system call's
 * error by its errno (EACCES is `permission`, ENOENT `not-found`, others `failed`); anything
 * else is `internal`.
 */
export function errorData(err: unknown): ErrorData {
  if (isStrataError(err)) return toData(err)
  const message = err instanceof Error ? err.message : String(err)
  if (err instanceof Error && err.name === 'AbortError') return { code: 'cancelled', message }
  const errno = (err as { code?: unknown } | null)?.code
  if (typeof errno === 'string' && /^E[A-Z0-9]+$/.test(errno)) return { code: ERRNO_CODES[errno] ?? 'failed', message }
  return { code: 'internal', message }
}

/** What an error says, as a value inside another sentence: its sentence as data where it has one, else its words. */
export function errorSaid(err: unknown): Said | string {
  if (isStrataError(err) && err.said) return err.said
  return err instanceof Error ? err.message : String(err)
}

/** Anything thrown, as a StrataError (the same one when it is one already). */
export function asStrataError(err: unknown): StrataError {
  if (isStrataError(err)) return err
  const d = errorData(err)
  return new StrataError(d.code, d.message, { subject: d.subject, rule: d.rule, diagnosis: d.diagnosis, said: d.said, cause: err })
}

/** Data from the other side of a boundary, rebuilt; what does not look like ErrorData is `internal`. */
export function fromErrorData(data: unknown): StrataError {
  const d = (typeof data === 'object' && data !== null ? data : {}) as Partial<Record<keyof ErrorData, unknown>>
  const code = (ERROR_CODES as readonly unknown[]).includes(d.code) ? (d.code as ErrorCode) : 'internal'
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
  return new StrataError(code, text(d.message) ?? 'unknown error', {
    subject: text(d.subject),
    rule: text(d.rule),
    diagnosis: diagnosisOf(d.diagnosis),
    said: isSaid(d.said) ? d.said : undefined
  })
}

/** A diagnosis from the other side, kept only when it has the expected shape (it is shown, never acted on). */
function diagnosisOf(v: unknown): StartDiagnosis | undefined {
  const d = v as Partial<StartDiagnosis> | null | undefined
  if (!d || typeof d.logFile !== 'string' || !Array.isArray(d.lines) || !Array.isArray(d.causes)) return undefined
  const str = (x: unknown): string => (typeof x === 'string' ? x : '')
  return {
    logFile: d.logFile,
    lines: d.lines.map((l) => ({ level: typeof l?.level === 'string' ? l.level : null, text: str(l?.text), raw: str(l?.raw) })),
    causes: d.causes.map((c) => ({ rule: str(c?.rule), message: str(c?.message), params: stringsOf(c?.params) }))
  }
}

function stringsOf(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null) return {}
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'))
}
