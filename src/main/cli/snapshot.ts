// `strata snapshot`: lxc-snapshot's interface on Strata's engine.
import { notFound, usageError } from '@shared/errors'
import type { SnapshotInfo } from '@shared/model'
import type { HostSession } from '../hosts/host-session'
import { readFileSync } from 'node:fs'
import { createSnapshot, deleteSnapshot, listSnapshots, restoreSnapshot } from '../engine/ops/snapshot'
import { containerNameArg, CONTAINER_OPTIONS, parseOptions, printJson, type Command } from './command'
import { engineCall, lxcpathOf, progressPrinter, recover } from './progress'
import { writeStdout } from './output'

const usage = `Usage: strata snapshot -n NAME [-P LXCPATH] [-c COMMENT_FILE] | -L [-C] [--json] | -r SNAP [-N NEWNAME] | -d SNAP

Snapshots compatible with lxc-snapshot (<lxcpath>/<name>/snaps/snapN with ts and comment).
  (no action)   make a snapshot; -c FILE stores FILE's contents as its comment
  -L            list snapshots (-C with comments)
  -r SNAP       restore SNAP in place (swapped in atomically), or as a new container with -N
  -d SNAP       delete SNAP (refused while a container depends on it)`

const SNAPSHOT_OPTIONS = {
  ...CONTAINER_OPTIONS,
  comment: { type: 'string', short: 'c' },
  list: { type: 'boolean', short: 'L' },
  showcomments: { type: 'boolean', short: 'C' },
  json: { type: 'boolean' },
  restore: { type: 'string', short: 'r' },
  newname: { type: 'string', short: 'N' },
  destroy: { type: 'string', short: 'd' }
} as const

function printList(snaps: SnapshotInfo[], o: { json?: boolean; showcomments?: boolean }): void {
  if (o.json) printJson(snaps)
  else if (snaps.length === 0) writeStdout('No snapshots\n')
  else
    for (const s of snaps) {
      writeStdout(`${s.name} (${s.snapdir}) ${s.timestamp ?? ''}\n`)
      if (o.showcomments && s.comment) writeStdout(`${s.comment}\n`)
    }
}

function readComment(file: string | undefined): string | undefined {
  if (!file) return undefined
  try {
    return readFileSync(file, 'utf8')
  } catch (err) {
    throw usageError(`cannot read the comment file ${file}: ${(err as Error).message}`)
  }
}

/** On a remote host: the same actions through the helper's methods; the comment file is read here. */
async function remoteSnapshot(args: string[], host: HostSession): Promise<number> {
  const o = parseOptions(args, SNAPSHOT_OPTIONS)
  const ref = { lxcpath: host.lxcpathOf(o.lxcpath), name: containerNameArg(o.name) }
  if (o.newname !== undefined) containerNameArg(o.newname, '-N NEWNAME')
  if (o.list) {
    const info = (await host.call('listContainers', { lxcpaths: [ref.lxcpath], all: true })).find((c) => c.name === ref.name)
    if (!info) throw notFound(`there is no container "${ref.name}" in ${ref.lxcpath} on ${host.name}`, `${ref.lxcpath}/${ref.name}`)
    printList(info.snapshots, o)
    return 0
  }
  const progress = progressPrinter()
  try {
    if (o.restore) {
      const r = await host.call('restoreSnapshot', { ...ref, snapshot: o.restore, newName: o.newname }, progress.onProgress)
      writeStdout(`Restored ${o.restore} of ${ref.name} as ${r.name} on ${host.name}\n`)
    } else if (o.destroy) {
      await host.call('deleteSnapshot', { ...ref, snapshot: o.destroy }, progress.onProgress)
      writeStdout(`Deleted ${o.destroy} of ${ref.name} on ${host.name}\n`)
    } else {
      const info = await host.call('createSnapshot', { ...ref, comment: readComment(o.comment) }, progress.onProgress)
      writeStdout(`${info.name} (${info.snapdir}) ${info.timestamp ?? ''}\n`)
    }
  } finally {
    progress.done()
  }
  return 0
}

const command: Command = {
  usage,
  remote: remoteSnapshot,
  async run(args) {
    const o = parseOptions(args, SNAPSHOT_OPTIONS)
    const ref = { lxcpath: lxcpathOf(o.lxcpath), name: containerNameArg(o.name) }
    if (o.newname !== undefined) containerNameArg(o.newname, '-N NEWNAME')
    if (o.list) {
      printList(await engineCall(async () => listSnapshots(ref)), o)
      return 0
    }
    await recover([ref.lxcpath])
    const progress = progressPrinter()
    const ctx = (signal: AbortSignal) => ({ signal, onProgress: progress.onProgress, progressTotals: progress.progressTotals })
    try {
      if (o.restore) {
        const r = await engineCall((s) => restoreSnapshot(ref, o.restore!, { newName: o.newname }, ctx(s)))
        writeStdout(`Restored ${o.restore} of ${ref.name} as ${r.name}\n`)
      } else if (o.destroy) {
        await engineCall((s) => deleteSnapshot(ref, o.destroy!, ctx(s)))
        writeStdout(`Deleted ${o.destroy} of ${ref.name}\n`)
      } else {
        const comment = readComment(o.comment)
        const info = await engineCall((s) => createSnapshot(ref, { comment }, ctx(s)))
        writeStdout(`${info.name} (${info.snapdir}) ${info.timestamp ?? ''}\n`)
      }
    } finally {
      progress.done()
    }
    return 0
  }
}
export default command
