// TEMPORARY (UI stand-in until the ops engineer's create.ts lands; replace this whole file).
// Runs LXC's own lxc-create with LXC's default config.
import type { Backend, ContainerRef } from '@shared/model'
import { run } from '../tools'
import type { OpContext } from './context'

export async function createContainer(
  opts: { lxcpath: string; name: string; template: string; backend?: Backend | 'best'; templateArgs?: string[] },
  ctx: OpContext = {}
): Promise<ContainerRef> {
  const args = ['-P', opts.lxcpath, '-n', opts.name, '-t', opts.template, ...(opts.backend ? ['-B', opts.backend] : [])]
  if (opts.templateArgs?.length) args.push('--', ...opts.templateArgs)
  ctx.onProgress?.({ phase: 'template', message: `lxc-create ${args.join(' ')}` })
  await run('lxc-create', args, { signal: ctx.signal })
  return { lxcpath: opts.lxcpath, name: opts.name }
}
