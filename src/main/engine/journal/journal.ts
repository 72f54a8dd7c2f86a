// The intent log that makes operations crash-safe. Before an operation touches anything it
// writes `<lxcpath>/.strata-op-<id>.json` (atomically) and holds an OFD lock on
// `<lxcpath>/.strata-op-<id>.lock` for as long as it runs. Everything it builds lives under
// `<lxcpath>/.strata-build-<id>` or `.strata-trash-<id>`: dot names, which lxc-ls and Strata's
// listing skip. Once the lock is free again (the process ended, even by kill -9), recovery
// reads the journal and either rolls the work back (nothing was registered yet) or finishes it
// (the point of no return was passed): see recover.ts.
//
// Anyone who can write an lxcpath can write a file there that looks like a journal, so a
// journal alone proves nothing. Each operation also puts a marker, `.strata-op-<id>`, inside
// the directory it works on, before that directory can hold anything recovery must act on:
// a copy of the journal's text, written by this user (or root). Recovery acts only where that
// marker is (journal-proof.ts), and removes a work directory with its marker last.
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ContainerRef, RootfsSpec } from '@shared/model'
import { lockPath } from '../lock'
import type { LockHandle } from '../native/index'
import { randomHex } from '../lazy-crypto'
import { BUILD_PREFIX, JOURNAL_PREFIX, TRASH_PREFIX } from '@shared/names'

/** What Journal.newId makes: 12 hex digits. */
export const JOURNAL_ID = /^[0-9a-f]{12}$/

export type JournalRecord =
  /** clone, snapshot, create, restore to a new name: nothing is visible until `staging` is renamed to the target */
  | { op: 'build'; what: string; staging: string; target: ContainerRef; targetDir: string; origins: ContainerRef[] }
  /**
   * the container dir was (or is about to be) renamed to `trash`; roll forward. `spec` is the
   * rootfs as the destroy found it: its storage outside `dir` (confirmed by the user) goes too.
   */
  | { op: 'destroy'; ref: ContainerRef; dir: string; trash: string; origins: ContainerRef[]; spec: RootfsSpec | null }
  /** in-place restore, flatten, convert: `staging` holds the new container until it is exchanged with `dir` */
  | {
      op: 'restore'
      /** restore, flatten, convert: also the prefix of the fault-injection steps */
      what?: string
      ref: ContainerRef
      dir: string
      staging: string
      /** swapFlagName(what, id): a file in the rebuilt container; which of `dir` and `staging` holds it tells whether the exchange happened */
      marker: string
      addOrigins: ContainerRef[]
      removeOrigins: ContainerRef[]
    }

/** The marker file an operation puts inside the directories it works on. */
export function markerName(id: string): string {
  return `${JOURNAL_PREFIX}${id}`
}

/** The file an in-place restore, flatten or convert puts in the container it builds: it travels with it through the exchange. */
export function swapFlagName(what: string, id: string): string {
  return `.strata-${what}-${id}`
}

/** The journal file's text: the record with its id. The marker holds the same text. */
export function journalText(id: string, record: JournalRecord): string {
  return JSON.stringify({ id, ...record })
}

/** The operation a journal record describes, in words. */
export function describeRecord(rec: JournalRecord): string {
  const show = (r: ContainerRef): string => `${r.lxcpath}/${r.name}`
  if (rec.op === 'build') return `${rec.what} of ${show(rec.target)}`
  if (rec.op === 'destroy') return `destroy of ${show(rec.ref)}`
  return `${rec.what ?? 'restore'} of ${show(rec.ref)}`
}

/** Where the journal and trash of ref go: its lxcpath, or, for a snapshot, the owner's lxcpath. */
export function workDirOf(ref: ContainerRef): string {
  const m = /^(.*)\/[^/]+\/snaps$/.exec(ref.lxcpath)
  return m && m[1] ? m[1] : ref.lxcpath
}

export class Journal {
  private constructor(
    readonly id: string,
    readonly dir: string,
    private lock: LockHandle,
    private readonly text: string
  ) {}

  static newId(): string {
    return randomHex(6)
  }

  static buildDir(lxcpath: string, id: string): string {
    return join(lxcpath, `${BUILD_PREFIX}${id}`)
  }

  static trashDir(lxcpath: string, id: string): string {
    return join(lxcpath, `${TRASH_PREFIX}${id}`)
  }

  /** Locks, then writes the record: from here on a crash is recoverable. */
  static async begin(dir: string, id: string, record: JournalRecord): Promise<Journal> {
    const lock = await lockPath(join(dir, `${JOURNAL_PREFIX}${id}.lock`))
    const j = new Journal(id, dir, lock, journalText(id, record))
    const tmp = `${j.file}.tmp`
    writeFileSync(tmp, j.text, { mode: 0o600 })
    renameSync(tmp, j.file)
    return j
  }

  get file(): string {
    return join(this.dir, `${JOURNAL_PREFIX}${this.id}.json`)
  }

  /** Puts the marker into a directory this operation works on (never through a symlink: O_EXCL). */
  mark(dir: string): void {
    writeFileSync(join(dir, markerName(this.id)), this.text, { mode: 0o600, flag: 'wx' })
  }

  unmark(dir: string): void {
    rmSync(join(dir, markerName(this.id)), { force: true })
  }

  /** The work is complete (or fully undone): forget it. */
  finish(): void {
    rmSync(this.file, { force: true })
    rmSync(join(this.dir, `${JOURNAL_PREFIX}${this.id}.lock`), { force: true })
    this.lock.release()
  }

  /** Leave the journal for recovery (used when undoing in-process failed too). */
  abandon(): void {
    this.lock.release()
  }
}
