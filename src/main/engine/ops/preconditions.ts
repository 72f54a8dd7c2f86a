// What an operation checks of the container it is given before it plans anything: that it
// exists under a name Strata follows, and that it is stopped.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { ContainerRef } from '@shared/model'
import { existingContainerNameSaid } from '@shared/names'
import { readContainer, type ContainerRecord } from '../container'
import { readStates } from '../state'
import { refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import { actionRefusal, stateSaid, type StateAction } from '@shared/lifecycle'
import { notFoundError, show } from '../errors'

export function loadExisting(ref: ContainerRef): ContainerRecord {
  const problem = existingContainerNameSaid(ref.name)
  if (problem) throw refused('bad-name', problem, show(ref))
  if (!existsSync(join(ref.lxcpath, ref.name, 'config'))) throw notFoundError(ref)
  return readContainer(ref)
}

export async function assertStopped(ref: ContainerRef, what: 'clone' | 'convert' | 'flatten' | 'restore'): Promise<void> {
  const state = (await readStates(ref.lxcpath, [ref.name])).get(ref.name) ?? 'unknown'
  if (state !== 'stopped') throw refused('running', say(`stop-before-${what}`, { name: ref.name, state: stateSaid(state) }), show(ref))
}

/** The container's state allows `action`, by the rule the app disables its buttons by (shared/lifecycle.ts). */
export async function assertStateAllows(ref: ContainerRef, action: StateAction): Promise<void> {
  const state = (await readStates(ref.lxcpath, [ref.name])).get(ref.name) ?? 'unknown'
  const refusal = actionRefusal(action, ref.name, state)
  if (refusal) throw refused(refusal.rule, refusal.said, show(ref))

}
