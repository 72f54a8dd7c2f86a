// TEMPORARY (UI stand-in until the ops engineer's snapshot.ts lands; replace this whole file).
// Runs LXC's own lxc-snapshot and reads the result back with the engine's snapshot reader.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ContainerRef, SnapshotInfo } from '@shared/model'
import { run } from '../tools'
import { listContainers } from '../lxcpath'
import type { OpContext } from './context'

async function snapshotsOf(ref: ContainerRef): Promise<SnapshotInfo[]> {
  const c = (await listContainers([ref.lxcpath])).find((x) => x.name === ref.name)
  if (!c) throw new Error(`${ref.name} does not exist in ${ref.lxcpath}`)
  return c.snapshots
}

export async function createSnapshot(ref: ContainerRef, opts: { comment?: string } = {}, ctx: OpContext = {}): Promise<SnapshotInfo> {
  const before = new Set((await snapshotsOf(ref)).map((s) => s.name))
  const args = ['-P', ref.lxcpath, '-n', ref.name]
  let dir: string | null = null
  if (opts.comment) {
    dir = mkdtempSync(join(tmpdir(), 'strata-comment-'))
    writeFileSync(join(dir, 'comment'), opts.comment + '\n')
    args.push('-c', join(dir, 'comment'))
  }
  ctx.onProgress?.({ phase: 'snapshot' })
  try {
    await run('lxc-snapshot', args, { signal: ctx.signal })
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
  const made = (await snapshotsOf(ref)).find((s) => !before.has(s.name))
  if (!made) throw new Error(`lxc-snapshot reported success but no new snapshot of ${ref.name} appeared`)
  return made
}

export async function restoreSnapshot(
  ref: ContainerRef,
  snapshot: string,
  opts: { newName?: string } = {},
  ctx: OpContext = {}
): Promise<ContainerRef> {
  ctx.onProgress?.({ phase: 'restore' })
  const args = ['-P', ref.lxcpath, '-n', ref.name, '-r', snapshot, ...(opts.newName ? ['-N', opts.newName] : [])]
  await run('lxc-snapshot', args, { signal: ctx.signal })
  return { lxcpath: ref.lxcpath, name: opts.newName ?? ref.name }
}

export async function deleteSnapshot(ref: ContainerRef, snapshot: string, ctx: OpContext = {}): Promise<void> {
  ctx.onProgress?.({ phase: 'destroy' })
  await run('lxc-snapshot', ['-P', ref.lxcpath, '-n', ref.name, '-d', snapshot], { signal: ctx.signal })
}
