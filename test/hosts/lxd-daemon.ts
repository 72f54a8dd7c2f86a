// A real LXD 5.0 daemon (Debian's lxd package) for tests, started by hand as its docs allow
// (`lxd --group root` with its own LXD_DIR), inside a network namespace of its own joined to
// this one by a veth pair (10.231.0.225 here, 10.231.0.226 there): its HTTPS API listens on
// that address, and it has no route to anywhere else (LXD looks up its image servers at start;
// in the namespace that fails at once and sends nothing). A dir pool, a busybox image made with
// lxc-create -t busybox, and one instance. cleanup() stops the daemon and every container it
// started, removes the namespace, the veth pair and the directory, also after a failure.
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa, type ResultPromise } from 'execa'

export const LXD_TRUST_PASSWORD = 'strata-test-trust'

export interface LxdFixture {
  dir: string
  lxdDir: string
  socket: string
  /** where the HTTPS API listens */
  address: string
  netns: string
  /** the lxc client against this daemon; throws with its stderr on failure */
  lxc(args: string[]): Promise<string>
  /** stops the daemon (and its containers), keeping everything else for a restart */
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

export async function startLxdFixture(): Promise<LxdFixture> {
  const dir = mkdtempSync('/tmp/strata-lxd-')
  // LXD's containers run as mapped ids (100000...): they must be able to walk down to their rootfs
  chmodSync(dir, 0o755)
  const lxdDir = join(dir, 'lxd')
  const tag = String(process.pid % 100000)
  const netns = `strata-lxd-${tag}`
  const outside = `stl${tag}`
  const inside = `${outside}n`
  const address = '10.231.0.226'
  const env = { LXD_DIR: lxdDir }
  let daemon: ResultPromise | null = null
  let madeNetns = false

  const fixture: LxdFixture = {
    dir,
    lxdDir,
    socket: join(lxdDir, 'unix.socket'),
    address,
    netns,
    lxc: (args) => sh('lxc', args, env),
    async start() {
      daemon = execa('ip', ['netns', 'exec', netns, 'lxd', '--group', 'root', '--logfile', join(dir, 'lxd.log')], { reject: false, buffer: false, stdin: 'ignore', env })
      await sh('lxd', ['waitready', '--timeout', '60'], env)
    },
    async stop() {
      if (!daemon) return
      await execa('lxd', ['shutdown', '--timeout', '30'], { reject: false, env })
      daemon.kill('SIGKILL')
      await daemon
      daemon = null
      // its containers' monitors, if shutdown left any
      const pids = (await execa('ip', ['netns', 'pids', netns], { reject: false })).stdout.split('\n').filter(Boolean)
      for (const pid of pids) await execa('kill', ['-9', pid], { reject: false })
    },
    async cleanup() {
      await fixture.stop().catch(() => undefined)
      if (madeNetns) await execa('ip', ['netns', 'del', netns], { reject: false })
      await execa('ip', ['link', 'del', outside], { reject: false })
      // LXD's mounts live in the namespace `ip netns exec` made for it, gone with its last process
      rmSync(dir, { recursive: true, force: true })
    }
  }

  try {
    await sh('ip', ['netns', 'add', netns])
    madeNetns = true
    await sh('ip', ['link', 'add', outside, 'type', 'veth', 'peer', 'name', inside])
    await sh('ip', ['link', 'set', inside, 'netns', netns])
    await sh('ip', ['addr', 'add', '10.231.0.225/30', 'dev', outside])
    await sh('ip', ['link', 'set', outside, 'up'])
    await sh('ip', ['-n', netns, 'addr', 'add', `${address}/30`, 'dev', inside])
    await sh('ip', ['-n', netns, 'link', 'set', inside, 'up'])
    await sh('ip', ['-n', netns, 'link', 'set', 'lo', 'up'])
    await fixture.start()
    const preseed = join(dir, 'preseed.yaml')
    writeFileSync(
      preseed,
      [
        'config:',
        `  core.https_address: ${address}:8443`,
        `  core.trust_password: ${LXD_TRUST_PASSWORD}`,
        'storage_pools:',
        '- name: default',
        '  driver: dir',
        'profiles:',
        '- name: default',
        '  devices:',
        '    root:',
        '      path: /',
        '      pool: default',
        '      type: disk',
        ''
      ].join('\n')
    )
    await execa('lxd', ['init', '--preseed'], { env, inputFile: preseed })
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
