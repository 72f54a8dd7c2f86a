// Real LXD 5.0 daemons (Debian's lxd package) for tests, started by hand as its docs allow
// (`lxd --group root` with its own LXD_DIR), each inside a network namespace of its own joined
// to this one by a veth pair (member i: 10.231.0.{225+4i} here, 10.231.0.{226+4i} there): its
// HTTPS API listens on that address, and it has no route to anywhere else (LXD looks up its
// image servers at start; in the namespace that fails at once and sends nothing). With two
// members, the namespaces are also joined to each other and the daemons form an LXD cluster.
// A dir pool and a busybox image made with lxc-create -t busybox. cleanup() stops every daemon
// and the containers it started, removes the namespaces, the veth pairs and the directory, also
// after a failure.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa, type ResultPromise } from 'execa'
import { own } from '../support/owned'

export const LXD_TRUST_PASSWORD = 'strata-test-trust'

export interface LxdMember {
  /** the cluster member's name (m1, m2, ...) */
  name: string
  lxdDir: string
  socket: string
  /** where its HTTPS API listens */
  address: string
  netns: string
}

export interface LxdFixture {
  dir: string
  members: LxdMember[]
  /** the first member's */
  lxdDir: string
  socket: string
  address: string
  /** the lxc client against the first member; throws with its stderr on failure */
  lxc(args: string[]): Promise<string>
  /** stops the first member's daemon (and its containers), keeping everything else for a restart */
  stop(): Promise<void>
  start(): Promise<void>
  cleanup(): Promise<void>
}

/** Why LXD tests cannot run here, or null. */
export function lxdSkipReason(): string | null {
  if (process.getuid?.() !== 0) return 'LXD runs as root'
  if (!existsSync('/usr/bin/lxd')) return 'LXD is not installed (Debian package lxd)'
  if (!existsSync('/usr/bin/lxc-create')) return 'LXC is not installed (the image is made with lxc-create -t busybox)'
  return null
}

async function sh(file: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await execa(file, args, { reject: false, env, stdin: 'ignore' })
  if (r.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`)
  return r.stdout
}

const POOL_AND_PROFILE = [
  'storage_pools:',
  '- name: default',
  '  driver: dir',
  'profiles:',
  '- name: default',
  '  devices:',
  '    root:',
  '      path: /',
  '      pool: default',
  '      type: disk'
]

/** members: how many daemons (2 form a cluster); debug: LXD logs at debug level (each API request it handles, seen with lxc monitor --type=logging) */
export async function startLxdFixture(opts: { members?: 1 | 2; debug?: boolean } = {}): Promise<LxdFixture> {
  const count = opts.members ?? 1
  const dir = mkdtempSync('/tmp/strata-lxd-')
  // for the next run's sweep, should this one be killed before cleanup (the daemons die with their namespaces)
  const records = [own({ kind: 'dir', path: dir })]
  // LXD's containers run as mapped ids (100000...): they must be able to walk down to their rootfs
  chmodSync(dir, 0o755)
  const tag = String(process.pid % 10000)
  const members: LxdMember[] = Array.from({ length: count }, (_, i) => ({
    name: `m${i + 1}`,
    lxdDir: join(dir, `m${i + 1}`),
    socket: join(dir, `m${i + 1}`, 'unix.socket'),
    address: `10.231.0.${226 + 4 * i}`,
    netns: `strata-lxd${i + 1}-${tag}`
  }))
  const daemons = new Map<string, ResultPromise>()
  const made: { netns: string[]; links: string[] } = { netns: [], links: [] }
  const envOf = (m: LxdMember) => ({ LXD_DIR: m.lxdDir })

  async function startMember(m: LxdMember): Promise<void> {
    mkdirSync(m.lxdDir, { recursive: true })
    daemons.set(m.name, execa('ip', ['netns', 'exec', m.netns, 'lxd', '--group', 'root', ...(opts.debug ? ['--debug'] : []), '--logfile', join(dir, `${m.name}.log`)], { reject: false, buffer: false, stdin: 'ignore', env: envOf(m) }))
    await sh('lxd', ['waitready', '--timeout', '60'], envOf(m))
  }

  async function stopMember(m: LxdMember): Promise<void> {
    const daemon = daemons.get(m.name)
    if (!daemon) return
    daemons.delete(m.name)
    await execa('lxd', ['shutdown', '--timeout', '30'], { reject: false, env: envOf(m) })
    daemon.kill('SIGKILL')
    await daemon
    // its containers' monitors, if shutdown left any
    const pids = (await execa('ip', ['netns', 'pids', m.netns], { reject: false })).stdout.split('\n').filter(Boolean)
    for (const pid of pids) await execa('kill', ['-9', pid], { reject: false })
  }

  const first = members[0]!
  const fixture: LxdFixture = {
    dir,
    members,
    lxdDir: first.lxdDir,
    socket: first.socket,
    address: first.address,
    lxc: (args) => sh('lxc', args, envOf(first)),
    start: () => startMember(first),
    stop: () => stopMember(first),
    async cleanup() {
      for (const m of [...members].reverse()) await stopMember(m).catch(() => undefined)
      for (const ns of made.netns) await execa('ip', ['netns', 'del', ns], { reject: false })
      for (const l of made.links) await execa('ip', ['link', 'del', l], { reject: false })
      // LXD's mounts live in the namespace `ip netns exec` made for it, gone with its last process
      rmSync(dir, { recursive: true, force: true })
      records.forEach((forget) => forget())
    }
  }

  try {
    for (const [i, m] of members.entries()) {
      const outside = `stl${tag}m${i + 1}`
      records.push(own({ kind: 'netns', name: m.netns }), own({ kind: 'link', name: outside }))
      await sh('ip', ['netns', 'add', m.netns])
      made.netns.push(m.netns)
      await sh('ip', ['link', 'add', outside, 'type', 'veth', 'peer', 'name', `${outside}n`])
      made.links.push(outside)
      await sh('ip', ['link', 'set', `${outside}n`, 'netns', m.netns])
      await sh('ip', ['addr', 'add', `10.231.0.${225 + 4 * i}/30`, 'dev', outside])
      await sh('ip', ['link', 'set', outside, 'up'])
      await sh('ip', ['-n', m.netns, 'addr', 'add', `${m.address}/30`, 'dev', `${outside}n`])
      await sh('ip', ['-n', m.netns, 'link', 'set', `${outside}n`, 'up'])
      await sh('ip', ['-n', m.netns, 'link', 'set', 'lo', 'up'])
    }
    if (count === 2) {
      // the members reach each other over a link of their own (10.231.0.241 and .242), not through this namespace
      const [a, b] = members as [LxdMember, LxdMember]
      await sh('ip', ['link', 'add', `stl${tag}ab`, 'netns', a.netns, 'type', 'veth', 'peer', 'name', `stl${tag}ba`, 'netns', b.netns])
      await sh('ip', ['-n', a.netns, 'addr', 'add', '10.231.0.241/30', 'dev', `stl${tag}ab`])
      await sh('ip', ['-n', b.netns, 'addr', 'add', '10.231.0.242/30', 'dev', `stl${tag}ba`])
      await sh('ip', ['-n', a.netns, 'link', 'set', `stl${tag}ab`, 'up'])
      await sh('ip', ['-n', b.netns, 'link', 'set', `stl${tag}ba`, 'up'])
      await sh('ip', ['-n', a.netns, 'route', 'add', `${b.address}/32`, 'via', '10.231.0.242'])
      await sh('ip', ['-n', b.netns, 'route', 'add', `${a.address}/32`, 'via', '10.231.0.241'])
    }
    for (const m of members) await startMember(m)
    const preseed = join(dir, 'preseed.yaml')
    writeFileSync(
      preseed,
      [
        'config:',
        `  core.https_address: ${first.address}:8443`,
        `  core.trust_password: ${LXD_TRUST_PASSWORD}`,
        ...(count > 1 ? ['cluster:', `  server_name: ${first.name}`, '  enabled: true'] : []),
        ...POOL_AND_PROFILE,
        ''
      ].join('\n')
    )
    await execa('lxd', ['init', '--preseed'], { env: envOf(first), inputFile: preseed })
    for (const m of members.slice(1)) {
      const token = (await fixture.lxc(['cluster', 'add', m.name])).trim().split('\n').pop()!.trim()
      const join_ = join(dir, `join-${m.name}.yaml`)
      writeFileSync(
        join_,
        [
          'cluster:',
          '  enabled: true',
          `  server_name: ${m.name}`,
          `  server_address: ${m.address}:8443`,
          `  cluster_address: ${first.address}:8443`,
          `  cluster_token: ${token}`,
          '  member_config:',
          '  - entity: storage-pool',
          '    name: default',
          '    key: source',
          '    value: ""',
          ''
        ].join('\n')
      )
      await execa('lxd', ['init', '--preseed'], { env: envOf(m), inputFile: join_ })
    }
    // The image: a busybox rootfs as LXC's own template makes it, with LXD's metadata.yaml.
    const lxcpath = join(dir, 'lxcpath')
    await sh('lxc-create', ['-P', lxcpath, '-n', 'bb', '-t', 'busybox'])
    writeFileSync(join(dir, 'metadata.yaml'), `architecture: x86_64\ncreation_date: ${Math.floor(Date.now() / 1000)}\nproperties:\n  os: busybox\n  description: busybox\n`)
    await sh('tar', ['-C', join(lxcpath, 'bb'), '-cf', join(dir, 'image.tar'), 'rootfs', '-C', dir, 'metadata.yaml'])
    await sh('lxc-destroy', ['-P', lxcpath, '-n', 'bb'])
    await fixture.lxc(['image', 'import', join(dir, 'image.tar'), '--alias', 'busybox'])
  } catch (err) {
    await fixture.cleanup()
    throw err
  }
  return fixture
}
