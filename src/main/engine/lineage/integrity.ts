// Integrity findings over the lineage: things that stop a container from starting, or make
// LXC's own protection of an origin wrong (lxc-destroy trusts lxc_snapshots blindly).
import { existsSync, statSync } from 'node:fs'
import type { ContainerRef, Finding } from '@shared/model'
import { storageOutside } from '../drivers/index'
import type { LxcpathScan } from './scan'
import { recoveryFindings } from '../journal/recovery-findings'
import { inodeKey, lockedInodes } from '../proc-locks'
import { refKey, SNAPSHOTS_FILE, RDEPENDS_FILE } from './bookkeeping'
import type { BaseDrift } from './drift'
import type { Lineage } from './lineage'
import { planSnapshotsFix } from './snapshots-fix'

function show(ref: ContainerRef): string {
  return `${ref.lxcpath}/${ref.name}`
}

/** `drifts`: base drift by refKey, from baseDrifts (a walk of each base, so done ahead and off the event loop). */
export function integrityFindings(lineage: Lineage, scans: readonly LxcpathScan[], drifts: ReadonlyMap<string, BaseDrift> = new Map()): Finding[] {
  const findings: Finding[] = []
  const add = (f: Finding): void => void findings.push(f)
  for (const scan of scans) if (scan.error) add(scan.error)
  for (const scan of scans) recoveryFindings(scan.lxcpath).forEach(add)
  // Known from the scan (hidden containers included), else looked up on disk: a dependent or an
  // origin may live in an lxcpath that was not scanned.
  const isKnown = (ref: ContainerRef): boolean => lineage.entries.has(refKey(ref)) || existsSync(`${ref.lxcpath}/${ref.name}/config`)
  let locks: Set<string> | null = null
  // Many clones share one lower: look each one up once.
  const lowerExists = new Map<string, boolean>()
  const pathExists = (path: string): boolean => {
    let known = lowerExists.get(path)
    if (known === undefined) lowerExists.set(path, (known = existsSync(path)))
    return known
  }

  for (const [key, { record }] of lineage.entries) {
    const subject = record.ref
    const name = show(subject)

    for (const p of record.problems) {
      if (p.severity !== 'error') continue
      add({ severity: 'error', code: 'config-error', subject, file: p.file, message: p.message })
    }

    // An overlay/aufs clone reads its lowers at every start: a missing one means it cannot start.
    const spec = record.spec
    if (spec && 'lowers' in spec) {
      for (const lower of spec.lowers) {
        if (!pathExists(lower)) {
          add({
            severity: 'error',
            code: 'origin-missing',
            subject,
            file: record.configFile,
            message: `${name} cannot start: its lower layer ${lower} is gone (its origin was removed without LXC).`
          })
        }
      }
    }

    // lxc-destroy deletes a rootfs configured outside the container's directory, without a word.
    const outside = storageOutside(spec, record.dir)
    if (outside) {
      add({
        severity: 'warning',
        code: 'rootfs-outside',
        subject,
        file: record.configFile,
        message: `${name}'s rootfs ${outside} lies outside its directory: destroying ${subject.name} deletes it too (lxc-destroy does so without asking; Strata's destroy asks first).`
      })
    }

    // A base that changed after Strata cloned it changes what the clone sees.
    const drift = drifts.get(key)
    if (drift) {
      add({
        severity: 'warning',
        code: 'base-drift',
        subject,
        file: drift.lower,
        message: `${name}'s base ${drift.lower} changed since the clone was made (${drift.recordedAt}), so the clone sees a different system: changed in ${drift.paths.join(', ')}${drift.more ? ` and ${drift.more} more` : ''}.`
      })
    }

    const owners = lineage.lowerOwners.get(key) ?? []
    const rdeps = record.rdepends
    if (rdeps) {
      for (const dep of rdeps) {
        const isLower = owners.some((o) => refKey(o) === refKey(dep))
        if (!isKnown(dep) && !isLower) {
          add({
            severity: 'warning',
            code: 'origin-missing',
            subject,
            file: `${record.dir}/${RDEPENDS_FILE}`,
            message: `${name} was cloned from ${show(dep)}, which no longer exists.`
          })
        }
      }
      for (const o of owners) {
        if (!rdeps.some((d) => refKey(d) === refKey(o))) {
          add({
            severity: 'warning',
            code: 'rdepends-mismatch',
            subject,
            file: `${record.dir}/${RDEPENDS_FILE}`,
            message: `${name}'s lxc_rdepends does not list ${show(o)}, whose rootfs its own rootfs reads as a lower layer.`
          })
        }
      }
    } else if (owners.length > 0) {
      add({
        severity: 'warning',
        code: 'missing-bookkeeping',
        subject,
        file: `${record.dir}/${RDEPENDS_FILE}`,
        message: `${name} depends on ${owners.map(show).join(', ')} but has no lxc_rdepends: destroying it with LXC will not update its origin.`
      })
    }

    // The origin side: lxc_snapshots must name each dependent that still exists, and only those;
    // and it must not exist when nothing depends on the container, or lxc-destroy refuses it.
    const actual = lineage.dependents(subject)
    const snaps = record.snapshotsRecord
    const snapsFile = `${record.dir}/${SNAPSHOTS_FILE}`
    const plan = planSnapshotsFix(snapsFile, subject, snaps, actual, isKnown)
    const fix = plan ? { fix: { file: snapsFile, description: plan.description } } : {}
    const addOrigin = (f: Omit<Finding, 'subject' | 'file'>): void => add({ ...f, subject, file: snapsFile, ...fix })
    if (snaps?.format === 'list') {
      for (const entry of snaps.entries) {
        if (!isKnown(entry)) {
          addOrigin({
            severity: 'warning',
            code: 'stale-entry',
            message: `${name}'s lxc_snapshots lists ${show(entry)}, which no longer exists; lxc-destroy refuses to destroy ${subject.name} while that entry stays.`
          })
        }
      }
      if (snaps.leftover !== null) {
        addOrigin({
          severity: 'warning',
          code: 'snapshots-leftover',
          message: `${name}'s lxc_snapshots ends in ${JSON.stringify(snaps.leftover)}, which is not an lxcpath/name pair (LXC leaves such a piece when it removes a clone whose lxcpath ends with another clone's); lxc-destroy refuses to destroy ${subject.name} while it is there. The entry it was part of is lost: a clone that depends on ${subject.name} from an lxcpath not checked here is found only when that lxcpath is checked too.`
        })
      }
      for (const dep of actual) {
        if (!snaps.entries.some((e) => refKey(e) === refKey(dep))) {
          addOrigin({
            severity: 'warning',
            code: 'missing-bookkeeping',
            message: `${show(dep)} depends on ${name}, but ${name}'s lxc_snapshots does not list it.`
          })
        }
      }
    } else if (snaps?.format === 'count') {
      if (snaps.count !== actual.length) {
        addOrigin({
          severity: 'warning',
          code: 'legacy-count-mismatch',
          message: `${name}'s lxc_snapshots (LXC 1.x format) counts ${snaps.count} dependent(s), but ${actual.length} were found${actual.length ? `: ${actual.map(show).join(', ')}` : ''}.`
        })
      } else if (snaps.count === 0) {
        addOrigin({
          severity: 'warning',
          code: 'empty-snapshots',
          message: `${name}'s lxc_snapshots ${snaps.empty ? 'is empty' : 'holds the LXC 1.x count 0'}: nothing depends on ${subject.name}, but lxc-destroy refuses to destroy it ("has clones") while the file exists.`
        })
      }
    } else if (snaps?.format === 'garbled') {
      addOrigin({
        severity: 'warning',
        code: 'stale-entry',
        message: `${name}'s lxc_snapshots is neither a count nor lxcpath/name pairs; lxc-destroy refuses to destroy ${subject.name} while it exists.`
      })
    } else if (actual.length > 0) {
      addOrigin({
        severity: 'error',
        code: 'missing-bookkeeping',
        message: `${actual.map(show).join(', ')} depend(s) on ${name}, but it has no lxc_snapshots: lxc-destroy would destroy ${subject.name} and break them.`
      })
    }

    // lxc-create's `partial` marker: LXC refuses to start any container that has one, locked or not.
    if (record.partialFile) {
      locks ??= lockedInodes()
      const st = statSync(record.partialFile, { throwIfNoEntry: false })
      const live = st !== undefined && locks.has(inodeKey(st.dev, st.ino))
      if (!live) {
        add({
          severity: 'error',
          code: 'stray-partial',
          subject,
          file: record.partialFile,
          message: `${name} has a stale "partial" file from an interrupted lxc-create; lxc-start refuses to start it until it is removed.`
        })
      }
    }
  }
  return findings
}
