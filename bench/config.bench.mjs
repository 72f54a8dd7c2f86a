// Reading a 5 MB container config (130k entries): `strata config --expanded` against LXC's own
// parse of the same file (`lxc-info -c`, which loads the whole config to answer one key), both as
// whole processes timed in turns, with Node's bare start for scale. The unit tests check what the
// parser says of such files; how fast it says it is measured here.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { report, timeInterleaved } from './lib.mjs'

const RUNS = Number(process.env.BENCH_RUNS || 10)
const P = mkdtempSync(join(tmpdir(), 'strata-bench-config-'))
try {
  const block = 'lxc.mount.entry = /srv/data srv/data none bind,create=dir 0 0\n# a comment line\nlxc.environment = KEY=value\n\n'
  const body = block.repeat(Math.ceil((5 * 1024 * 1024) / block.length))
  mkdirSync(join(P, 'big/rootfs'), { recursive: true })
  writeFileSync(join(P, 'big/config'), `lxc.uts.name = big\nlxc.rootfs.path = dir:${P}/big/rootfs\nlxc.net.0.type = empty\n${body}`)
  const { medians: m, cpuMeans: cpu } = timeInterleaved(
    {
      lxc: ['lxc-info', '-P', P, '-n', 'big', '-c', 'lxc.uts.name'],
      strata: ['bin/strata', 'config', '-n', 'big', '-P', P, '--expanded'],
      node: ['env', '-u', 'NODE_EXTRA_CA_CERTS', 'node', '-e', '0']
    },
    { runs: RUNS }
  )
  report('config --expanded of a 5 MB config, whole process', m.strata, 'lxc-info -c (LXC parses the whole file)', m.lxc)
  report('config --expanded of a 5 MB config, above node -e 0', m.strata - m.node, 'lxc-info -c', m.lxc)
  report('config --expanded of a 5 MB config, CPU time of the whole process', cpu.strata, 'lxc-info -c', cpu.lxc)
} finally {
  rmSync(P, { recursive: true, force: true })
  rmSync(join('/run/lxc/lock', P), { recursive: true, force: true })
}
