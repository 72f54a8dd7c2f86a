// `strata lineage`: the clone and snapshot graph, as a tree, JSON or Graphviz dot.
import { usageError } from '@shared/errors'
import type { LineageEdge, LineageGraph, LineageNode } from '@shared/model'
import { defaultLxcpaths } from '../engine/global-config'
import { baseDrifts } from '../engine/lineage/drift'
import { buildLineage, withoutHidden } from '../engine/lineage/graph'
import { scanLxcpaths } from '../engine/lxcpath'
import { ALL_OPTION, LXCPATH_OPTION, parseOptions, printJson, type Command } from './command'
import { writeStdout } from './output'

const usage = `Usage: strata lineage [-P LXCPATH]... [-a] [--json | --dot]

Shows every container and snapshot as a tree under what it comes from. Edges:
  lower      its rootfs reads the parent's rootfs as an overlay/aufs lower layer
  clone      recorded as cloned from the parent (lxc_rdepends), a copy of its upper layer
  snapshot   an lxc-snapshot of the parent
  copy       a btrfs snapshot of the parent's subvolume, which no longer needs it
Hidden containers (names starting with ".") and their snapshots are left out; -a, --all shows them.
--json prints {nodes, edges, findings}; --dot prints a Graphviz digraph.`

const EDGE_WORD: Record<LineageEdge['kind'], string> = {
  'depends-on-lower': 'lower',
  'cloned-from': 'clone',
  'snapshot-of': 'snapshot',
  'copied-from': 'copy'
}

function label(node: LineageNode, graph: LineageGraph): string {
  if (node.kind === 'missing') return `${node.id}  (missing)`
  const problems = graph.findings.filter((f) => f.severity === 'error' && `${f.subject.lxcpath}/${f.subject.name}` === node.id)
  const mark = problems.length ? `  !! ${problems[0]?.code}` : ''
  return `${node.id}  ${node.backend ?? '?'}  ${node.kind === 'snapshot' ? 'snapshot' : node.state}${mark}`
}

/**
 * A tree with each node under its nearest parent: the last edge recorded for it, which is the
 * direct origin for a clone of a clone. Other edges are listed after the node ("also: ...").
 */
export function renderTree(graph: LineageGraph): string {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]))
  const out = new Map<string, LineageEdge[]>()
  for (const e of graph.edges) out.set(e.from, [...(out.get(e.from) ?? []), e])
  const children = new Map<string, LineageEdge[]>()
  for (const [, edges] of out) {
    const parent = edges[edges.length - 1]!
    children.set(parent.to, [...(children.get(parent.to) ?? []), parent])
  }
  const lines: string[] = []
  const visit = (id: string, prefix: string, connector: string, via: LineageEdge | null): void => {
    const node = byId.get(id)
    if (!node) return
    const others = (out.get(id) ?? []).filter((e) => e !== via)
    const extra = others.length ? `  (also ${others.map((e) => `${EDGE_WORD[e.kind]} of ${e.to}`).join(', ')})` : ''
    lines.push(`${prefix}${connector}${via ? `[${EDGE_WORD[via.kind]}] ` : ''}${label(node, graph)}${extra}`)
    const kids = (children.get(id) ?? []).sort((a, b) => (a.from < b.from ? -1 : 1))
    const childPrefix = prefix + (connector === '' ? '' : connector === '└── ' ? '    ' : '│   ')
    kids.forEach((e, i) => visit(e.from, childPrefix, i === kids.length - 1 ? '└── ' : '├── ', e))
  }
  const roots = graph.nodes.filter((n) => !out.has(n.id)).sort((a, b) => (a.id < b.id ? -1 : 1))
  for (const r of roots) visit(r.id, '', '', null)
  return lines.join('\n')
}

function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`
}

export function renderDot(graph: LineageGraph): string {
  const style: Record<LineageEdge['kind'], string> = {
    'depends-on-lower': 'solid',
    'cloned-from': 'dashed',
    'snapshot-of': 'dotted',
    'copied-from': 'dashed'
  }
  const broken = new Set(graph.findings.filter((f) => f.severity === 'error').map((f) => `${f.subject.lxcpath}/${f.subject.name}`))
  const lines = ['digraph lineage {', '  rankdir=BT;', '  node [shape=box, fontname="sans-serif"];']
  for (const n of graph.nodes) {
    const attrs = [`label=${dotString(`${n.ref.name}\n${n.backend ?? n.kind}`)}`, `tooltip=${dotString(n.id)}`]
    if (n.kind === 'snapshot') attrs.push('shape=note')
    if (n.kind === 'missing') attrs.push('style=dashed')
    if (n.kind === 'missing' || broken.has(n.id)) attrs.push('color=red')
    lines.push(`  ${dotString(n.id)} [${attrs.join(', ')}];`)
  }
  for (const e of graph.edges) {
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [label=${dotString(EDGE_WORD[e.kind])}, style=${style[e.kind]}];`)
  }
  lines.push('}')
  return lines.join('\n')
}

function options(args: string[]) {
  const opts = parseOptions(args, { ...LXCPATH_OPTION, ...ALL_OPTION, json: { type: 'boolean' }, dot: { type: 'boolean' } })
  if (opts.json && opts.dot) throw usageError('--json and --dot cannot be used together')
  return opts
}

function print(graph: LineageGraph, opts: { json?: boolean; dot?: boolean }): void {
  if (opts.json) printJson(graph)
  else if (opts.dot) writeStdout(`${renderDot(graph)}\n`)
  else if (graph.nodes.length) writeStdout(`${renderTree(graph)}\n`)
}

const command: Command = {
  usage,
  async run(args) {
    const opts = options(args)
    const scans = await scanLxcpaths(opts.lxcpath ?? defaultLxcpaths())
    const whole = buildLineage(scans, await baseDrifts(scans)).graph
    const graph = opts.all ? whole : withoutHidden(whole)
    for (const s of scans) if (s.error) process.stderr.write(`strata lineage: ${s.error.message}\n`)
    print(graph, opts)
    return scans.some((s) => s.error) ? 1 : 0
  },
  async remote(args, host) {
    const opts = options(args)
    print(await host.call('lineage', { lxcpaths: opts.lxcpath?.map((p) => host.lxcpathOf(p)) ?? host.lxcpaths, all: opts.all }), opts)
    return 0
  }
}
export default command
