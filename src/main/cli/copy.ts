// `strata copy [HOST:]NAME [HOST:][NEWNAME]`: a copy clone from one host to another, as
// `lxc copy remote:c1 remote2:c2` says it. Each side is this computer or a host from
// `strata hosts`; this process relays the transfer (hosts/transfer-relay.ts). On one host it is
// that host's copy clone.
import { usageError, refused, type StrataError } from '@shared/errors'
import type { Backend, OpProgress } from '@shared/model'
import { cloneBackendNamed } from '../engine/drivers/compat'
import { localEngine, helperEngine, type EngineClient } from '../engine-client'
import { HelperClient } from '../helper/client'
import { hostEngine, type HostEngine } from '../hosts/host-engine'
import { findHost } from '../hosts/hosts-file'
import { checkTargetName, copyBetweenHosts, refuseLxdOnlyChoices } from '../hosts/host-copy'
import { containerNameArg, parseCommandLine, usageRule, type Command } from './command'
import { writeStdout } from './output'
import { lxcpathOf, progressPrinter } from './progress'
import { needsRootHelper } from './root-helper'

const usage = `Usage: strata copy [HOST:]NAME [HOST:][NEWNAME] [-p FROM_LXCPATH] [-P TO_LXCPATH] [-B BACKEND]

Copy a stopped container to another host (a copy clone across hosts), as \`lxc copy\` does.
HOST is a host from \`strata hosts\`; without one, the side is this computer. NEWNAME defaults
to NAME. The rootfs travels through this computer (the hosts need not reach each other) with
every attribute: owners and groups (as numbers), modes, ACLs, xattrs, hard links, device nodes,
sparse files. The config is rewritten as a local copy clone rewrites it (new name, hostname,
MAC addresses, rootfs path); the copy has no relation to its source.
  -p, --from-lxcpath P  the source's lxcpath (default: the first its host serves)
  -P, --to-lxcpath P    the target's lxcpath (default: the first its host serves)
  -B BACKEND            the copy's storage on the target: dir (default), btrfs or zfs;
                        on an LXD host, its first pool of that driver
      --pool POOL       on an LXD host, the storage pool the copy goes into (any driver;
                        with -B, one of that driver)
      --member MEMBER   on an LXD cluster, the member to place the copy on
      --allow-lossy     make the copy even where the target's storage keeps no
                        extended attributes (zfs-fuse) and the source has some
                        (ACLs, file capabilities); without it, such a copy is
                        refused before anything is made (clone-loses-xattrs)
An LXD host can be either end: into LXD through a temporary image, out of it through a backup.
A running source is refused (stop it first); a target name that exists is refused before
anything moves. Ctrl-C, an error on either side or a dropped connection leaves both hosts as
they were.`

const OPTIONS = {
  'from-lxcpath': { type: 'string', short: 'p' },
  'to-lxcpath': { type: 'string', short: 'P' },
  backend: { type: 'string', short: 'B' },
  pool: { type: 'string' },
  member: { type: 'string' },
  'allow-lossy': { type: 'boolean' }
} as const

/** Host names never hold ":" (hosts-file.ts), so `HOST:NAME` splits at the first one. */
const HOST_PREFIX = /^([A-Za-z0-9][A-Za-z0-9._-]{0,63}):(.*)$/

function side(arg: string): { host: string | null; name: string } {
  const m = HOST_PREFIX.exec(arg)
  return m ? { host: m[1]!, name: m[2]! } : { host: null, name: arg }
}

interface OpenSide {
  engine: EngineClient
  where: string
  lxcpath: string
  close(): Promise<void>
}

/** One side's engine and lxcpath: the host's helper over ssh, or this computer's engine (its root helper where only root may write). */
async function open(host: string | null, given: string | undefined): Promise<OpenSide> {
  if (host === null) {
    const lxcpath = lxcpathOf(given)
    if (needsRootHelper([lxcpath], 'write')) {
      const client = new HelperClient({ lxcpaths: [lxcpath] })
      return { engine: helperEngine(client), where: 'this computer', lxcpath, close: () => client.close() }
    }
    return { engine: localEngine([lxcpath]), where: 'this computer', lxcpath, close: async () => undefined }
  }
  const engine: HostEngine = hostEngine(host, process.env.STRATA_HOST_LOG ? { onLog: (line) => process.stderr.write(`${host}: ${line}\n`) } : {})
  const hello = await engine.connect()
  if (hello.lxcpaths.length === 0) {
    await engine.close()
    throw refused('helper-lxcpaths', `The Strata helper on ${host} serves no lxcpath; an administrator there lists lxcpaths in /etc/strata/lxcpaths.`, host)
  }
  const lxcpath = given === undefined ? hello.lxcpaths[0]! : given.length > 1 ? given.replace(/\/+$/, '') : given
  return { engine, where: host, lxcpath, close: () => engine.close() }
}

const command: Command = {
  usage,
  async run(args) {
    const { values: o, positionals } = parseCommandLine(args, OPTIONS)
    if (positionals.length < 1 || positionals.length > 2) throw usageError('strata copy takes [HOST:]NAME and optionally [HOST:][NEWNAME].')
    const from = side(positionals[0]!)
    const to = positionals[1] === undefined ? { host: null, name: '' } : side(positionals[1])
    containerNameArg(from.name, 'NAME')
    const newName = to.name === '' ? from.name : to.name
    containerNameArg(newName, 'NEWNAME')
    const backend: Backend | undefined = o.backend === undefined ? undefined : usageRule(() => cloneBackendNamed(o.backend!))
    if (from.host === to.host && positionals[1] === undefined) throw usageError('Name the target: `strata copy NAME HOST:` copies NAME to HOST; on one host, name the copy.')
    if (from.host === to.host && o.pool !== undefined) throw usageError('--pool names a storage pool of an LXD host a copy goes to from another host; on one host, a copy stays in its own.')
    if (from.host === to.host && o.member !== undefined) throw usageError('--member places a copy from another host on a member of an LXD cluster; within one cluster, use strata clone --member.')
    // an LXC target (this computer, an SSH host) has no pools or members: said before any connection
    refuseLxdOnlyChoices(to.host === null ? null : findHost(to.host), to.host ?? 'this computer', { pool: o.pool, member: o.member })

    const ac = new AbortController()
    const onSignal = (): void => ac.abort()
    // on, not once: execa's exit handler re-raises a signal nobody else listens to any more
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    const opened: OpenSide[] = []
    const progress = progressPrinter()
    const onProgress = (p: OpProgress): void => progress.onProgress(p)
    try {
      // both hosts connect at once: two ssh handshakes and helper starts in the time of one
      const [sourceOpen, targetOpen] = await Promise.allSettled([
        open(from.host, o['from-lxcpath']),
        from.host === to.host ? Promise.resolve(null) : open(to.host, o['to-lxcpath'])
      ])
      for (const r of [sourceOpen, targetOpen]) if (r.status === 'fulfilled' && r.value) opened.push(r.value)
      if (sourceOpen.status === 'rejected') throw sourceOpen.reason
      if (targetOpen.status === 'rejected') throw targetOpen.reason
      const source = sourceOpen.value
      const target = targetOpen.value ?? source
      const toLxcpath = from.host === to.host ? (o['to-lxcpath'] === undefined ? source.lxcpath : lxcpathOf(o['to-lxcpath'])) : target.lxcpath
      const origin = { lxcpath: source.lxcpath, name: from.name }
      let dropped: string | null = null
      if (target === source) {
        // One host: its own copy clone; a name already taken is refused before anything moves.
        await checkTargetName({ engine: target.engine, where: target.where, lxcpath: toLxcpath, name: newName })
        await source.engine
          .call('clone', { origin, name: newName, lxcpath: toLxcpath, snapshot: false, ...(backend ? { backend } : {}), ...(o['allow-lossy'] ? { allowLossy: true } : {}) }, { signal: ac.signal, onProgress })
          .finally(progress.done)
      } else {
        // The name, and what the copy would lose, are checked before anything moves.
        ;({ dropped } = await copyBetweenHosts(
          { engine: source.engine, where: source.where, ref: origin },
          {
            engine: target.engine,
            where: target.where,
            lxcpath: toLxcpath,
            name: newName,
            backend,
            ...(o.pool === undefined ? {} : { pool: o.pool }),
            ...(o.member === undefined ? {} : { member: o.member }),
            ...(o['allow-lossy'] ? { allowLossy: true } : {})
          },
          { signal: ac.signal, onProgress }
        ).finally(progress.done))
      }
      writeStdout(`Copied ${from.name} from ${source.where} (${source.lxcpath}) to ${newName} on ${target.where} (${toLxcpath}).\n`)
      if (dropped) writeStdout(`${dropped}\n`)
      return 0
    } catch (err) {
      if (ac.signal.aborted) throw withCancelWords(err)
      throw err
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      for (const side of opened.reverse()) await side.close().catch(() => undefined)
    }
  }
}

/** A cancel said once, as the user caused it. */
function withCancelWords(err: unknown): unknown {
  const e = err as StrataError
  if (e?.code === 'cancelled') e.message = 'The copy was cancelled; nothing was changed on either host.'
  return err
}

export default command
