// What the Debian packages named in scripts/debian-packages.txt ship, read from dpkg's own
// records: tests find a file by the package that ships it, not by what a machine happens to hold.
import { existsSync, lstatSync, readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'

export const PACKAGE_LIST = new URL('../../scripts/debian-packages.txt', import.meta.url)

/** the packages the install step names, in order */
export function namedPackages(): string[] {
  return readFileSync(PACKAGE_LIST, 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean)
}

/** dpkg's status of a package: 'ii' when installed */
export function packageStatus(pkg: string): string {
  try {
    return execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Abbrev}', pkg], { encoding: 'utf8' }).trim()
  } catch {
    return 'not known to dpkg'
  }
}

/** regular files a package ships, optionally only those under a directory */
export function packageFiles(pkg: string, under = '/'): string[] {
  const prefix = under.endsWith('/') ? under : `${under}/`
  const out = execFileSync('dpkg-query', ['-L', pkg], { encoding: 'utf8' })
  return out
    .split('\n')
    .filter((p) => p.startsWith(prefix) && existsSync(p) && lstatSync(p).isFile())
}
