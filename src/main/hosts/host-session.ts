// A CLI command on a remote host (`strata --host NAME ...`): the remote engine connected once,
// the lxcpaths its helper serves, and engine calls that Ctrl-C cancels. A connection that drops
// during a change is reported after reconnecting: the helper there finished or is undoing the
// operation on its own (an ended input aborts it, and an aborted operation rolls back), and
// what the host holds now is what the user is told.
import { ENGINE, type EngineMethod, type EngineParams, type EngineResult } from '@shared/engine-api'
import { cancelled, errorData, isStrataError, unavailable, type StrataError } from '@shared/errors'
import type { OpProgress } from '@shared/model'
import { hostEngine, type HostEngine } from './host-engine'
import { servesNothing } from './host-connection'

export interface HostSession {
  readonly name: string
  readonly engine: HostEngine
  /** the lxcpaths the host serves (its helper's LXC default or configured ones; an LXD server's projects) */
  readonly lxcpaths: string[]
  /** `-P` as given, or the first lxcpath the helper serves */
  lxcpathOf(given: string | undefined): string
  /** one engine method; SIGINT and SIGTERM cancel it there */
  call<M extends EngineMethod>(method: M, params: EngineParams<M>, onProgress?: (p: OpProgress) => void): Promise<EngineResult<M>>
}

/** The host named by --host or STRATA_HOST, connected (ssh and the helper's hello), or the error saying why not. */
export async function openHostSession(name: string, onLog?: (line: string) => void): Promise<HostSession & { close(): Promise<void> }> {
  const engine = hostEngine(name, { onLog })
  const hello = await engine.connect()
  const lxcpaths = hello.lxcpaths
  if (lxcpaths.length === 0) {
    await engine.close()
    throw servesNothing(name, hello)
  }
  for (const r of hello.refused) process.stderr.write(`strata: ${name} does not serve ${r.path}: ${r.reason}\n`)
  return {
    name,
    engine,
    lxcpaths,
    lxcpathOf: (given) => (given === undefined ? lxcpaths[0]! : given.length > 1 ? given.replace(/\/+$/, '') : given),
    call: (method, params, onProgress) => callOn(engine, method, params, onProgress),
    close: () => engine.close()
  }
}

async function callOn<M extends EngineMethod>(
  engine: HostEngine,
  method: M,
  params: EngineParams<M>,
  onProgress?: (p: OpProgress) => void
): Promise<EngineResult<M>> {
  const ac = new AbortController()
  const onSignal = (): void => ac.abort()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    return await engine.call(method, params, { signal: ac.signal, onProgress })
  } catch (err) {
    if (ac.signal.aborted && !(isStrataError(err) && err.code === 'cancelled')) throw cancelled('cancelled; nothing was changed.', { cause: err })
    if (isStrataError(err) && err.rule === 'helper-gone' && ENGINE[method].changes) throw await afterDrop(engine, method, params, err)
    throw err
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

/** The container a change is about, where it is (or will be) after the change. */
function subjectOf(method: EngineMethod, params: Record<string, unknown>): { lxcpath: string; name: string } | null {
  const origin = params.origin as { lxcpath: string } | undefined
  const lxcpath = (params.lxcpath as string | undefined) ?? origin?.lxcpath
  const name = (method === 'restoreSnapshot' ? (params.newName ?? params.name) : params.name) as string | undefined
  return lxcpath && name ? { lxcpath, name } : null
}

/** Reconnects after a dropped connection and says what the host holds now. */
async function afterDrop<M extends EngineMethod>(engine: HostEngine, method: M, params: EngineParams<M>, dropped: StrataError): Promise<StrataError> {
  const host = engine.host.name
  const subject = subjectOf(method, params as Record<string, unknown>)
  const head = `The connection to ${host} dropped during ${method}${subject ? ` of ${subject.name}` : ''}, or the helper there stopped. The helper finishes or undoes the operation on its own; it is never left half-done.`
  try {
    await engine.connect()
    let now = ''
    if (subject) {
      const list = await engine.call('listContainers', { lxcpaths: [subject.lxcpath], all: true })
      const there = list.some((c) => c.name === subject.name && c.lxcpath === subject.lxcpath)
      now = ` After reconnecting, ${subject.name} ${there ? 'is' : 'is not'} in ${subject.lxcpath} on ${host}.`
    }
    return unavailable('connection-dropped', `${head}${now} \`strata check --host ${host}\` shows anything still pending.`, { subject: host, cause: dropped })
  } catch (err) {
    return unavailable('connection-dropped', `${head} Reconnecting failed: ${errorData(err).message} Run \`strata check --host ${host}\` once it can be reached.`, {
      subject: host,
      cause: err
    })
  }
}
