// TEMPORARY (UI stand-in until the ops engineer's clone.ts lands; replace this whole file).
// Runs LXC's own lxc-copy; cancel kills it and removes whatever it left under the new name.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Backend, ContainerRef } from '@shared/model'
import { run } from '../tools'
import type { OpContext } from './context'

export interface CloneOptions {
  origin: ContainerRef
  name: string
  lxcpath?: string
  snapshot?: boolean
  backend?: Backend
  expandConfig?: boolean
}

export async function cloneContainer(opts: CloneOptions, ctx: OpContext = {}): Promise<ContainerRef> {
  const target = opts.lxcpath ?? opts.origin.lxcpath
  if (existsSync(join(target, opts.name))) throw new Error(`${opts.name} already exists in ${target}`)
  const backend = opts.backend ?? (opts.snapshot ? 'overlay' : undefined)
  const args = ['-P', opts.origin.lxcpath, '-n', opts.origin.name, '-N', opts.name, '-p', target]
  if (opts.snapshot) args.push('-s')
  if (backend) args.push('-B', backend)
  ctx.onProgress?.({ phase: opts.snapshot ? 'snapshot' : 'copy', message: `lxc-copy ${args.join(' ')}` })
  try {
    await run('lxc-copy', args, { signal: ctx.signal })
  } catch (e) {
    if (ctx.signal?.aborted && existsSync(join(target, opts.name))) {
      await run('lxc-destroy', ['-P', target, '-n', opts.name]).catch(() => undefined)
    }
    throw e
  }
  ctx.onProgress?.({ phase: 'register' })
  return { lxcpath: target, name: opts.name }
}
