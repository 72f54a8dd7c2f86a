// The command that carries out each fix the engine offers by id (FixId): what the CLI appends
// to a problem it prints, where the app shows the fix's button instead.
import type { FixId } from '@shared/model'

export const FIX_COMMAND: Record<FixId, string> = {
  'config-modern': 'strata config --modern'
}

/** ` Fix: \`strata config --modern\`.` after a problem that has a fix; empty without one. */
export const fixAdvice = (fixId: FixId | undefined): string => (fixId ? ` Fix: \`${FIX_COMMAND[fixId]}\`.` : '')
