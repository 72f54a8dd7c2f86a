// Which lifecycle actions apply to a container in a given state, and why not: the one rule the
// engine refuses by (ops/lifecycle.ts, ops/destroy.ts's running check) and the app disables its
// buttons by, with the same words. Plain code without Node imports (the renderer uses it).
import type { ContainerState } from './model'

export const LIFECYCLE_ACTIONS = ['start', 'stop', 'restart', 'freeze', 'unfreeze'] as const
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number]
/** Actions whose precondition is the container's state: the lifecycle, and destroy, snapshot and copy to another host (only when stopped). */
export type StateAction = LifecycleAction | 'destroy' | 'snapshot' | 'copy'

/**
 * Why an action does not apply: `rule` is the key the app translates (with the name and the
 * state), `message` the engine's words for the CLI and logs.
 */
export interface ActionRefusal {
  rule: 'not-stopped' | 'not-running' | 'frozen' | 'not-frozen' | 'already-frozen' | 'in-transition' | 'running' | 'snapshot-running' | 'copy-running'
  message: string
}

/** A container that LXC is moving between states: wait for it to settle (starting, stopping, ...). */
const TRANSITIONS: ReadonlySet<ContainerState> = new Set(['starting', 'stopping', 'aborting', 'freezing'])
/** Running, as far as stop and restart go (thawed is LXC's word for running again after a freeze). */
const UP: ReadonlySet<ContainerState> = new Set(['running', 'thawed'])

/**
 * Null when `action` applies to a container `name` in `state`; else the rule and why.
 * `unknown` (LXC could not be asked) refuses nothing: LXC decides and says why.
 */
export function actionRefusal(action: StateAction, name: string, state: ContainerState): ActionRefusal | null {
  if (state === 'unknown') return null
  if (TRANSITIONS.has(state)) return { rule: 'in-transition', message: `${name} is ${state}: wait until it has settled.` }
  switch (action) {
    case 'start':
      return state === 'stopped' ? null : { rule: 'not-stopped', message: `${name} is already ${state}.` }
    case 'stop':
      return state === 'stopped' ? { rule: 'not-running', message: `${name} is not running.` } : null
    case 'restart':
      if (state === 'stopped') return { rule: 'not-running', message: `${name} is not running: start it instead.` }
      return state === 'frozen' ? { rule: 'frozen', message: `${name} is frozen: unfreeze it first.` } : null
    case 'freeze':
      if (state === 'frozen') return { rule: 'already-frozen', message: `${name} is already frozen.` }
      return UP.has(state) ? null : { rule: 'not-running', message: `${name} is not running.` }
    case 'unfreeze':
      return state === 'frozen' ? null : { rule: 'not-frozen', message: `${name} is not frozen.` }
    case 'destroy':
      return state === 'stopped'
        ? null
        : { rule: 'running', message: `${name} is ${state}: stop it before you destroy it (LXC cannot remove a running container's rootfs).` }
    case 'snapshot':
      // the engine's own check (ops/preconditions.ts assertStopped) says the same
      return state === 'stopped' ? null : { rule: 'snapshot-running', message: `${name} is ${state}: stop it before you take a snapshot (a running container's rootfs is changing under the copy).` }
    case 'copy':
      // the exporters refuse by this rule too (ops/transfer-export.ts, hosts/lxd/lxd-export.ts)
      return state === 'stopped' ? null : { rule: 'copy-running', message: `${name} is ${state}: stop it before you copy it to another host (a running container's rootfs is changing under the copy).` }
  }
}
