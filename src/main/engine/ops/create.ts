// Create: storage from the driver, then LXC's template script (/usr/share/lxc/templates/lxc-T)
// fills it, as lxc-create does; all of it under a hidden staging name, registered last.
// The config starts as lxc-create writes it: a header naming the template, the default
// config (lxc.default_config, or configFile as `lxc-create -f`), then lxc.rootfs.path.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import type { Backend, ContainerRef, RootfsSpec } from '@shared/model'
import { createCandidates } from '../drivers/compat'
import { driverFor } from '../drivers/index'
import { mountFailure, runWithRootfs, type RootfsAccess } from '../fs/rootfs-mount'
import { newContainerNameSaid } from '@shared/names'
import { templateArgProblem } from '@shared/template-args'
import { canonicalRootfsSpec } from '../rootfs'
import { assertFree, buildAndRegister } from './build'
import { claimer, discardClaims } from '../drivers/claims'
import { readGlobalConfig } from '../global-config'
import { settleForUser, usernsOwner } from '../identity'
import { note, type OpContext } from '../context'
import { errorSaid, notFound, refused } from '@shared/errors'
import { say } from '@shared/engine-text'

export const TEMPLATE_DIR = '/usr/share/lxc/templates'
/** The rest of lxc-create's header (lxccontainer.c prepend_lxc_header), byte for byte. */
const HEADER_TAIL =
  '# For additional config options, please look at lxc.container.conf(5)\n\n' +
  '# Uncomment the following line to support nesting containers:\n#lxc.include = /usr/share/lxc/config/nesting.conf\n# (Be aware this has security implications)\n\n'

export interface CreateOptions {
  lxcpath: string
  name: string
  /** a template name (busybox, download, ...), an absolute script path, or `none` */
  template: string
  backend?: Backend | 'best'
  templateArgs?: string[]
  /** the config to start from, as `lxc-create -f`; default LXC's default config */
  configFile?: string
  /** where a zfs container's dataset goes (lxc-create --zfsroot); default lxc.bdev.zfs.root */
  zfsRoot?: string
}

export function templatePath(template: string): string {
  return isAbsolute(template) ? template : join(TEMPLATE_DIR, `lxc-${template}`)
}

export async function createContainer(opts: CreateOptions, ctx: OpContext = {}): Promise<ContainerRef> {
  const lxcpath = opts.lxcpath.replace(/(.)\/+$/, '$1')
  if (!lxcpath.startsWith('/')) throw refused('relative-lxcpath', say('relative-lxcpath', { lxcpath }), lxcpath)
  const candidates = createCandidates(lxcpath, opts.backend)
  const problem = newContainerNameSaid(opts.name)
  if (problem) throw refused('bad-name', problem)
  const args = opts.templateArgs ?? []
  for (const arg of args) {
    const why = templateArgProblem(arg)
    if (why) throw refused('template-arg', why)
  }
  const target = { lxcpath, name: opts.name }
  const finalDir = join(lxcpath, opts.name)
  assertFree(target, finalDir)
  const none = opts.template === 'none'
  const script = templatePath(opts.template)
  if (!none && !existsSync(script)) throw notFound(say('no-template', { template: opts.template, script }), script, 'no-template')
  const baseConfig = opts.configFile ?? readGlobalConfig().defaultConfig
  if (opts.configFile && !existsSync(opts.configFile)) throw notFound(say('no-config-file', { file: opts.configFile }), opts.configFile, 'no-config')
  await buildAndRegister(
    { what: 'create', workDir: lxcpath, target, finalDir, origins: [] },
    async (staging) => {
      let text = none ? '' : `# Template used to create this container: ${script}\n# Parameters passed to the template:${args.map((a) => ` ${a}`).join('')}\n${HEADER_TAIL}`
      if (existsSync(baseConfig)) text += readFileSync(baseConfig, 'utf8').replace(/([^\n])$/, '$1\n')
      if (none) {
        writeFileSync(join(staging, 'config'), text, { mode: 0o640 })
        return null
      }
      const specs = { zfsRoot: opts.zfsRoot ?? readGlobalConfig().zfsRoot }
      // -B best: the first backend whose storage can be made wins, as in LXC
      let made: { backend: Backend; spec: RootfsSpec; fill: RootfsAccess } | null = null
      for (const [i, backend] of candidates.entries()) {
        try {
          made = { backend, ...(await driverFor(backend).create({ buildDir: staging, finalDir, specs, claim: claimer(staging, backend) }, ctx)) }
          break
        } catch (err) {
          if (i === candidates.length - 1 || ctx.signal?.aborted) throw err
          await discardClaims(staging)
          note(ctx, 'create', say('progress-best-fallback', { backend, why: errorSaid(err), next: candidates[i + 1]! }))
        }
      }
      const { backend, spec, fill } = made!
      const driver = driverFor(backend)
      text += `lxc.rootfs.path = ${canonicalRootfsSpec(spec)}\n`
      writeFileSync(join(staging, 'config'), text, { mode: 0o640 })
      note(ctx, 'template', say('progress-template', { script }))
      // The template fills what the driver says (for overlay: the lower, as lxc-create does; for
      // loop: the image, mounted at rootfs for the template only). Strata's options come last, so
      // they win over anything templateArgProblem missed, and the template runs in the staging
      // dir, so a relative path it is given stays inside it.
      // in the user's namespace, as LXC: the container's files are the user's until the template hands the rootfs to root (--mapped-uid/gid: the user's id there)
      settleForUser(staging)
      const owner = usernsOwner()
      const mapped = owner === null ? [] : ['--mapped-uid', String(owner), '--mapped-gid', String(owner)]
      const argv = [script, ...args, '--path', staging, '--name', opts.name, '--rootfs', join(staging, 'rootfs'), ...mapped]
      const env = { ...process.env, LXC_NAME: opts.name, LXC_PATH: lxcpath, LXC_ROOTFS_PATH: join(staging, 'rootfs') } as Record<string, string>
      const options = { signal: ctx.signal, env, cwd: staging }
      try {
        await runWithRootfs(fill, join(staging, 'rootfs'), argv, options)
      } catch (err) {
        const why = await mountFailure(fill, err)
        if (why !== null) throw refused('create-mount', say('create-mount', { backend, why }))

        throw err
      } finally {
        if ('held' in fill && fill.held) await driver.release?.(fill.held)
      }
      // Whatever the template wrote about where it ran names the staging dir: point it at the final one.
      const written = readFileSync(join(staging, 'config'), 'utf8')
      writeFileSync(join(staging, 'config'), written.split(staging).join(finalDir), { mode: 0o640 })
      return spec
    },
    ctx
  )
  return target
}
