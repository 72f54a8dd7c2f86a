// Lossless LXC config parser/serializer. Every byte of the input is kept in the line records,
// so `serializeConfig(parseConfig(text).doc) === text`. Values follow confile.c:parse_line.

import { isUtf8 } from 'node:buffer'
import type { ConfigProblem, FixId } from '../../../shared/model'
import { legacyKeyInfo, lookupKey } from './keys'
import { say, type Said } from '@shared/engine-text'

/** `blank`: a line LXC skips as empty (lxc_is_line_empty), so it never stores or writes it back. */
export type LineKind = 'blank' | 'comment' | 'entry' | 'martian'
export type LineEnding = '\n' | '\r\n' | '\r' | ''

export interface ConfigLine {
  /** 1-based */
  lineNo: number
  /** the line as written, without its terminator */
  raw: string
  eol: LineEnding
  kind: LineKind
  /** for entries: the key, whitespace-trimmed */
  key?: string
  /** for entries: the value as LXC sees it; undefined when the line has no `=` (LXC rejects it) */
  value?: string
}

export interface ConfigDocument {
  file: string
  lines: ConfigLine[]
  /**
   * The line holding the first NUL byte, or null. LXC reads the file as a C string: it parses
   * the part of that line before the NUL and silently ignores everything after it.
   */
  nulLine: number | null
}

export interface ParsedConfig {
  doc: ConfigDocument
  problems: ConfigProblem[]
}

const TAB = 9
const LF = 10
const FF = 12
const CR = 13
const SPACE = 32
const DQUOTE = 34
const HASH = 35
const SQUOTE = 39

// LXC's lxc_char_left_gc/right_gc trim only blanks and tabs.
function isBlank(c: number): boolean {
  return c === SPACE || c === TAB
}

// lxc_is_line_empty: only space, \t, \n, \r and \f (not \v) make a line empty.
function isEmptyLineChar(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR || c === FF
}

/** What classifying a line decides: its kind, and for entries the key and the value. */
interface LineClass {
  kind: LineKind
  key?: string | undefined
  value?: string | undefined
}

/** Sets kind/key/value on `line` from `text[start, end)` (one line, cut at a NUL if it has one). */
function classifyLine(line: LineClass, text: string, start: number, end: number): void {
  while (start < end && isBlank(text.charCodeAt(start))) start++
  if (start === end) {
    line.kind = 'blank'
    return
  }
  const first = text.charCodeAt(start)
  if (first === HASH) {
    line.kind = 'comment'
    return
  }
  if (!text.startsWith('lxc.', start)) {
    let rest = start
    while (rest < end && isEmptyLineChar(text.charCodeAt(rest))) rest++
    line.kind = rest === end ? 'blank' : 'martian'
    return
  }
  line.kind = 'entry'
  let equals = text.indexOf('=', start)
  if (equals >= end) equals = -1
  let keyEnd = equals < 0 ? end : equals
  while (keyEnd > start && isBlank(text.charCodeAt(keyEnd - 1))) keyEnd--
  line.key = text.slice(start, keyEnd)
  if (equals < 0) return

  let valueStart = equals + 1
  let valueEnd = end
  while (valueStart < valueEnd && isBlank(text.charCodeAt(valueStart))) valueStart++
  while (valueEnd > valueStart && isBlank(text.charCodeAt(valueEnd - 1))) valueEnd--
  // one pair of matching surrounding quotes is stripped
  if (valueEnd - valueStart > 1) {
    const open = text.charCodeAt(valueStart)
    if ((open === DQUOTE || open === SQUOTE) && text.charCodeAt(valueEnd - 1) === open) {
      valueStart++
      valueEnd--
    }
  }
  line.value = text.slice(valueStart, valueEnd)
}

/** The message names its place; `said` is the sentence alone, for the app to say in the user's language beside the place. */
function problem(file: string, line: number, rule: string, said: Said, severity: 'error' | 'warning' = 'error', fixId?: FixId): ConfigProblem {
  return { file, line, rule, severity, message: `${file}:${line}: ${said.text}`, said, ...(fixId ? { fixId } : {}) }
}

/** The problems LXC 5 would have with one entry line. */
function checkEntry(file: string, line: LineClass & { lineNo: number }, problems: ConfigProblem[]): void {
  const key = line.key as string
  if (line.value === undefined) {
    problems.push(problem(file, line.lineNo, 'missing-equals', say('config-missing-equals', { key })))
    return
  }
  const verdict = lookupKey(key)
  if (verdict.ok) {
    const { spec } = verdict
    if (spec.valueMustBeEmpty && line.value !== '') {
      problems.push(problem(file, line.lineNo, 'value-not-allowed', say('config-value-not-allowed', { key, value: line.value })))
    } else if (spec.empty === 'rejected' && line.value === '') {
      problems.push(problem(file, line.lineNo, 'empty-value', say('config-empty-value', { key })))
    }
    return
  }
  const legacy = legacyKeyInfo(key)
  if (legacy) {
    const said = legacy.modern === null ? say('config-legacy-key-gone', { key }) : say('config-legacy-key', { key, modern: legacy.modern })
    // the conversion fixes it: the CLI says its command, the app its button
    problems.push(problem(file, line.lineNo, 'legacy-key', said, 'error', 'config-modern'))
    return
  }
  if (verdict.reason === 'unknown-net-subkey') {
    problems.push(problem(file, line.lineNo, 'unknown-key', say('config-unknown-net-key', { key })))
  } else if (verdict.reason === 'bad-net-index') {
    problems.push(problem(file, line.lineNo, 'unknown-key', say('config-bad-net-index', { key })))
  } else {
    problems.push(problem(file, line.lineNo, 'unknown-key', say('config-unknown-key', { key })))
  }
}

/**
 * One line as scanConfig hands it to its visitor. The same object is reused for every line
 * (a listing scans hundreds of configs and keeps almost nothing of them): copy what you keep.
 */
export interface ScannedLine {
  /** 1-based */
  lineNo: number
  /** where the line's text starts and ends (before its terminator) in the scanned text */
  start: number
  end: number
  eol: LineEnding
  kind: LineKind
  /** for entries: the key, whitespace-trimmed */
  key: string | undefined
  /** for entries: the value as LXC sees it; undefined when the line has no `=` (LXC rejects it) */
  value: string | undefined
  /** LXC never sees this line: it follows the file's first NUL byte */
  ignored: boolean
}

/**
 * Splits `text` into lines in one pass, classifies each, appends the problems LXC 5 would have
 * with them to `problems`, and hands each line to `visit`. Lines end at `\n`, `\r\n` or a lone
 * `\r` (LXC splits on both characters). `file` only names problems. Returns the line holding
 * the first NUL byte, or null.
 */
export function scanConfig(text: string, file: string, problems: ConfigProblem[], visit: (line: ScannedLine) => void): number | null {
  const length = text.length
  const nulIndex = text.indexOf('\0')
  let nulLine: number | null = null
  // next positions of each terminator, advanced lazily so each indexOf scans the text once
  let nextLf = text.indexOf('\n')
  let nextCr = text.indexOf('\r')
  let pos = 0
  const line: ScannedLine = { lineNo: 0, start: 0, end: 0, eol: '', kind: 'blank', key: undefined, value: undefined, ignored: false }

  while (pos < length) {
    if (nextLf !== -1 && nextLf < pos) nextLf = text.indexOf('\n', pos)
    if (nextCr !== -1 && nextCr < pos) nextCr = text.indexOf('\r', pos)
    let end = length
    if (nextLf !== -1) end = nextLf
    if (nextCr !== -1 && nextCr < end) end = nextCr

    let eol: LineEnding = ''
    let next = end
    if (end < length) {
      if (text.charCodeAt(end) === CR) {
        if (text.charCodeAt(end + 1) === LF) {
          eol = '\r\n'
          next = end + 2
        } else {
          eol = '\r'
          next = end + 1
        }
      } else {
        eol = '\n'
        next = end + 1
      }
    }
    line.lineNo++
    line.start = pos
    line.end = end
    line.eol = eol
    line.key = undefined
    line.value = undefined
    line.ignored = nulLine !== null
    if (nulLine === null && nulIndex !== -1 && nulIndex < end) {
      nulLine = line.lineNo
      classifyLine(line, text, pos, nulIndex)
      problems.push(
        problem(file, line.lineNo, 'nul-byte', say('config-nul-byte'))
      )
      if (line.kind === 'entry') checkEntry(file, line, problems)
    } else {
      classifyLine(line, text, pos, end)
      // after a NUL, LXC never sees the lines: do not report on them (binary files would flood)
      if (line.kind === 'entry' && !line.ignored) checkEntry(file, line, problems)
    }
    visit(line)
    pos = next
  }
  return nulLine
}

/** Splits `text` into line records that keep every byte (see scanConfig for the rules). */
export function parseConfig(text: string, file: string): ParsedConfig {
  const lines: ConfigLine[] = []
  const problems: ConfigProblem[] = []
  const nulLine = scanConfig(text, file, problems, (scanned) => {
    const line: ConfigLine = { lineNo: scanned.lineNo, raw: text.slice(scanned.start, scanned.end), eol: scanned.eol, kind: scanned.kind }
    if (scanned.key !== undefined) line.key = scanned.key
    if (scanned.value !== undefined) line.value = scanned.value
    lines.push(line)
  })
  return { doc: { file, lines, nulLine }, problems }
}

/** Concatenates the lines back; byte for byte the parsed text when nothing was changed. */
export function serializeConfig(doc: ConfigDocument): string {
  let out = ''
  for (const line of doc.lines) out += line.raw + line.eol
  return out
}

/** Re-derives kind/key/value after `raw` was edited (used by the converters). */
export function reclassifyLine(line: ConfigLine): ConfigLine {
  const fresh: ConfigLine = { lineNo: line.lineNo, raw: line.raw, eol: line.eol, kind: 'blank' }
  classifyLine(fresh, line.raw, 0, line.raw.length)
  return fresh
}

export interface DecodedConfig {
  text: string
  encoding: 'utf8' | 'latin1'
  /** a warning when the bytes are not UTF-8: it goes after the problems of the text's lines */
  encodingProblem: ConfigProblem | null
}

/** Raw file bytes as text: invalid UTF-8 is decoded byte-per-char (latin1) so nothing is lost. */
export function decodeConfigBytes(bytes: Uint8Array, file: string): DecodedConfig {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (isUtf8(buffer)) return { text: buffer.toString('utf8'), encoding: 'utf8', encodingProblem: null }
  const badLine = firstInvalidUtf8Line(buffer)
  return {
    text: buffer.toString('latin1'),
    encoding: 'latin1',
    encodingProblem: problem(
      file,
      badLine,
      'not-utf8',
      say('config-not-utf8'),
      'warning'
    )
  }
}

/** Parses raw file bytes (see decodeConfigBytes). */
export function parseConfigBytes(bytes: Uint8Array, file: string): ParsedConfig & { encoding: 'utf8' | 'latin1' } {
  const decoded = decodeConfigBytes(bytes, file)
  const parsed = parseConfig(decoded.text, file)
  if (decoded.encodingProblem) parsed.problems.push(decoded.encodingProblem)
  return { ...parsed, encoding: decoded.encoding }
}

/** 1-based line of the first byte sequence that is not UTF-8. */
function firstInvalidUtf8Line(buffer: Buffer): number {
  const decoded = buffer.toString('utf8')
  const bad = decoded.indexOf('\uFFFD')
  let line = 1
  for (let i = 0; i < bad; i++) {
    const c = decoded.charCodeAt(i)
    if (c === LF || (c === CR && decoded.charCodeAt(i + 1) !== LF)) line++
  }
  return line
}

/** Where the key and the (unquoted) value sit inside an entry's raw text; for editing in place. */
export interface EntrySpans {
  keyStart: number
  keyEnd: number
  valueStart: number
  valueEnd: number
}

/** The same rules as classifyLine, returning positions. Null when `raw` is not an entry with `=`. */
export function entrySpans(raw: string): EntrySpans | null {
  const probe: ConfigLine = { lineNo: 0, raw, eol: '', kind: 'blank' }
  classifyLine(probe, raw, 0, raw.length)
  if (probe.kind !== 'entry' || probe.value === undefined) return null
  let keyStart = 0
  while (isBlank(raw.charCodeAt(keyStart))) keyStart++
  const keyEnd = keyStart + (probe.key as string).length
  const equals = raw.indexOf('=', keyStart)
  let valueStart = equals + 1
  while (valueStart < raw.length && isBlank(raw.charCodeAt(valueStart))) valueStart++
  const quote = raw.charCodeAt(valueStart)
  // classifyLine stripped one pair of quotes iff the value is shorter than the trimmed text
  let valueEnd = raw.length
  while (valueEnd > valueStart && isBlank(raw.charCodeAt(valueEnd - 1))) valueEnd--
  if (valueEnd - valueStart === probe.value.length + 2 && (quote === DQUOTE || quote === SQUOTE)) {
    valueStart++
    valueEnd--
  }
  return { keyStart, keyEnd, valueStart, valueEnd }
}
