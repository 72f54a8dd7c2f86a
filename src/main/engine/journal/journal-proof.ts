// Whether a journal found in an lxcpath is Strata's own, and where its work stands. A file
// named like a journal proves nothing (anyone who can write the lxcpath can write one): a
// journal counts only when its marker (journal.ts) is found in one of the directories the
// operation works on, with the same text, written by this user or root. Until then recovery
// acts on nothing it names; the paths it may act on are derived from the journal's own id,
// never taken from its text.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ContainerRef } from '@shared/model'
import { BUILD_PREFIX, JOURNAL_PREFIX, TRASH_PREFIX } from '@shared/names'
import { JOURNAL_ID, markerName, swapFlagName, workDirOf, type JournalRecord } from './journal'
import { permissionDenied } from '@shared/errors'
import { say } from '@shared/engine-text'

export type JournalState =
  /** Strata's: `marked` is the directory that holds its marker */
  | { kind: 'proven'; id: string; record: JournalRecord; marked: string }
  /** nothing the operation made is left (it had not started, or had finished): the journal, and `workDir` if it is an empty directory, can go */
  | { kind: 'idle'; id: string; workDir: string }
  | { kind: 'unproven'; id: string; reason: string }

/** Journals are small; a big file is not one. */
const MAX_JOURNAL_BYTES = 1 << 20

/** The id in a journal's file name, or null when the name is not `.strata-op-<12 hex digits>.json`. */
export function journalIdOf(fileName: string): string | null {
  const m = /^\.strata-op-(.*)\.json$/.exec(fileName)
  return m && JOURNAL_ID.test(m[1]!) ? m[1]! : null
}

/** The directory an operation with this id works in: its staging dir, or for a destroy its trash. */
export function workDirFor(lxcpath: string, id: string, op: JournalRecord['op']): string {
  return join(lxcpath, `${op === 'destroy' ? TRASH_PREFIX : BUILD_PREFIX}${id}`)
}

/** A regular file's text, read without following a symlink; null when it is not one (an unreadable one throws). */
function readRegular(path: string, maxBytes: number): string | null {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EACCES') throw permissionDenied(say('journal-unreadable', { path }), { subject: path, cause: err })
    return null
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile() || st.size > maxBytes) return null
    return readFileSync(fd, 'utf8')
  } finally {
    closeSync(fd)
  }
}

const isRef = (r: unknown): r is ContainerRef =>
  typeof r === 'object' && r !== null && typeof (r as ContainerRef).lxcpath === 'string' && typeof (r as ContainerRef).name === 'string'
const isRefs = (a: unknown): a is ContainerRef[] => Array.isArray(a) && a.every(isRef)
const same = (a: string, b: string): boolean => resolve(a) === resolve(b)

/** Why a parsed journal is not one Strata writes for this lxcpath and id, or null. */
function recordProblem(lxcpath: string, id: string, r: Record<string, unknown>): string | null {
  if (r['id'] !== id) return `it carries no id, or not ${id}`
  if (r['op'] === 'build') {
    if (typeof r['staging'] !== 'string' || typeof r['what'] !== 'string' || typeof r['targetDir'] !== 'string' || !isRef(r['target']) || !isRefs(r['origins']))
      return 'it is not a build journal Strata writes'
    if (!same(r['staging'], workDirFor(lxcpath, id, 'build'))) return `it names ${r['staging']} as its staging directory, not ${workDirFor(lxcpath, id, 'build')}`
    if (!same(r['targetDir'], join(r['target'].lxcpath, r['target'].name))) return `its target directory ${r['targetDir']} is not its target's`
    return null
  }
  if (r['op'] === 'destroy') {
    if (typeof r['trash'] !== 'string' || typeof r['dir'] !== 'string' || !isRef(r['ref']) || !isRefs(r['origins']) || !('spec' in r))
      return 'it is not a destroy journal Strata writes'
    if (!same(r['trash'], workDirFor(lxcpath, id, 'destroy'))) return `it names ${r['trash']} as its trash directory, not ${workDirFor(lxcpath, id, 'destroy')}`
    if (!same(r['dir'], join(r['ref'].lxcpath, r['ref'].name)) || !same(workDirOf(r['ref']), lxcpath)) return `the container it names (${r['dir']}) is not in ${lxcpath}`
    return null
  }
  if (r['op'] === 'restore') {
    if (typeof r['staging'] !== 'string' || typeof r['dir'] !== 'string' || !isRef(r['ref']) || !isRefs(r['addOrigins']) || !isRefs(r['removeOrigins']))
      return 'it is not a restore journal Strata writes'
    if (!same(r['staging'], workDirFor(lxcpath, id, 'restore'))) return `it names ${r['staging']} as its staging directory, not ${workDirFor(lxcpath, id, 'restore')}`
    if (!same(r['dir'], join(r['ref'].lxcpath, r['ref'].name)) || !same(r['ref'].lxcpath, lxcpath)) return `the container it names (${r['dir']}) is not in ${lxcpath}`
    const flag = swapFlagName(typeof r['what'] === 'string' ? r['what'] : 'restore', id)
    if (r['marker'] !== flag) return `its flag file is not ${flag}`
    return null
  }
  return 'it names no operation Strata has'
}

/** 'match', 'absent', or why the marker found in dir does not prove the journal. */
function markerIn(dir: string, id: string, text: string): 'match' | 'absent' | string {
  const d = lstatSync(dir, { throwIfNoEntry: false })
  if (!d?.isDirectory()) return 'absent'
  const file = join(dir, markerName(id))
  const st = lstatSync(file, { throwIfNoEntry: false })
  if (!st) return 'absent'
  const me = process.geteuid?.() ?? -1
  if (!st.isFile() || st.nlink !== 1 || (st.uid !== me && st.uid !== 0)) return `the marker ${file} is not a file Strata wrote as this user`
  return readRegular(file, MAX_JOURNAL_BYTES) === text ? 'match' : `the marker ${file} does not match the journal`
}

/** What the journal `<lxcpath>/.strata-op-<id>.json` is (its lock must be free: the operation is over). Never throws. */
export function journalState(lxcpath: string, id: string): JournalState {
  try {
    return readJournalState(lxcpath, id)
  } catch (err) {
    return { kind: 'unproven', id, reason: `it cannot be checked: ${(err as Error).message}` }
  }
}

function readJournalState(lxcpath: string, id: string): JournalState {
  const unproven = (reason: string): JournalState => ({ kind: 'unproven', id, reason })
  if (!JOURNAL_ID.test(id)) return unproven(`its id ${id} is not 12 hex digits`)
  const text = readRegular(join(lxcpath, `${JOURNAL_PREFIX}${id}.json`), MAX_JOURNAL_BYTES)
  if (text === null) return unproven('it is not a regular file of a journal\'s size')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return unproven('it is not JSON')
  }
  if (typeof parsed !== 'object' || parsed === null) return unproven('it is not a journal record')
  const problem = recordProblem(lxcpath, id, parsed as Record<string, unknown>)
  if (problem) return unproven(problem)
  const record = parsed as JournalRecord
  const work = workDirFor(lxcpath, id, record.op)
  const others = record.op === 'build' ? [record.targetDir] : [record.dir]
  for (const dir of [work, ...others]) {
    const m = markerIn(dir, id, text)
    if (m === 'match') return { kind: 'proven', id, record, marked: dir }
    if (m !== 'absent') return unproven(m)
  }
  const st = lstatSync(work, { throwIfNoEntry: false })
  if (!st || (st.isDirectory() && readdirSync(work).length === 0)) return { kind: 'idle', id, workDir: work }
  if (!st.isDirectory()) return unproven(`${work} is not a directory`)
  return unproven(`${work} holds no marker of this journal, so nothing proves that Strata made what is in it`)
}
