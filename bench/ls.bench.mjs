// `strata ls --json` against `lxc-ls -f` on a generated lxcpath of 500 containers (a mix of dir
// containers and overlay snapshot clones, with LXC's bookkeeping), both as whole processes, and
// the engine's own listing of the same lxcpath once warm.
import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadEngineModule, report, timeCall, timeProcess } from './lib.mjs'

const COUNT = 500
const BASES = 50 // every tenth container is a dir base; the others are overlay clones of one

function generate(P) {
  const net = join(P, '.net.conf')
  writeFileSync(net, 'lxc.net.0.type = empty\n')
  execFileSync('lxc-create', ['-P', P, '-n', 'template', '-t', 'busybox', '-f', net], { stdio: 'ignore' })
  execFileSync('lxc-copy', ['-P', P, '-n', 'template', '-N', 'ovl-template', '-s', '-B', 'overlay'], { stdio: 'ignore' })
  const dirConfig = readFileSync(join(P, 'template/config'), 'utf8')
  const ovlConfig = readFileSync(join(P, 'ovl-template/config'), 'utf8')
  execFileSync('lxc-destroy', ['-P', P, '-n', 'ovl-template'])
  for (let b = 0; b < BASES; b++) {
    const base = `base${b}`
    mkdirSync(join(P, base, 'rootfs', 'etc'), { recursive: true })
    writeFileSync(join(P, base, 'rootfs/etc/hostname'), base)
    writeFileSync(join(P, base, 'config'), dirConfig.replaceAll('/template/', `/${base}/`).replaceAll('"template"', `"${base}"`))
    for (let c = 0; c < COUNT / BASES - 1; c++) {
      const name = `clone${b}-${c}`
      mkdirSync(join(P, name, 'overlay', 'delta', 'etc'), { recursive: true })
      mkdirSync(join(P, name, 'rootfs'))
      writeFileSync(join(P, name, 'overlay/delta/etc/hostname'), name)
      writeFileSync(join(P, name, 'config'), ovlConfig.replaceAll('/template/', `/${base}/`).replaceAll('ovl-template', name))
      writeFileSync(join(P, name, 'lxc_rdepends'), `${P}\n${base}\n`)
      appendFileSync(join(P, base, 'lxc_snapshots'), `${P}\n${name}\n`)
    }
  }
  execFileSync('lxc-destroy', ['-P', P, '-n', 'template'])
}

const P = mkdtempSync(join(tmpdir(), 'strata-bench-ls-'))
try {
  generate(P)
  const listed = execFileSync('lxc-ls', ['-P', P, '-1'], { encoding: 'utf8' }).split('\n').filter(Boolean)
  if (listed.length !== COUNT) throw new Error(`generated ${listed.length} containers, expected ${COUNT}`)
  const strataOut = JSON.parse(execFileSync('bin/strata', ['ls', '-P', P, '--json'], { encoding: 'utf8' }))
  if (strataOut.length !== COUNT) throw new Error(`strata listed ${strataOut.length}`)

  const peerMs = timeProcess(['lxc-ls', '-P', P, '-f'])
  const cliMs = timeProcess(['bin/strata', 'ls', '-P', P, '--json'])
  const nodeMs = timeProcess(['node', '-e', '0'])
  report(`ls ${COUNT} containers, whole process`, cliMs, 'lxc-ls -f', peerMs, 1.5)
  report(`node start-up alone (for scale)`, nodeMs, 'lxc-ls -f', peerMs)

  const engine = await loadEngineModule('src/main/engine/lxcpath.ts')
  const warmMs = await timeCall(async () => engine.containerInfos(await engine.scanLxcpaths([P])))
  const verdict = warmMs < 10 ? '(target < 10 ms: met)' : '(target < 10 ms: MISSED)'
  console.log(`ls ${COUNT} containers, warm engine in-process: strata ${warmMs.toFixed(1)} ms | peer(lxc-ls -f process) ${peerMs.toFixed(1)} ms | ratio ${(warmMs / peerMs).toFixed(2)}x  ${verdict}`)
} finally {
  rmSync(P, { recursive: true, force: true })
}
