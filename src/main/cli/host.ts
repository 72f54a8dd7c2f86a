// `--host NAME`: a command run on a remote host through the Strata helper there. Bundled on its
// own (like a command), so that commands on this computer never load the SSH and helper client.
import { usageError } from '@shared/errors'
import { openHostSession } from '../hosts/host-session'
import type { Command } from './command'

/** Runs the command on the remote host, closing the connection however it ends. */
async function runOnHost(name: string, command: Command, host: string, args: string[]): Promise<number> {
  if (!command.remote) throw usageError(`strata ${name} runs only on this computer; --host works with ls, lineage, check, du, diff, config, create, clone, destroy, snapshot, start, stop, restart, freeze and unfreeze.`)
  // STRATA_HOST_LOG=1 shows what the helper there logs (request ids, methods, outcomes) on stderr
  const session = await openHostSession(host, process.env.STRATA_HOST_LOG ? (line) => process.stderr.write(`${host}: ${line}\n`) : undefined)
  try {
    return await command.remote(args, session)
  } finally {
    await session.close()
  }
}

export default { runOnHost }
