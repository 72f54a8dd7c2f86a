// The first file of a tree that has extended attributes (POSIX ACLs and file capabilities are
// xattrs), walked as the copier walks it: without following symlinks or entering another
// filesystem (a mountpoint is copied empty). Asked only where a copy's storage keeps no xattrs.
import { say, type Said } from '@shared/engine-text'
import { lstat, opendir } from 'node:fs/promises'
import { join } from 'node:path'
import { cancelled } from '@shared/errors'
import { getXattrs } from '../native/index'

export interface FileWithXattrs {
  /** relative to the tree's root ('.' for the root itself) */
  path: string
  names: string[]
}

export async function firstFileWithXattrs(root: string, signal?: AbortSignal): Promise<FileWithXattrs | null> {
  const dev = (await lstat(root)).dev
  const has = async (rel: string): Promise<FileWithXattrs | null> => {
    const names = Object.keys(await getXattrs(rel === '.' ? root : join(root, rel)))
    return names.length > 0 ? { path: rel, names } : null
  }
  const dirs: string[] = ['.']
  const own = await has('.')
  if (own) return own
  while (dirs.length > 0) {
    if (signal?.aborted) throw cancelled('The check of what the copy would keep was cancelled.')
    const rel = dirs.pop()!
    for await (const entry of await opendir(rel === '.' ? root : join(root, rel))) {
      const child = rel === '.' ? entry.name : `${rel}/${entry.name}`
      const found = await has(child)
      if (found) return found
      if (entry.isDirectory() && (await lstat(join(root, child))).dev === dev) dirs.push(child)
    }
  }
  return null
}

/** What the names are, as a user would say it: "a file capability", "a POSIX ACL", "the xattr user.x". */
export function describeXattrs(names: readonly string[]): Said {
  const said = new Map<string, Said>()
  for (const name of names) {
    const one = name === 'security.capability' ? say('xattr-capability', { name }) : name.startsWith('system.posix_acl_') ? say('xattr-acl', { name }) : say('xattr-other', { name })
    said.set(one.text, one)
  }
  return [...said.values()].reduceRight((then, first) => say('joined-comma', { first, then }))
}
