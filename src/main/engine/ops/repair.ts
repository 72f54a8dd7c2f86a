// Repair: rewrite (or remove) one container's lxc_snapshots so that it lists exactly what depends
// on it, as `strata check` proposes (lineage/snapshots-fix.ts). Only that file is touched,
// under the container's LXC lock, and the file is re-read under the lock, so an lxc-copy or
// Strata clone that added an entry meanwhile keeps it.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { ContainerRef, RepairResult } from '@shared/model'
import { parseSnapshotsRecord, refKey, SNAPSHOTS_FILE } from '../lineage/bookkeeping'
import { buildLineage } from '../lineage/graph'
import { planSnapshotsFix } from '../lineage/snapshots-fix'
import { writeAtomically } from '../lineage/update'
import { withLxcLock } from '../lock'
import { scanLxcpaths } from '../lxcpath'
import { JOURNAL_PREFIX } from '@shared/names'
import { loadExisting } from './preconditions'
import { workDirOf } from '../journal/journal'
import { show } from '../errors'
import { say } from '@shared/engine-text'
import type { JournalRecord } from '../journal/journal'

export interface RepairOptions {
  /** further lxcpaths to look for dependents in (the origin's own, and those its entries name, always are) */
  lxcpaths?: readonly string[]
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/** Containers a Strata build in these lxcpaths is registering: listed in their origins before they exist. */
function targetsBeingBuilt(lxcpaths: Iterable<string>): Set<string> {
  const targets = new Set<string>()
  for (const lxcpath of lxcpaths) {
    let names: string[]
    try {
      names = readdirSync(lxcpath).filter((n) => n.startsWith(JOURNAL_PREFIX) && n.endsWith('.json'))
    } catch {
      continue
    }
    for (const n of names) {
      try {
        const rec = JSON.parse(readFileSync(join(lxcpath, n), 'utf8')) as JournalRecord
        if (rec.op === 'build') targets.add(refKey(rec.target))
      } catch {
        // finished and removed meanwhile, or half-written: not a build in flight
      }
    }
  }
  return targets
}

export async function repairSnapshotsFile(ref: ContainerRef, opts: RepairOptions = {}): Promise<RepairResult> {
  const record = loadExisting(ref)
  const file = join(record.dir, SNAPSHOTS_FILE)
  // Where dependents can be: the origin's lxcpath, those its entries name, and those asked for.
  // A snapshot's lxcpath (`<P>/<n>/snaps`) is read through its owner's lxcpath.
  const lxcpaths = new Set<string>([workDirOf(ref), ...(opts.lxcpaths ?? [])])
  if (record.snapshotsRecord?.format === 'list') for (const e of record.snapshotsRecord.entries) lxcpaths.add(workDirOf(e))
  const scans = await scanLxcpaths([...lxcpaths].filter((p) => existsSync(p)))
  const lineage = buildLineage(scans)
  const dependents = lineage.dependents(ref)
  const building = targetsBeingBuilt(lxcpaths)
  const exists = (r: ContainerRef): boolean =>
    lineage.entries.has(refKey(r)) || existsSync(join(r.lxcpath, r.name, 'config')) || building.has(refKey(r))

  return withLxcLock(ref, () => {
    const text = readText(file)
    const plan = planSnapshotsFix(file, ref, text === null ? null : parseSnapshotsRecord(text), dependents, exists)
    if (!plan) {
      const said = say('repair-nothing', { file, dir: show(ref) })
      return { ref, file, changed: false, message: said.text, said }
    }
    if (plan.text === null) rmSync(file, { force: true })
    else writeAtomically(file, plan.text)
    return { ref, file, changed: true, message: plan.done.text, said: plan.done }

  })
}
