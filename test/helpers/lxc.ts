// Real LXC lxcpaths for tests, made at test time in a temporary directory and removed after,
// also when the test fails. No container network: there is no lxcbr0 on these machines.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execa } from 'execa'

export const NO_NET_CONFIG = 'lxc.net.0.type = empty\n'

export interface TestLxcpath {
  path: string
  /** runs an LXC tool with `-P <path>` added after the tool name */
  lxc(tool: string, ...args: string[]): Promise<string>
  create(name: string): Promise<void>
  cleanup(): Promise<void>
}

export async function makeLxcpath(prefix = 'strata-test-'): Promise<TestLxcpath> {
  const path = mkdtempSync(join(tmpdir(), prefix))
  const netConfig = join(path, '.net.conf')
  writeFileSync(netConfig, NO_NET_CONFIG)
  const lxc = async (tool: string, ...args: string[]): Promise<string> => {
    const r = await execa(tool, ['-P', path, ...args], { reject: false })
    if (r.exitCode !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`)
    return r.stdout
  }
  return {
    path,
    lxc,
    async create(name) {
      await lxc('lxc-create', '-n', name, '-t', 'busybox', '-f', netConfig)
    },
    async cleanup() {
      // Stop anything still running, then remove the tree (LXC mounts live in the containers'
      // own namespaces, so nothing stays mounted on the host once they are stopped).
      const active = await execa('lxc-ls', ['-P', path, '--active', '-1'], { reject: false })
      for (const name of active.stdout.split('\n').filter(Boolean)) {
        await execa('lxc-stop', ['-P', path, '-n', name, '-k'], { reject: false })
      }
      rmSync(path, { recursive: true, force: true })
      rmSync(`${path}snaps`, { recursive: true, force: true })
      removeLxcLockDir(path)
    }
  }
}

/** LXC makes /run/lxc/lock/<lxcpath>/ for every lxcpath it touches and never removes it. */
export function removeLxcLockDir(lxcpath: string): void {
  rmSync(`/run/lxc/lock${lxcpath}`, { recursive: true, force: true })
}

/** Runs the built CLI; returns exit code, stdout and stderr. */
export async function strata(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await execa('node', [join(import.meta.dirname, '../../bin/strata'), ...args], { reject: false })
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr }
}

/**
 * Runs the built CLI where a bug could make it hang or grow without bound: killed after
 * `timeoutMs` and its data memory capped (prlimit), so that a regression fails the test instead
 * of stalling the suite or the machine. `env` is added to the environment.
 */
export async function strataBounded(
  args: string[],
  opts: { timeoutMs?: number; env?: Record<string, string> } = {}
): Promise<{ code: number; stdout: string; stderr: string; timedOut: boolean }> {
  const cli = join(import.meta.dirname, '../../bin/strata')
  const r = await execa('prlimit', [`--data=${1 << 30}`, 'node', cli, ...args], {
    reject: false,
    timeout: opts.timeoutMs ?? 20_000,
    killSignal: 'SIGKILL',
    env: opts.env
  })
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut }
}
