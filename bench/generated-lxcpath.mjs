// A big lxcpath for benchmarks and the big-graph e2e spec, from configs that LXC itself wrote.
import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A generated lxcpath of `count` containers: every `perBase`-th a dir base (configs as
 * lxc-create writes them, a stub rootfs), the rest overlay snapshot clones of it with LXC's
 * bookkeeping (lxc_rdepends, lxc_snapshots), as lxc-copy -s writes them. Made by hand because
 * hundreds of real lxc-copy runs would take minutes.
 */
export function generateLxcpath(P, count, perBase) {
  const net = join(P, '.net.conf')
  writeFileSync(net, 'lxc.net.0.type = empty\n')
  execFileSync('lxc-create', ['-P', P, '-n', 'template', '-t', 'busybox', '-f', net], { stdio: 'ignore' })
  execFileSync('lxc-copy', ['-P', P, '-n', 'template', '-N', 'ovl-template', '-s', '-B', 'overlay'], { stdio: 'ignore' })
  const dirConfig = readFileSync(join(P, 'template/config'), 'utf8')
  const ovlConfig = readFileSync(join(P, 'ovl-template/config'), 'utf8')
  execFileSync('lxc-destroy', ['-P', P, '-n', 'ovl-template'])
  for (let b = 0; b < count / perBase; b++) {
    const base = `base${b}`
    mkdirSync(join(P, base, 'rootfs', 'etc'), { recursive: true })
    writeFileSync(join(P, base, 'rootfs/etc/hostname'), base)
    writeFileSync(join(P, base, 'config'), dirConfig.replaceAll('/template/', `/${base}/`).replaceAll('"template"', `"${base}"`))
    for (let c = 0; c < perBase - 1; c++) {
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
