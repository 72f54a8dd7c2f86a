// The CLI's exit status for each error code (src/shared/errors.ts): `strata --help` prints this
// table and README's CLI section lists it.
import type { ErrorCode } from '@shared/errors'

export const EXIT_STATUS: Readonly<Record<ErrorCode, number>> = {
  refused: 1,
  failed: 1,
  usage: 2,
  'not-found': 3,
  permission: 4,
  unavailable: 5,
  internal: 70,
  cancelled: 130
}

export const EXIT_HELP = `Exit status:
  0    done
  1    refused by a rule (the message names it), or a tool or the system failed; nothing was changed
  2    usage: an unknown option, a missing or malformed argument
  3    not found: no such container, snapshot, template or lxcpath
  4    permission: this needs root, or this user may not read or write there
  5    unavailable: something it needs is not installed or not running here
  70   internal error: a bug in Strata (please report the message)
  130  interrupted (Ctrl-C, SIGTERM); what was begun was undone`
