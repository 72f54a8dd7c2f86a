// Integrity findings over the lineage: things that stop a container from starting, or make
// LXC's own protection of an origin wrong (lxc-destroy trusts lxc_snapshots blindly).
import { existsSync, statSync } from 'node:fs'
import type { ContainerRef, Finding } from '@shared/model'
import { say, type Said } from '@shared/engine-text'
import { storageOutside } from '../drivers/index'
import type { LxcpathScan } from './scan'
import { recoveryFindings } from '../journal/recovery-findings'
import { inodeKey, lockedInodes } from '../proc-locks'
import { refKey, SNAPSHOTS_FILE, RDEPENDS_FILE } from './bookkeeping'
import type { BaseDrift } from './drift'
import type { Lineage } from './lineage'
import { planSnapshotsFix } from './snapshots-fix'
import { goneLowers } from '../rootfs'

function show(ref: ContainerRef): string {
  return `${ref.lxcpath}/${ref.name}`
}

/** `drifts`: base drift by refKey, from baseDrifts (a walk of each base, so done ahead and off the event loop). */
export function integrityFindings(lineage: Lineage, scans: readonly LxcpathScan[], drifts: ReadonlyMap<string, BaseDrift> = new Map()): Finding[] {
  const findings: Finding[] = []
  // a message given is kept (a config error's names its file:line for the CLI); else the sentence is it
  const add = (f: Omit<Finding, 'message'> & ({ message: string } | { said: Said })): void =>
    void findings.push('message' in f && f.message !== undefined ? (f as Finding) : { ...f, message: (f as { said: Said }).said.text })
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
      add({ severity: 'error', code: 'config-error', subject, file: p.file, message: p.message, ...(p.said ? { said: p.said } : {}), ...(p.fixId ? { fixId: p.fixId } : {}) })
    }

    // An overlay/aufs clone reads its lowers at every start: a missing one means it cannot start.
    const spec = record.spec
    for (const lower of goneLowers(spec, pathExists)) {
      add({ severity: 'error', code: 'origin-missing', subject, file: record.configFile, said: say('finding-lower-gone', { name, lower }) })
    }

    // lxc-destroy deletes a rootfs configured outside the container's directory, without a word.
    const outside = storageOutside(spec, record.dir)
    if (outside) {
      add({
        severity: 'warning',
        code: 'rootfs-outside',
        subject,
        file: record.configFile,
        said: say('finding-rootfs-outside', { name, outside, short: subject.name })
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
        said: say('finding-base-drift', { name, lower: drift.lower, at: drift.recordedAt, paths: `${drift.paths.join(', ')}${drift.more ? ` and ${drift.more} more` : ''}` })
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
            said: say('finding-cloned-from-gone', { name, origin: show(dep) })
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
            said: say('finding-rdepends-misses-lower', { name, owner: show(o) })
          })
        }
      }
    } else if (owners.length > 0) {
      add({
        severity: 'warning',
        code: 'missing-bookkeeping',
        subject,
        file: `${record.dir}/${RDEPENDS_FILE}`,
        said: say('finding-no-rdepends', { name, owners: owners.map(show).join(', ') })
      })
    }

    // The origin side: lxc_snapshots must name each dependent that still exists, and only those;
    // and it must not exist when nothing depends on the container, or lxc-destroy refuses it.
    const actual = lineage.dependents(subject)
    const snaps = record.snapshotsRecord
    const snapsFile = `${record.dir}/${SNAPSHOTS_FILE}`
    const plan = planSnapshotsFix(snapsFile, subject, snaps, actual, isKnown)
    const fix = plan ? { fix: { file: snapsFile, description: plan.description.text, said: plan.description } } : {}

    const addOrigin = (f: Pick<Finding, 'severity' | 'code'> & { said: Said }): void => add({ ...f, subject, file: snapsFile, ...fix })
    if (snaps?.format === 'list') {
      for (const entry of snaps.entries) {
        if (!isKnown(entry)) {
          addOrigin({
            severity: 'warning',
            code: 'stale-entry',
            said: say('finding-stale-entry', { name, entry: show(entry), short: subject.name })
          })
        }
      }
      if (snaps.leftover !== null) {
        addOrigin({
          severity: 'warning',
          code: 'snapshots-leftover',
          said: say('finding-snapshots-leftover', { name, leftover: JSON.stringify(snaps.leftover), short: subject.name })
        })
      }
      for (const dep of actual) {
        if (!snaps.entries.some((e) => refKey(e) === refKey(dep))) {
          addOrigin({
            severity: 'warning',
            code: 'missing-bookkeeping',
            said: say('finding-unlisted-dependent', { dependent: show(dep), name })
          })
        }
      }
    } else if (snaps?.format === 'count') {
      if (snaps.count !== actual.length) {
        addOrigin({
          severity: 'warning',
          code: 'legacy-count-mismatch',
          said: say('finding-count-mismatch', { name, count: snaps.count, found: actual.length, list: actual.length ? `: ${actual.map(show).join(', ')}` : '' })
        })
      } else if (snaps.count === 0) {
        addOrigin({
          severity: 'warning',
          code: 'empty-snapshots',
          said: say(snaps.empty ? 'finding-empty-snapshots' : 'finding-zero-count', { name, short: subject.name })
        })
      }
    } else if (snaps?.format === 'garbled') {
      addOrigin({
        severity: 'warning',
        code: 'stale-entry',
        said: say('finding-garbled-snapshots', { name, short: subject.name })
      })
    } else if (actual.length > 0) {
      addOrigin({
        severity: 'error',
        code: 'missing-bookkeeping',
        said: say('finding-no-snapshots-file', { count: actual.length, dependents: actual.map(show).join(', '), name, short: subject.name })
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
          said: say('finding-stray-partial', { name })
        })
      }
    }
  }
  return findings
}
