// A new container's name as the engine will judge it when the clone or create runs: the one
// rule of shared/names.ts (what LXC 5.0.2 accepts, and Strata's own reasons), and whether the
// name is already taken in the target lxcpath. The app's dialogs ask this as you type, so they
// never hold rules of their own.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { newContainerNameIssue, type NameIssue } from '@shared/names'
import { say } from '@shared/engine-text'

export function checkNewName(lxcpath: string, name: string, opts: { keepUtsName?: boolean } = {}): { issue: NameIssue | null } {
  const issue = newContainerNameIssue(name, opts)
  if (issue) return { issue }
  // any directory of that name blocks it: LXC would refuse to create over it
  if (existsSync(join(lxcpath, name))) {
    const said = say('name-taken', { lxcpath, name })
    return { issue: { rule: 'taken', values: { name, lxcpath }, message: said.text, said } }
  }
  return { issue: null }
}
