// Whom Strata acts for. Normally the process's own user. A non-root user's writes to
// unprivileged containers run inside a user namespace with the user's id map (the CLI runs
// itself again under lxc-usernsexec, cli/userns.ts), as LXC runs its own work for such a user:
// there the process is the namespace's root, so every file it makes in a rootfs or upper layer
// has the owner LXC would give it (the mapped root), and it can remove them again. It still
// acts for the user (their lxc.conf, default.conf, run dir and locks), and the files LXC leaves
// to the user (a container's config and bookkeeping, the group of its directories) go to the
// user's own id inside the namespace, which STRATA_USERNS_OWNER names.
import { chownSync, existsSync, lchownSync, lstatSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/** The user's id inside the namespace this process runs in for them, or null outside one. */
export function usernsOwner(): number | null {
  const v = process.env['STRATA_USERNS_OWNER']
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : null
}

/** Strata acts as root (root's LXC config, /var/lib/lxc, /run/lxc): only real root, never a namespace's. */
export function actsAsRoot(): boolean {
  return typeof process.geteuid === 'function' && process.geteuid() === 0 && usernsOwner() === null
}

/** Inside the user's namespace: hands a file LXC leaves to the user (config, bookkeeping) to them. */
export function giveToUser(path: string): void {
  const owner = usernsOwner()
  if (owner !== null) lchownSync(path, owner, owner)
}

/** Inside the user's namespace: a container directory (or one of its own directories) is the mapped root's, in the user's group, as LXC makes it. */
export function shareWithUser(dir: string): void {
  const owner = usernsOwner()
  if (owner !== null) chownSync(dir, 0, owner)
}

/** Inside the user's namespace: a container directory just built, owned as LXC leaves one (its files the user's, its directories the mapped root's in the user's group). */
export function settleForUser(containerDir: string): void {
  if (usernsOwner() === null) return
  shareWithUser(containerDir)
  for (const dir of ['overlay', 'overlay/delta', 'overlay/work', 'snaps']) if (existsSync(join(containerDir, dir))) shareWithUser(join(containerDir, dir))
  // an empty rootfs (a mountpoint, or one a template is about to fill) is made so; a copied one keeps its origin's owner, as rsync keeps it for LXC
  const rootfs = join(containerDir, 'rootfs')
  if (existsSync(rootfs) && lstatSync(rootfs).isDirectory() && readdirSync(rootfs).length === 0) shareWithUser(rootfs)
  for (const file of ['config', 'lxc_rdepends', 'lxc_snapshots', 'ts', 'comment', 'strata_base_fingerprint', 'strata_copied_from']) if (existsSync(join(containerDir, file))) giveToUser(join(containerDir, file))
}
