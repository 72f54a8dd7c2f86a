// The plan for destroying several containers of one lxcpath at once (the app's multi-selection):
// a member goes when everything that depends on it goes too, so an origin and its clones may go
// together, leaves first; a member something outside the set (or a member that stays) depends
// on stays, with those dependents named; a member whose state forbids a destroy (running)
// stays, with the lifecycle rule's words. Its own snapshots go with it, as a single destroy's
// do. Nothing is changed: each member is then destroyed in this order by `destroy`.
import type { ContainerRef, DestroySetPlan, DestroySetRefusal, DestroySetStep } from '@shared/model'
import { actionRefusal } from '@shared/lifecycle'
import { formFor } from '@shared/counted'
import { refKey } from '../lineage/bookkeeping'
import { legacySnapshotRoot, readSnapshots } from '../lineage/snapshots'
import { readStates } from '../state'
import type { OpContext } from '../context'
import { otherDependentsOf } from './destroy'
import { loadExisting } from './preconditions'

export async function destroySetPlan(lxcpath: string, names: readonly string[], ctx: OpContext = {}): Promise<DestroySetPlan> {
  const unique = [...new Set(names)]
  const states = await readStates(lxcpath, unique)
  const members = new Map<string, { ref: ContainerRef; deps: ContainerRef[]; snapshots: ContainerRef[] }>()
  const refusedBy = new Map<string, DestroySetRefusal>()
  for (const name of unique) {
    const ref = { lxcpath, name }
    const deps = await otherDependentsOf(loadExisting(ref), ctx)
    const snapshots = readSnapshots(ref, legacySnapshotRoot(lxcpath)).map((s) => s.record.ref)
    members.set(refKey(ref), { ref, deps, snapshots })
    const stateRefusal = actionRefusal('destroy', name, states.get(name) ?? 'unknown')
    if (stateRefusal) refusedBy.set(refKey(ref), { ref, rule: stateRefusal.rule === 'in-transition' ? 'in-transition' : 'running', dependents: [], message: stateRefusal.message })
  }
  // the member a dependent goes with: itself, or the member whose snapshot it is
  const memberOf = (d: ContainerRef): string | undefined => {
    if (members.has(refKey(d))) return refKey(d)
    const owner = /^(.*)\/([^/]+)\/snaps$/.exec(d.lxcpath)
    return owner && owner[1] === lxcpath && members.has(refKey({ lxcpath, name: owner[2]! })) ? refKey({ lxcpath, name: owner[2]! }) : undefined
  }
  const staysFor = (m: { deps: ContainerRef[] }): ContainerRef[] =>
    m.deps.filter((d) => {
      const goesWith = memberOf(d)
      return goesWith === undefined || refusedBy.has(goesWith)
    })
  // a member stays while anything it has stays: until nothing more is refused; then each names all that stays for it
  const held = new Set<string>()
  for (let changed = true; changed; ) {
    changed = false
    for (const [key, m] of members) {
      if (refusedBy.has(key) || staysFor(m).length === 0) continue
      refusedBy.set(key, { ref: m.ref, rule: 'dependents', dependents: [], message: '' })
      held.add(key)
      changed = true
    }
  }
  for (const key of held) {
    const m = members.get(key)!
    const staying = staysFor(m)
    const list = staying.map((d) => (d.lxcpath === lxcpath ? d.name : `${d.lxcpath}/${d.name}`)).join(', ')
    refusedBy.set(key, { ref: m.ref, rule: 'dependents', dependents: staying, message: `${m.ref.name} stays: ${list} ${formFor(staying.length, 'depends', 'depend')} on it and would stay.` })
  }
  const dependentOfAnother = new Set<string>()
  for (const [key, m] of members) if (!refusedBy.has(key)) for (const d of m.deps) if (memberOf(d) !== key) dependentOfAnother.add(memberOf(d)!)
  // leaves first: a member goes once every member that depends on it has gone
  const order: DestroySetStep[] = []
  const placed = new Set<string>()
  const place = (key: string): void => {
    if (placed.has(key)) return
    placed.add(key)
    const m = members.get(key)!
    for (const d of m.deps) place(memberOf(d)!)
    order.push({ ref: m.ref, snapshots: m.snapshots, dependentOfAnother: dependentOfAnother.has(key) })
  }
  for (const key of members.keys()) if (!refusedBy.has(key)) place(key)
  return { order, refused: [...refusedBy.values()] }
}
