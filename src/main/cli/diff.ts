// `strata diff`: an overlay clone's changes against its lower.
import type { LayerDiff } from '@shared/model'
import { layerDiff } from '../engine/layer-diff'
import { defaultLxcpaths } from '../engine/global-config'
import { containerNameArg, CONTAINER_OPTIONS, parseOptions, printJson, type Command } from './command'
import { formatBytes } from './units'
import { writeStdout } from './output'

const usage = `Usage: strata diff -n NAME [-P LXCPATH] [--json]

Lists what an overlay clone (or an LXC 2.x aufs clone, its .wh. markers read as whiteouts and
opaque dirs) changed against its lower, one line each:
  A  added       M  modified (copied up; hides the lower's version)
  D  deleted     O  opaque directory (replaced: hides the lower's whole directory)
with the bytes it holds and the lower bytes it shadows, then totals. Control characters and
bytes that are not UTF-8 in names are shown escaped (\\n, \\xNN).`

const LETTER = { added: 'A', modified: 'M', deleted: 'D', opaque: 'O' } as const

function shown(path: string): string {
  // eslint-disable-next-line no-control-regex
  return path.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
}

const DIFF_OPTIONS = { ...CONTAINER_OPTIONS, json: { type: 'boolean' } } as const

function print(diff: LayerDiff, json: boolean | undefined): number {
  if (json) {
    printJson(diff)
    return 0
  }
  for (const e of diff.entries) {
    const size = e.kind === 'deleted' ? '' : formatBytes(e.bytes)
    const hides = e.shadowedBytes ? ` (hides ${formatBytes(e.shadowedBytes)})` : ''
    writeStdout(`${LETTER[e.kind]} ${shown(e.path)}${e.isDir ? '/' : ''}${size ? `  ${size}` : ''}${hides}\n`)
  }
  const t = diff.totals
  writeStdout(
    `${t.added.count} added (${formatBytes(t.added.bytes)}), ${t.modified.count} modified (${formatBytes(t.modified.bytes)}), ${t.deleted.count} deleted, ${t.opaque.count} opaque; ${formatBytes(diff.shadowedBytes)} of the lower shadowed\n`
  )
  return 0
}

const command: Command = {
  usage,
  async run(args) {
    const opts = parseOptions(args, DIFF_OPTIONS)
    return print(await layerDiff({ lxcpath: opts.lxcpath ?? defaultLxcpaths()[0]!, name: containerNameArg(opts.name) }), opts.json)
  },
  async remote(args, host) {
    const opts = parseOptions(args, DIFF_OPTIONS)
    return print(await host.call('layerDiff', { lxcpath: host.lxcpathOf(opts.lxcpath), name: containerNameArg(opts.name) }), opts.json)
  }
}
export default command
