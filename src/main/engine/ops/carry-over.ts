// When a container is rebuilt in place (flatten, convert), the files of its directory that are
// not its storage or config come along unchanged: hooks, fstab, lxc_snapshots, logs.
import { copyFileSync, lstatSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { copyDirectoryTree } from '../fs/copy'
import type { OpContext } from '../context'

const STORAGE = new Set(['config', 'rootfs', 'overlay', 'delta0', 'olwork', 'work', 'snaps', 'lxc_rdepends', 'partial'])

export async function carryOver(dir: string, staging: string, ctx: OpContext, also: readonly string[] = []): Promise<void> {
  for (const name of readdirSync(dir)) {
    if ((STORAGE.has(name) && !also.includes(name)) || name.startsWith('.strata-')) continue
    const from = join(dir, name)
    const to = join(staging, name)
    const st = lstatSync(from)
    if (st.isDirectory()) await copyDirectoryTree(from, to, ctx, 'copy-files')
    else if (st.isSymbolicLink()) symlinkSync(readlinkSync(from), to)
    else if (st.isFile()) copyFileSync(from, to)
  }
}
