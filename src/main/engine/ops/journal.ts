// The intent log that makes operations crash-safe. Before an operation touches anything it
// writes `<lxcpath>/.strata-op-<id>.json` (atomically) and holds an OFD lock on
// `<lxcpath>/.strata-op-<id>.lock` for as long as it runs. Everything it builds lives under
// `<lxcpath>/.strata-build-<id>` or `.strata-trash-<id>`: dot names, which lxc-ls and Strata's
// listing skip. Once the lock is free again (the process ended, even by kill -9), recovery
// reads the journal and either rolls the work back (nothing was registered yet) or finishes it
// (the point of no return was passed): see recover.ts.
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ContainerRef } from '@shared/model'
import { lockPath } from '../lock'
import type { LockHandle } from '../native/index'
import { randomHex } from '../lazy-crypto'
import { BUILD_PREFIX, JOURNAL_PREFIX, TRASH_PREFIX } from '@shared/names'

export { BUILD_PREFIX, JOURNAL_PREFIX, TRASH_PREFIX }

export type JournalRecord =
  /** clone, snapshot, create, restore to a new name: nothing is visible until `staging` is renamed to the target */
  | { op: 'build'; what: string; staging: string; target: ContainerRef; targetDir: string; origins: ContainerRef[] }
  /** the container dir was (or is about to be) renamed to `trash`; roll forward */
  | { op: 'destroy'; ref: ContainerRef; dir: string; trash: string; origins: ContainerRef[] }
  /** in-place restore, flatten, convert: `staging` holds the new container until it is exchanged with `dir` */
  | {
      op: 'restore'
      /** restore, flatten, convert: also the prefix of the fault-injection steps */
      what?: string
      ref: ContainerRef
      dir: string
      staging: string
      /** a file inside the new container dir: where it is, tells whether the exchange happened */
      marker: string
      addOrigins: ContainerRef[]
      removeOrigins: ContainerRef[]
    }

export class Journal {
  private constructor(
    readonly id: string,
    readonly dir: string,
    private lock: LockHandle,
    private record: JournalRecord
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
    const j = new Journal(id, dir, lock, record)
    j.write()
    return j
  }

  get file(): string {
    return join(this.dir, `${JOURNAL_PREFIX}${this.id}.json`)
  }

  update(record: JournalRecord): void {
    this.record = record
    this.write()
  }

  private write(): void {
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify(this.record), { mode: 0o600 })
    renameSync(tmp, this.file)
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
