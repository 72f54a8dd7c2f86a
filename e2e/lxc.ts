// Real LXC for the specs: build an lxcpath in a temp dir with LXC's own tools, and tear it
// down again (destroying dependents before their origins).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const lxc = (tool: string, args: string[]): string =>
  execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 })

export function lxcLs(lxcpath: string): string[] {
  return lxc('lxc-ls', ['-P', lxcpath, '-1']).split('\n').map((s) => s.trim()).filter(Boolean).sort()
}

/** A busybox container whose network is `empty`, so it can start here (no lxcbr0). */
export function createStartable(lxcpath: string, name: string): void {
  const conf = join(lxcpath, '.net-empty.conf')
  writeFileSync(conf, 'lxc.net.0.type = empty\n')
  lxc('lxc-create', ['-P', lxcpath, '-n', name, '-t', 'busybox', '-f', conf])
}

/** base (busybox, dir), snap1 (overlay snapshot clone of base), copy1 (full copy of base). */
export function makeLineageLxcpath(): string {
  const p = mkdtempSync('/tmp/strata-e2e-')
  createStartable(p, 'base')
  lxc('lxc-copy', ['-P', p, '-n', 'base', '-N', 'snap1', '-s', '-B', 'overlay'])
  lxc('lxc-copy', ['-P', p, '-n', 'base', '-N', 'copy1'])
  return p
}

export function copyContainer(lxcpath: string, from: string, to: string, snapshot = false): void {
  lxc('lxc-copy', ['-P', lxcpath, '-n', from, '-N', to, ...(snapshot ? ['-s', '-B', 'overlay'] : [])])
}

export function destroyLxcpath(lxcpath: string): void {
  if (!existsSync(lxcpath)) return
  // Dependents first: retry whatever refused (an origin with live overlay clones) next pass.
  for (let pass = 0; pass < 4; pass++) {
    let left: string[]
    try {
      left = lxcLs(lxcpath)
    } catch {
      break
    }
    if (left.length === 0) break
    for (const n of left) {
      try {
        lxc('lxc-stop', ['-P', lxcpath, '-n', n, '-k'])
      } catch {
        /* not running */
      }
      try {
        lxc('lxc-destroy', ['-P', lxcpath, '-n', n])
      } catch {
        /* has dependents: next pass */
      }
    }
  }
  rmSync(lxcpath, { recursive: true, force: true })
}

export const lxcTool = lxc
