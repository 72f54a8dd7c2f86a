// The one rule for which lifecycle actions a state allows (shared/lifecycle.ts): the engine
// refuses by it and the app disables its buttons by it, so its table is worth reading whole.
import { describe, expect, it } from 'vitest'
import { actionRefusal, type StateAction } from '../../src/shared/lifecycle'
import type { ContainerState } from '../../src/shared/model'

const ACTIONS: StateAction[] = ['start', 'stop', 'restart', 'freeze', 'unfreeze', 'destroy', 'snapshot', 'copy']
/** For each state, the actions that apply; every other one is refused with a reason. */
const ALLOWED: Record<ContainerState, StateAction[]> = {
  stopped: ['start', 'destroy', 'snapshot', 'copy'],
  running: ['stop', 'restart', 'freeze'],
  thawed: ['stop', 'restart', 'freeze'],
  frozen: ['stop', 'unfreeze'],
  starting: [],
  stopping: [],
  aborting: [],
  freezing: [],
  // LXC could not be asked: nothing is refused, LXC decides
  unknown: ['start', 'stop', 'restart', 'freeze', 'unfreeze', 'destroy', 'snapshot', 'copy']
}

describe('which lifecycle actions a state allows', () => {
  for (const [state, allowed] of Object.entries(ALLOWED) as [ContainerState, StateAction[]][]) {
    it(`${state}: ${allowed.join(', ') || 'none'}`, () => {
      for (const action of ACTIONS) {
        const refusal = actionRefusal(action, 'web1', state)
        if (allowed.includes(action)) expect(refusal, action).toBeNull()
        else expect(refusal?.message, action).toMatch(/^web1 is /)
      }
    })
  }

  it('names the rule the issue saw broken: a stop of a stopped container', () => {
    expect(actionRefusal('stop', 'web1', 'stopped')).toMatchObject({ rule: 'not-running', message: 'web1 is not running.', said: { key: 'state-not-running' } })
    expect(actionRefusal('destroy', 'web1', 'running')?.rule).toBe('running')
    // a snapshot is a copy: the engine refuses a running container's (ops/preconditions.ts), the app says so first
    expect(actionRefusal('snapshot', 'web1', 'running')?.rule).toBe('snapshot-running')
    // so is a copy to another host (ops/transfer-export.ts refuses a running source in the same words)
    expect(actionRefusal('copy', 'web1', 'running')?.message).toBe("web1 is running: stop it before you copy it to another host (a running container's rootfs is changing under the copy).")
  })
})
