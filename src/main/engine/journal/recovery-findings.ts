// What recovery left in an lxcpath, as findings with their fix: journals it may not act on
// (nothing proves Strata wrote them), directories named like Strata's work that no journal
// claims (LXC allows such container names), and Strata's own interrupted work that could not
// be completed (a filesystem mounted inside it). None of these stops other work.
import { lstatSync, readdirSync, type Stats } from 'node:fs'
import { join } from 'node:path'
import type { ContainerRef, Finding } from '@shared/model'
import { storageOutside } from '../drivers/index'
import { mountpointsAtOrUnder } from '../mount'
import { inodeKey, lockedInodes } from '../proc-locks'
import { BUILD_PREFIX, JOURNAL_PREFIX, TRASH_PREFIX } from '@shared/names'
import { describeRecord, JOURNAL_ID } from './journal'
import { journalIdOf, journalState } from './journal-proof'
import { say, type Said } from '@shared/engine-text'

/** lstat, or undefined when the path is missing or cannot be looked at (a check never fails for it). */
function lstat(path: string): Stats | undefined {
  try {
    return lstatSync(path, { throwIfNoEntry: false })
  } catch {
    return undefined
  }
}

export function recoveryFindings(lxcpath: string): Finding[] {
  let names: string[]
  try {
    names = readdirSync(lxcpath).filter((n) => n.startsWith('.strata-'))
  } catch {
    return []
  }
  if (names.length === 0) return []
  const findings: Finding[] = []
  const add = (f: Omit<Finding, 'message'> & { said: Said }): void => void findings.push({ ...f, message: f.said.text })
  const subject = (name: string): ContainerRef => ({ lxcpath, name })
  let locks: Set<string> | null = null
  const running = (id: string): boolean => {
    const st = lstat(join(lxcpath, `${JOURNAL_PREFIX}${id}.lock`))
    locks ??= lockedInodes()
    return st !== undefined && locks.has(inodeKey(st.dev, st.ino))
  }
  const journals = new Set<string>()
  for (const name of names) {
    const id = journalIdOf(name)
    if (id) journals.add(id)
    if (!name.startsWith(JOURNAL_PREFIX) || !name.endsWith('.json')) continue
    const file = join(lxcpath, name)
    if (!id) {
      add({ severity: 'warning', code: 'unproven-work', subject: subject(name), file, said: say('work-misnamed-journal', { file, lxcpath }) })
      continue
    }
    if (running(id)) continue
    const state = journalState(lxcpath, id)
    if (state.kind === 'unproven') {
      add({ severity: 'warning', code: 'unproven-work', subject: subject(name), file, said: say('work-unproven-journal', { file, reason: state.reason, lxcpath }) })
    } else if (state.kind === 'proven') {
      const rec = state.record
      // what the rest of the work removes: its marked dir and, for a destroy, a confirmed rootfs outside it
      const places = [state.marked, rec.op === 'destroy' ? storageOutside(rec.spec, rec.dir) : null].filter((p): p is string => p !== null)
      const mounted = places.flatMap((p) => mountpointsAtOrUnder(p))
      const op = describeRecord(rec)
      add({
        severity: 'error',
        code: 'interrupted-op',
        subject: rec.op === 'build' ? rec.target : rec.ref,
        file,
        said: mounted.length
          ? say('work-interrupted-mounted', { op, places: places.join(' or '), mounted: mounted.join(', '), last: mounted[mounted.length - 1]!, lxcpath })
          : say('work-interrupted', { op, lxcpath })
      })
    }
    // idle: nothing of the operation is left; recovery removes the journal when it next runs
  }
  for (const name of names) {
    const prefix = [BUILD_PREFIX, TRASH_PREFIX].find((p) => name.startsWith(p))
    if (!prefix) continue
    const id = name.slice(prefix.length)
    if (JOURNAL_ID.test(id) && journals.has(id)) continue // its journal's finding (or its running operation) covers it
    const path = join(lxcpath, name)
    const isContainer = lstat(join(path, 'config'))?.isFile() === true
    add({
      severity: 'warning',
      code: 'unproven-work',
      subject: subject(name),
      file: path,
      said: isContainer ? say('work-container-named-like', { path, lxcpath, name }) : say('work-dir-named-like', { path })
    })

  }
  return findings
}
