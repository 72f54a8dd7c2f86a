// Reading one config file from disk into a document, turning I/O failures into problems.

import { readFileSync } from 'node:fs'
import type { ConfigProblem } from '../../../shared/model'
import { decodeConfigBytes, parseConfig, type ConfigDocument, type DecodedConfig } from './parse'

export interface ReadConfig {
  /** null when the file could not be read */
  doc: ConfigDocument | null
  encoding: 'utf8' | 'latin1'
  problems: ConfigProblem[]
}

function describeReadError(error: NodeJS.ErrnoException): { rule: string; what: string } {
  switch (error.code) {
    case 'ENOENT':
      return { rule: 'file-missing', what: 'does not exist' }
    case 'EACCES':
    case 'EPERM':
      return { rule: 'file-unreadable', what: 'cannot be read (permission denied)' }
    case 'EISDIR':
      return { rule: 'file-unreadable', what: 'is a directory, not a config file' }
    default:
      return { rule: 'file-unreadable', what: `cannot be read (${error.code ?? error.message})` }
  }
}

/** Reads `file` as text; a missing or unreadable file is a problem with line 0 instead. */
export function readConfigText(file: string): DecodedConfig | { text: null; problem: ConfigProblem } {
  try {
    return decodeConfigBytes(readFileSync(file), file)
  } catch (error) {
    const { rule, what } = describeReadError(error as NodeJS.ErrnoException)
    return { text: null, problem: { file, line: 0, rule, severity: 'error', message: `${file}: the config file ${what}, so LXC cannot load it.` } }
  }
}

/** Reads and parses `file`; a missing or unreadable file is one problem with line 0. */
export function readConfigFile(file: string): ReadConfig {
  const read = readConfigText(file)
  if (read.text === null) return { doc: null, encoding: 'utf8', problems: [read.problem] }
  const parsed = parseConfig(read.text, file)
  if (read.encodingProblem) parsed.problems.push(read.encodingProblem)
  return { ...parsed, encoding: read.encoding }
}
