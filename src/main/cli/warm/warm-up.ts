// What the warm worker does once, before it waits: load every command it serves (each is its own
// bundle) and execa, and run `ls --json` and `clone -s` + `destroy` a few times on a scratch
// lxcpath of a few containers, so that the listing's and the snapshot clone's code is compiled,
// not interpreted, when a real command comes. Their output goes to the worker's own stdout and
// stderr, /dev/null, written to the fds (cli/output.ts): nothing here opens process.stdout or
// process.stderr, whose kind (terminal, pipe, file) Node fixes when they are first used.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { lxcLockPath } from '../../engine/native/index'
import type { Command } from '../command'

/** The commands the worker runs itself (worker.ts: the others run plain). */
export const SERVED = ['ls', 'lineage', 'config', 'check', 'du', 'diff', 'clone', 'destroy', 'snapshot', 'create', 'flatten', 'convert', 'umount', 'stop', 'freeze', 'unfreeze', 'userns']

const BASES = 8
const CLONES_PER_BASE = 11
const LS_RUNS = 40
const CLONE_RUNS = 12

/** A few dir containers and overlay snapshot clones of them, with LXC's bookkeeping. */
function scratchLxcpath(): string {
  const p = mkdtempSync(join(tmpdir(), 'strata-warm-'))
  for (let b = 0; b < BASES; b++) {
    const base = join(p, `base${b}`)
    mkdirSync(join(base, 'rootfs'), { recursive: true })
    writeFileSync(join(base, 'config'), `lxc.uts.name = base${b}\nlxc.rootfs.path = dir:${base}/rootfs\nlxc.net.0.type = empty\n`)
    for (let c = 0; c < CLONES_PER_BASE; c++) {
      const name = `clone${b}-${c}`
      const clone = join(p, name)
      mkdirSync(join(clone, 'overlay', 'delta'), { recursive: true })
      mkdirSync(join(clone, 'rootfs'))
      writeFileSync(join(clone, 'config'), `lxc.uts.name = ${name}\nlxc.rootfs.path = overlay:${base}/rootfs:${clone}/overlay/delta\nlxc.net.0.type = empty\n`)
      writeFileSync(join(clone, 'lxc_rdepends'), `${p}\nbase${b}\n`)
      appendFileSync(join(base, 'lxc_snapshots'), `${p}\n${name}\n`)
    }
  }
  return p
}

// the command bundles beside this one (out/cli/commands), as main.ts requires them
const requireBundle = (name: string): unknown => createRequire(import.meta.url)(join(__dirname, 'commands', `${name}.cjs`))

export function loadServed(): void {
  for (const name of SERVED) requireBundle(name)
}

export async function warmUp(): Promise<void> {
  await import('execa').catch(() => undefined)
  const ls = requireBundle('ls') as Command
  const clone = requireBundle('clone') as Command
  const destroy = requireBundle('destroy') as Command
  const p = scratchLxcpath()
  try {
    for (let i = 0; i < LS_RUNS; i++) await ls.run(['-P', p, '--json'])
    for (let i = 0; i < CLONE_RUNS; i++) {
      await clone.run(['-p', p, '-o', 'base0', '-n', 'warm', '-s'])
      await destroy.run(['-P', p, '-n', 'warm'])
    }
  } catch {
    // a worker that could not warm up still serves, only less warm
  } finally {
    rmSync(p, { recursive: true, force: true })
    // the clones took LXC's lock files (lock.ts) in <run>/lxc/lock/<p>/, which nothing else removes:
    // one directory a worker, every command, until the next boot
    rmSync(dirname(lxcLockPath(p, 'warm')), { recursive: true, force: true })
  }
}
