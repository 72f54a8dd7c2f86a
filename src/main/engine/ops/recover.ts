// Engine start: find what interrupted Strata operations left in an lxcpath and put it right.
// A journal whose lock nobody holds belongs to a process that is gone: a build is rolled back
// (its staging dir removed, the entries it added to origins taken out again), a destroy or an
// exchanged restore is finished. Staging and trash dirs without a journal are removed.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { readContainer } from '../container'
import { removeDependent } from '../lineage/update'
import { removeDirectoryTree } from '../fs/remove'
import { lockPath } from '../lock'
import { finishDestroy } from './destroy'
import { BUILD_PREFIX, JOURNAL_PREFIX, TRASH_PREFIX, type JournalRecord } from './journal'
import { finishRestore, rollBackRestore } from './restore-steps'

export interface Recovered {
  lxcpath: string
  message: string
}

async function tryLock(file: string): Promise<{ release(): void } | null> {
  try {
    return await lockPath(file, { wait: false })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return null
    throw err
  }
}

function show(r: { lxcpath: string; name: string }): string {
  return `${r.lxcpath}/${r.name}`
}

async function recoverOne(rec: JournalRecord): Promise<string> {
  switch (rec.op) {
    case 'build': {
      if (!existsSync(rec.staging)) return `${rec.what} of ${show(rec.target)} had completed`
      if (!existsSync(join(rec.targetDir, 'config'))) for (const o of rec.origins) await removeDependent(o, rec.target)
      await removeDirectoryTree(rec.staging)
      return `rolled back an interrupted ${rec.what} of ${show(rec.target)}`
    }
    case 'destroy': {
      if (existsSync(rec.dir) && !existsSync(rec.trash)) return `destroy of ${show(rec.ref)} had not started`
      const spec = existsSync(join(rec.trash, 'config')) ? readContainer(rec.ref, rec.trash).spec : null
      await finishDestroy({ ref: rec.ref, trash: rec.trash, origins: rec.origins, spec, dir: rec.dir })
      return `finished an interrupted destroy of ${show(rec.ref)}`
    }
    case 'restore': {
      if (existsSync(join(rec.dir, rec.marker))) {
        await finishRestore(rec)
        return `finished an interrupted ${rec.what ?? 'restore'} of ${show(rec.ref)}`
      }
      await rollBackRestore(rec)
      return `rolled back an interrupted ${rec.what ?? 'restore'} of ${show(rec.ref)}`
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
    const id = name.slice(JOURNAL_PREFIX.length).replace(/\.(json|lock|json\.tmp)$/, '')
    if (name.endsWith('.lock') && !names.includes(`${JOURNAL_PREFIX}${id}.json`)) {
      // a lock whose journal is gone: the operation finished just before its process died
      const stale = await tryLock(join(lxcpath, name))
      if (stale) {
        rmSync(join(lxcpath, name), { force: true })
        stale.release()
      }
      continue
    }
    if (!name.endsWith('.json')) continue
    const lock = await tryLock(join(lxcpath, `${JOURNAL_PREFIX}${id}.lock`))
    if (!lock) continue // still running
    try {
      const file = join(lxcpath, name)
      if (!existsSync(file)) continue
      const rec = JSON.parse(readFileSync(file, 'utf8')) as JournalRecord
      const message = await recoverOne(rec)
      rmSync(file, { force: true })
      done.push({ lxcpath, message })
    } finally {
      rmSync(join(lxcpath, `${JOURNAL_PREFIX}${id}.lock`), { force: true })
      rmSync(join(lxcpath, `${JOURNAL_PREFIX}${id}.json.tmp`), { force: true })
      lock.release()
    }
  }
  // Staging or trash dirs with no journal: the journal is written first, so these are leftovers.
  for (const name of readdirSync(lxcpath)) {
    const prefix = [BUILD_PREFIX, TRASH_PREFIX].find((p) => name.startsWith(p))
    if (!prefix) continue
    const id = name.slice(prefix.length)
    if (existsSync(join(lxcpath, `${JOURNAL_PREFIX}${id}.json`))) continue
    await removeDirectoryTree(join(lxcpath, name))
    done.push({ lxcpath, message: `removed leftover ${join(lxcpath, name)}` })
  }
  return done
}
