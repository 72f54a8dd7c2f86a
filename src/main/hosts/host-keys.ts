// An SSH host's keys against the user's known_hosts, as `strata hosts trust` and the app's "Add
// host" dialog both judge them: what the host offers now (with fingerprints), and whether
// known_hosts already holds exactly those, nothing for the host, or other keys (a changed key).
import { refused } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'
import type { SshTarget } from './hosts-file'
import { knownKeys, scanHostKeys, userKnownHostsFile, type HostKey } from './ssh'

export interface HostKeyState {
  keys: HostKey[]
  /** the known_hosts file ssh reads and Strata writes for this destination */
  file: string
  known: 'trusted' | 'new' | 'changed'
}

/** The keys `target` offers and where known_hosts stands; `label` names the host in the error when it offers none. */
export async function checkHostKeys(target: SshTarget, label: string): Promise<HostKeyState> {
  const keys = await scanHostKeys(target)
  if (keys.length === 0) throw refused('host-key-unreadable', say('host-no-key', { host: label }), label)
  const file = await userKnownHostsFile(target)
  const held = await knownKeys(keys[0]!.line.split(' ')[0]!, file)
  const blob = (line: string): string => line.split(' ').slice(1, 3).join(' ')
  const known = keys.every((k) => held.some((l) => blob(l) === blob(k.line))) ? 'trusted' : held.length ? 'changed' : 'new'
  return { keys, file, known }
}

/** What to do about a changed key: said the same way wherever it is found. */
export function changedKeyAdvice(label: string, state: HostKeyState): Said {
  const name = state.keys[0]?.line.split(' ')[0] ?? label
  return say('host-key-changed', { destination: label, file: state.file, offered: state.keys.map((k) => k.fingerprint).join(', '), name })
}
