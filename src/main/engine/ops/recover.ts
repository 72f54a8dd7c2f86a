// Engine start: find what interrupted Strata operations left in an lxcpath and put it right.
// A journal whose lock nobody holds belongs to a process that is gone. Only a journal that its
// marker proves Strata's (journal-proof.ts) is acted on, and only on the paths its id gives: a
// build is rolled back (its staging dir removed, the entries it added to origins taken out
// again), a destroy or an exchanged restore is finished. Anything else named like Strata's
// work, and work that cannot be completed (a mount inside it), is left exactly as it is, for
// `strata check` to report with its fix (recovery-findings.ts): it never stops other work.
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { removeDependent } from '../lineage/update'
import { removeMarkedTree } from '../fs/remove'
import { discardClaims, dropClaims } from '../drivers/claims'
import { lockPath } from '../lock'
import { finishDestroy } from './destroy'
import { JOURNAL_PREFIX } from '@shared/names'
import { describeRecord, markerName } from '../journal/journal'
import { journalIdOf, journalState, workDirFor, type JournalState } from '../journal/journal-proof'
import { exchanged, finishRestore, rollBackRestore } from './restore-steps'

export interface Recovered {
  lxcpath: string
  message: string
  /** the work could not be completed and was left as it is (strata check reports it) */
  failed?: boolean
}

/** The lock, or null when another process holds it or it cannot be taken (then the journal is not ours to touch). */
async function tryLock(file: string): Promise<{ release(): void } | null> {
  try {
    return await lockPath(file, { wait: false })
  } catch {
    return null
  }
}

async function recoverProven(lxcpath: string, s: Extract<JournalState, { kind: 'proven' }>): Promise<string> {
  const { id, record: rec, marked } = s
  const marker = markerName(id)
  const what = describeRecord(rec)
  switch (rec.op) {
    case 'build': {
      const staging = workDirFor(lxcpath, id, 'build')
      if (marked !== staging) {
        dropClaims(marked) // renamed into place: only the claims and the marker were left to remove
        rmSync(join(marked, marker), { force: true })
        return `the ${what} had completed`
      }
      if (!existsSync(join(rec.targetDir, 'config'))) for (const o of rec.origins) await removeDependent(o, rec.target)
      await discardClaims(staging)
      await removeMarkedTree(staging, marker)
      return `rolled back an interrupted ${what}`
    }
    case 'destroy': {
      const trash = workDirFor(lxcpath, id, 'destroy')
      if (marked !== trash) {
        rmSync(join(marked, marker), { force: true }) // marked, but never renamed: nothing else was done
        return `the ${what} had not started`
      }
      await finishDestroy({ id, ref: rec.ref, dir: rec.dir, trash, origins: rec.origins, spec: rec.spec })
      return `finished an interrupted ${what}`
    }
    case 'restore': {
      const r = { ...rec, staging: workDirFor(lxcpath, id, 'restore') }
      if (exchanged(r)) {
        await finishRestore(r, id)
        return `finished an interrupted ${what}`
      }
      const started = existsSync(r.staging)
      await rollBackRestore(r, id)
      return started ? `rolled back an interrupted ${what}` : `the ${what} had completed`
    }
  }
}

export async function recoverInterrupted(lxcpath: string): Promise<Recovered[]> {
  let names: string[]
  try {
    names = readdirSync(lxcpath)
  } catch {
    return []
  }
  const done: Recovered[] = []
  for (const name of names) {
    if (!name.startsWith(JOURNAL_PREFIX)) continue
    const stem = name.replace(/\.(lock|json\.tmp)$/, '')
    if (stem !== name) {
      // a lock or a half-written journal without its journal: the operation finished, or died before it began
      if (names.includes(`${stem}.json`)) continue
      const stale = await tryLock(join(lxcpath, `${stem}.lock`))
      if (stale) {
        rmSync(join(lxcpath, name), { force: true })
        rmSync(join(lxcpath, `${stem}.lock`), { force: true })
        stale.release()
      }
      continue
    }
    const id = journalIdOf(name)
    if (!id) continue
    const lockFile = join(lxcpath, `${JOURNAL_PREFIX}${id}.lock`)
    const lock = await tryLock(lockFile)
    if (!lock) continue // still running (or a lock file Strata cannot open: reported by check)
    try {
      if (!existsSync(join(lxcpath, name))) continue
      const state = journalState(lxcpath, id)
      if (state.kind === 'unproven') continue // never acted on; strata check reports it
      try {
        let message: string
        if (state.kind === 'idle') {
          if (existsSync(state.workDir)) rmdirSync(state.workDir) // empty
          message = `nothing was left of the operation in ${join(lxcpath, name)}`
        } else message = await recoverProven(lxcpath, state)
        rmSync(join(lxcpath, name), { force: true })
        rmSync(join(lxcpath, `${name}.tmp`), { force: true })
        done.push({ lxcpath, message })
      } catch (err) {
        const what = state.kind === 'proven' ? `the interrupted ${describeRecord(state.record)}` : join(lxcpath, name)
        done.push({ lxcpath, failed: true, message: `could not complete ${what}, so it is left as it is (strata check says how to fix it): ${(err as Error).message}` })
      }
    } finally {
      rmSync(lockFile, { force: true })
      lock.release()
    }
  }
  return done
}
