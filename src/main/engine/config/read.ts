// Reading one config file from disk into a document, turning I/O failures into problems.

import type { ConfigProblem } from '../../../shared/model'
import { readRegularFile, type FileKind } from '../fs/regular-file'
import { isStrataError } from '@shared/errors'
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

/**
 * Reads `file` as text (`known`: what the caller knows it to be, see readRegularFile); a missing or
 * unreadable file, or one that is not a regular file or is too large to be a config, is a problem
 * with line 0.
 */
export function readConfigText(file: string, known?: FileKind): DecodedConfig | { text: null; problem: ConfigProblem } {
  try {
    return decodeConfigBytes(readRegularFile(file, known), file)
  } catch (error) {
    if (isStrataError(error)) {
      return { text: null, problem: { file, line: 0, rule: error.rule ?? 'unreadable', severity: 'error', message: error.message } }
    }
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
