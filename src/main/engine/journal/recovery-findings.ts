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
      findings.push({ severity: 'warning', code: 'unproven-work', subject: subject(name), file, message: `${file} is named like a Strata journal, but not as Strata names them (.strata-op-<12 hex digits>.json): recovery leaves it alone. Delete it if no Strata operation of yours was interrupted in ${lxcpath}.` })
      continue
    }
    if (running(id)) continue
    const state = journalState(lxcpath, id)
    if (state.kind === 'unproven') {
      findings.push({
        severity: 'warning',
        code: 'unproven-work',
        subject: subject(name),
        file,
        message: `${file} looks like a Strata journal, but Strata cannot prove it wrote it (${state.reason}): recovery acts on nothing it names. Delete it if no Strata operation of yours was interrupted in ${lxcpath}.`
      })
    } else if (state.kind === 'proven') {
      const rec = state.record
      // what the rest of the work removes: its marked dir and, for a destroy, a confirmed rootfs outside it
      const places = [state.marked, rec.op === 'destroy' ? storageOutside(rec.spec, rec.dir) : null].filter((p): p is string => p !== null)
      const mounted = places.flatMap((p) => mountpointsAtOrUnder(p))
      const fix = mounted.length
        ? `a filesystem is mounted inside ${places.join(' or ')} (${mounted.join(', ')}): unmount it (umount ${mounted[mounted.length - 1]}), then run strata check -P ${lxcpath}`
        : `run strata check -P ${lxcpath} as a user who may change ${lxcpath} (root for a system lxcpath); it prints why the work cannot be completed`
      findings.push({
        severity: 'error',
        code: 'interrupted-op',
        subject: rec.op === 'build' ? rec.target : rec.ref,
        file,
        message: `An interrupted ${describeRecord(rec)} could not be completed: ${fix}.`
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
    findings.push({
      severity: 'warning',
      code: 'unproven-work',
      subject: subject(name),
      file: path,
      message: isContainer
        ? `${path} is an LXC container named like Strata's work directories (lxc-ls hides names that start with a dot). No Strata journal claims it, so Strata leaves it alone; rename it to keep it, or remove it with lxc-destroy -P ${lxcpath} -n ${name}.`
        : `${path} is named like Strata's work directories, but no Strata journal claims it, so Strata leaves it alone; remove it by hand if you do not need it.`
    })
  }
  return findings
}
