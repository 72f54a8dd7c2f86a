// A copy between hosts: `strata copy h1:c1 h2:cN` between two network-namespace hosts with their
// own sshd (test/hosts/netns-hosts.ts) against the plain pipe a user would type,
// `ssh h1 tar c ... | ssh h2 tar x ...` with the same tar options, in alternating runs of the same
// process. Figures: wall time, and the CPU time (user+sys) of everything each side of the copy ran
// (this process's children, both sshds and what they started: each host is its own cpuacct cgroup).
// Root only (namespaces, sshd). Env: BENCH_MIB (the random file in the rootfs, default 256),
// BENCH_RUNS (runs of each, default 3), BENCH_BREAKDOWN=1 (CPU per host and per process name),
// BENCH_BASELINE=DIR (another checkout, built: its CLI and helper copy in turns with this one's,
// so a change is measured against what it changed in the same run).
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { loadEngineModule, median, report } from './lib.mjs'

const MIB = Number(process.env.BENCH_MIB || 256)
const RUNS = Number(process.env.BENCH_RUNS || 3)
const BREAKDOWN = !!process.env.BENCH_BREAKDOWN
const BASELINE = process.env.BENCH_BASELINE ? resolve(process.env.BENCH_BASELINE) : null
const TAR = ['--xattrs', '--xattrs-include=*', '--acls', '--numeric-owner']

const hostsModule = await loadEngineModule('test/hosts/netns-hosts.ts', { define: { 'import.meta.dirname': JSON.stringify(resolve('test/hosts')) } })
const skip = hostsModule.hostsSkipReason() ?? (existsSync('/sys/fs/cgroup/cpuacct') ? null : 'no cpuacct cgroup to measure the hosts by')
if (skip) {
  console.log(`xhost-copy.bench: skipped: ${skip}`)
  process.exit(0)
}
if (!existsSync('out/helper/strata-helper.mjs')) {
  console.error('xhost-copy.bench: run `npm run build` first (the hosts run the built helper)')
  process.exit(2)
}
const { allowLxcpaths } = await loadEngineModule('test/helper/allow-list.ts')

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts })

/** A cpuacct cgroup per side: the processes put in it and all they start are counted there. */
const CG = '/sys/fs/cgroup/cpuacct'
const groups = []
function cgroup(name) {
  const dir = join(CG, `strata-bench-${process.pid}-${name}`)
  mkdirSync(dir)
  groups.push(dir)
  return {
    add: (pid) => writeFileSync(join(dir, 'cgroup.procs'), `${pid}\n`),
    /** user+sys ms so far */
    cpuMs: () => Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8')) / 1e6,
    /** ms by process name of those still in it */
    dir
  }
}
function dropGroups() {
  for (const dir of groups.reverse()) {
    // what is left in it goes back to the root group, then the group can go
    for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
      try {
        writeFileSync(join(CG, 'cgroup.procs'), `${pid}\n`)
      } catch {
        // exited meanwhile
      }
    }
    try {
      rmdirSync(dir)
    } catch {
      // a process still leaving
    }
  }
}

/** CPU ms of the processes in the groups by name (BENCH_BREAKDOWN), sampled every 200 ms: what runs less than that is missed. */
function sampleByName(pidsOf) {
  const seen = new Map()
  const tick = () => {
    for (const pid of pidsOf()) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        const close = stat.lastIndexOf(')')
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
        const role = argv.find((a) => a === '--channel' || a === '--stdio' || a === 'copy') ?? ''
        const name = `${stat.slice(stat.indexOf('(') + 1, close)}${role ? ` ${role}` : ''}`
        const f = stat.slice(close + 2).split(' ')
        const ms = ((Number(f[11]) + Number(f[12])) * 1000) / 100
        seen.set(`${pid} ${name}`, ms)
      } catch {
        // gone
      }
    }
  }
  const timer = setInterval(() => {
    try {
      tick()
    } catch {
      // the groups went away under a failed run
    }
  }, 200)
  return () => {
    clearInterval(timer)
    tick()
    const byName = new Map()
    for (const [key, ms] of seen) {
      const name = key.slice(key.indexOf(' ') + 1)
      byName.set(name, (byName.get(name) ?? 0) + ms)
    }
    return byName
  }
}

const fx = await hostsModule.makeHostsFixture(2)
let disallow = null
try {
  const [h1, h2] = fx.hosts
  const p1 = join(fx.dir, 'lxc-h1')
  const p2 = join(fx.dir, 'lxc-h2')
  for (const p of [p1, p2]) mkdirSync(p, { mode: 0o755 })
  disallow = await allowLxcpaths([p1, p2])
  const env = { ...process.env, ...fx.env }
  const hostsFor = (helper) => [h1, h2].map((h, i) => ({ name: h.name, destination: `root@${h.address}`, helper, elevate: 'none', lxcpaths: [[p1, p2][i]] }))
  const writeHosts = (configHome, helper) => {
    mkdirSync(join(configHome, 'strata'), { recursive: true })
    writeFileSync(join(configHome, 'strata', 'hosts.json'), JSON.stringify({ hosts: hostsFor(helper) }))
  }
  writeHosts(fx.env.XDG_CONFIG_HOME, hostsModule.HELPER_COMMAND)
  // the baseline's CLI reads its own hosts file, naming its own helper; the known hosts are shared
  const baseEnv = BASELINE ? { ...env, XDG_CONFIG_HOME: join(fx.dir, 'config-baseline') } : null
  if (BASELINE) writeHosts(baseEnv.XDG_CONFIG_HOME, `${process.execPath} ${join(BASELINE, 'out/helper/strata-helper.mjs')}`)
  for (const h of fx.hosts) sh(process.execPath, ['bin/strata', 'hosts', 'trust', h.name, '--yes'], { env })
  writeFileSync(join(fx.dir, 'net.conf'), 'lxc.net.0.type = empty\n')
  sh('lxc-create', ['-P', p1, '-n', 'c1', '-t', 'busybox', '-f', join(fx.dir, 'net.conf')])
  const rootfs = join(p1, 'c1', 'rootfs')
  sh('dd', ['if=/dev/urandom', `of=${join(rootfs, 'big')}`, 'bs=1M', `count=${MIB}`, 'status=none'])
  const peerDir = join(p2, 'peer')

  const side = { local: cgroup('local'), h1: cgroup('h1'), h2: cgroup('h2') }
  side.local.add(process.pid)
  side.h1.add(h1.sshd.pid)
  side.h2.add(h2.sshd.pid)
  const ssh = (h) => `ssh -F ${fx.env.STRATA_SSH_CONFIG} -o BatchMode=yes root@${h.address}`
  const pipe = `${ssh(h1)} tar --create --file=- --directory=${rootfs} ${TAR.map((o) => `'${o}'`).join(' ')} --sparse . | ${ssh(h2)} tar --extract --file=- --directory=${peerDir} ${TAR.map((o) => `'${o}'`).join(' ')} --same-permissions --same-owner`

  const cpuNow = () => Object.values(side).reduce((sum, g) => sum + g.cpuMs(), 0)
  const byHost = () => Object.fromEntries(Object.entries(side).map(([k, g]) => [k, g.cpuMs()]))
  const pidsIn = () => Object.values(side).flatMap((g) => readFileSync(join(g.dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean))
  const runs = { strata: { wall: [], cpu: [] }, baseline: { wall: [], cpu: [] }, pipe: { wall: [], cpu: [] } }
  let n = 0
  /** Runs a process to its end without blocking this one's event loop (the sampler ticks meanwhile). */
  const run = (file, args, opts = {}) =>
    new Promise((res) => {
      const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts })
      let stderr = ''
      child.stderr.on('data', (d) => (stderr += d))
      child.on('close', (status) => res({ status, stderr }))
    })
  const once = async (name, start) => {
    const before = byHost()
    const stop = BREAKDOWN ? sampleByName(pidsIn) : null
    const c0 = cpuNow()
    const t0 = performance.now()
    const r = await start()
    const wall = performance.now() - t0
    const cpu = cpuNow() - c0
    const byName = stop?.()
    if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`)
    runs[name].wall.push(wall)
    runs[name].cpu.push(cpu)
    if (BREAKDOWN) {
      const after = byHost()
      const hostsCpu = Object.keys(after).map((k) => `${k} ${(after[k] - before[k]).toFixed(0)}`).join(', ')
      const names = [...byName].sort((a, b) => b[1] - a[1]).map(([k, ms]) => `${k} ${ms.toFixed(0)}`).join(', ')
      console.log(`  ${name}: ${wall.toFixed(0)} ms wall, CPU ms ${hostsCpu}; by process (sampled): ${names}`)
    }
  }
  for (let i = 0; i < RUNS; i++) {
    const name = `copy${++n}`
    await once('strata', () => run(process.execPath, ['bin/strata', 'copy', 'h1:c1', `h2:${name}`], { env }))
    sh('lxc-destroy', ['-P', p2, '-n', name])
    if (BASELINE) {
      const base = `copy${++n}`
      await once('baseline', () => run(process.execPath, [join(BASELINE, 'bin/strata'), 'copy', 'h1:c1', `h2:${base}`], { env: baseEnv }))
      sh('lxc-destroy', ['-P', p2, '-n', base])
    }
    mkdirSync(peerDir)
    await once('pipe', () => run('bash', ['-o', 'pipefail', '-c', pipe]))
    sh('rm', ['-rf', peerDir])
  }
  const label = `copy between hosts ${MIB} MiB`
  report(`${label} (wall)`, median(runs.strata.wall), 'ssh h1 tar c | ssh h2 tar x', median(runs.pipe.wall), 1.3)
  report(`${label} (CPU user+sys)`, median(runs.strata.cpu), 'ssh h1 tar c | ssh h2 tar x', median(runs.pipe.cpu))
  if (BASELINE) {
    report(`${label}, baseline ${BASELINE} (wall)`, median(runs.baseline.wall), 'ssh h1 tar c | ssh h2 tar x', median(runs.pipe.wall))
    report(`${label}, baseline ${BASELINE} (CPU user+sys)`, median(runs.baseline.cpu), 'ssh h1 tar c | ssh h2 tar x', median(runs.pipe.cpu))
  }
} finally {
  dropGroups()
  await disallow?.()
  await fx.cleanup()
}
