// `strata create`: lxc-create's template run, built under a hidden name and registered last.
import { usageError } from '@shared/errors'
import { createBackendNamed } from '../engine/drivers/compat'
import { createContainer } from '../engine/ops/create'
import { containerNameArg, parseCommandLine, usageRule, type Command } from './command'
import { engineCall, lxcpathOf, progressPrinter, recover } from './progress'
import { writeStdout } from './output'

const usage = `Usage: strata create -n NAME -t TEMPLATE [-B dir|none|overlay|btrfs|zfs|loop|best] [-P LXCPATH] [-f CONFIG] [--zfsroot DATASET] [-- TEMPLATE_ARGS...]

Creates a container with one of LXC's templates (/usr/share/lxc/templates; busybox works
offline), as lxc-create does. -f starts from CONFIG instead of LXC's default config.
--zfsroot names the dataset a zfs container's dataset goes under (default: lxc.bdev.zfs.root,
else lxc).`

function parse(args: string[]) {
  const { values, positionals } = parseCommandLine(args, {
    name: { type: 'string', short: 'n' },
    template: { type: 'string', short: 't' },
    backend: { type: 'string', short: 'B' },
    lxcpath: { type: 'string', short: 'P' },
    config: { type: 'string', short: 'f' },
    zfsroot: { type: 'string' }
  })
  if (!values.name || !values.template) throw usageError('-n NAME and -t TEMPLATE are required.')
  containerNameArg(values.name)
  const backend = values.backend === undefined ? undefined : usageRule(() => createBackendNamed(values.backend!))
  return { values: { ...values, name: values.name, template: values.template }, positionals, backend }
}

const command: Command = {
  usage,
  /** On a remote host: its helper runs the template there (the engine table's create: no -f or --zfsroot). */
  async remote(args, host) {
    const { values, positionals, backend } = parse(args)
    if (values.config || values.zfsroot) throw usageError('-f CONFIG and --zfsroot are read on this computer; on a remote host create starts from its LXC default config.')
    const progress = progressPrinter()
    const ref = await host
      .call('create', { lxcpath: host.lxcpathOf(values.lxcpath), name: values.name, template: values.template, backend, templateArgs: positionals }, progress.onProgress)
      .finally(progress.done)
    writeStdout(`Created ${ref.name} in ${ref.lxcpath} on ${host.name}\n`)
    return 0
  },
  async run(args) {
    const { values, positionals, backend } = parse(args)
    const lxcpath = lxcpathOf(values.lxcpath)
    await recover([lxcpath])
    const progress = progressPrinter()
    const ref = await engineCall((signal) =>
      createContainer(
        { lxcpath, name: values.name!, template: values.template!, backend, templateArgs: positionals, configFile: values.config, zfsRoot: values.zfsroot },
        { signal, onProgress: progress.onProgress, progressTotals: progress.progressTotals }
      )
    ).finally(progress.done)
    writeStdout(`Created ${ref.name} in ${ref.lxcpath}\n`)
    return 0
  }
}
export default command
