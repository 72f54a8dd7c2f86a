// Root-only lxcpaths (/var/lib/lxc) from the CLI: where this user may not use an lxcpath
// itself and the root helper is installed (the Debian package), `ls`, `clone` and `destroy`
// ask it through pkexec, as the app does (one polkit check per command), and print what it
// answered. As root, on lxcpaths the user may use, and where no helper is installed (a source
// checkout), everything runs in process as before, and a permission error says which path.
import { accessSync, constants, existsSync } from 'node:fs'
import { HelperClient, INSTALLED_HELPER } from '../helper/client'

/**
 * True when the root helper is installed and this user lacks `need` on one of the lxcpaths
 * (permission denied, not missing: a missing lxcpath is reported by the command itself).
 */
export function needsRootHelper(lxcpaths: readonly string[], need: 'read' | 'write'): boolean {
  if (process.geteuid?.() === 0) return false
  if (!existsSync(process.env.STRATA_HELPER ?? INSTALLED_HELPER)) return false
  const mode = need === 'read' ? constants.R_OK | constants.X_OK : constants.R_OK | constants.W_OK | constants.X_OK
  return lxcpaths.some((p) => {
    try {
      accessSync(p, mode)
      return false
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EACCES'
    }
  })
}

/** Runs `fn` with a root helper started for `lxcpaths` (it refuses any it may not serve), and stops it after. */
export async function withRootHelper<T>(lxcpaths: readonly string[], fn: (helper: HelperClient) => Promise<T>): Promise<T> {
  const helper = new HelperClient({ lxcpaths: [...new Set(lxcpaths)] })
  try {
    return await fn(helper)
  } finally {
    await helper.close()
  }
}
