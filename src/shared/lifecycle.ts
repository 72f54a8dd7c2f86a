// Which lifecycle actions apply to a container in a given state, and why not: the one rule the
// engine refuses by (ops/lifecycle.ts, ops/destroy.ts's running check) and the app disables its
// buttons by, with the same words. Plain code without Node imports (the renderer uses it).
import type { ConfigProblem, ContainerState } from './model'
import { say, type Said } from './engine-text'

export const LIFECYCLE_ACTIONS = ['start', 'stop', 'restart', 'freeze', 'unfreeze'] as const
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number]
/** Actions whose precondition is the container's state: the lifecycle, and destroy, snapshot and copy to another host (only when stopped). */
export type StateAction = LifecycleAction | 'destroy' | 'snapshot' | 'copy'

/**
 * Why an action does not apply: `rule` is the key the app translates (with the name and the
 * state), `message` the engine's words for the CLI and logs.
 */
export interface ActionRefusal {
  rule: 'not-stopped' | 'not-running' | 'frozen' | 'not-frozen' | 'already-frozen' | 'in-transition' | 'running' | 'snapshot-running' | 'copy-running' | 'lower-gone'
  message: string
  /** the message as data, for an error the engine throws by this rule */
  said: Said
}

const refusal = (rule: ActionRefusal['rule'], said: Said): ActionRefusal => ({ rule, message: said.text, said })

/** A state as a sentence names it ("web1 is running"): a word each language says, as the table's state column does. */
export const stateSaid = (state: ContainerState): Said => say(`state-word-${state}`)

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
  if (TRANSITIONS.has(state)) return refusal('in-transition', say('state-in-transition', { name, state: stateSaid(state) }))
  switch (action) {
    case 'start':
      return state === 'stopped' ? null : refusal('not-stopped', say('state-already', { name, state: stateSaid(state) }))
    case 'stop':
      return state === 'stopped' ? refusal('not-running', say('state-not-running', { name })) : null
    case 'restart':
      if (state === 'stopped') return refusal('not-running', say('state-not-running-start', { name }))
      return state === 'frozen' ? refusal('frozen', say('state-frozen', { name })) : null
    case 'freeze':
      if (state === 'frozen') return refusal('already-frozen', say('state-already-frozen', { name }))
      return UP.has(state) ? null : refusal('not-running', say('state-not-running', { name }))
    case 'unfreeze':
      return state === 'frozen' ? null : refusal('not-frozen', say('state-not-frozen', { name }))
    case 'destroy':
      return state === 'stopped'
        ? null
        : refusal('running', say('state-destroy-running', { name, state: stateSaid(state) }))
    case 'snapshot':
      // the engine's own check (ops/preconditions.ts assertStopped) says the same
      return state === 'stopped' ? null : refusal('snapshot-running', say('state-snapshot-running', { name, state: stateSaid(state) }))
    case 'copy':
      // the exporters refuse by this rule too (ops/transfer-export.ts, hosts/lxd/lxd-export.ts)
      return state === 'stopped' ? null : refusal('copy-running', say('state-copy-running', { name, state: stateSaid(state) }))
  }
}

/** Start and restart mount every lower layer: a clone whose lower is gone cannot start, whatever its state. */
const NEEDS_LOWERS: ReadonlySet<StateAction> = new Set(['start', 'restart'])
export const needsLowers = (action: StateAction): boolean => NEEDS_LOWERS.has(action)

/** Why `action` cannot start `name`: its lower layer `lower` is gone (the engine checks the lowers itself). */
export const lowerGoneRefusal = (name: string, lower: string): ActionRefusal => refusal('lower-gone', say('finding-lower-gone', { name, lower }))

/**
 * Null when `action` applies to a container as the listing shows it; else the rule and why: its
 * state (actionRefusal), and for a start its lineage finding that a lower layer is gone (the
 * listing's `origin-missing` problem, whose sentence names the lower).
 */
export function containerRefusal(action: StateAction, c: { name: string; state: ContainerState; problems?: readonly ConfigProblem[] }): ActionRefusal | null {
  const byState = actionRefusal(action, c.name, c.state)
  if (byState || !needsLowers(action)) return byState
  const gone = c.problems?.find((p) => p.finding === 'origin-missing' && p.said)
  return gone?.said ? refusal('lower-gone', gone.said) : null
}
