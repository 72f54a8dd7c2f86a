// OpenSSH as Strata uses it: the user's own ssh with their configuration, keys and agent, never
// asking anything on a terminal (BatchMode) and never accepting a host key that known_hosts does
// not already hold (StrictHostKeyChecking=yes). What ssh refuses becomes one StrataError that
// names the host and, for a host key, shows the key's fingerprint (ssh-keyscan, ssh-keygen -lf).
import { appendFileSync, mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname } from 'node:path'
import { permissionDenied, refused, StrataError, unavailable } from '@shared/errors'
import { say } from '@shared/engine-text'
import { parseDestination, REMOTE_HELPER_DEFAULT, type SshHost, type SshTarget } from './hosts-file'

/** Seconds ssh and ssh-keyscan wait for a TCP connection before saying the host cannot be reached. */
const CONNECT_TIMEOUT_S = 10

/** `-F FILE` when STRATA_SSH_CONFIG names an ssh config to use instead of ~/.ssh/config (tests, kiosk setups). */
function configArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  return env.STRATA_SSH_CONFIG ? ['-F', env.STRATA_SSH_CONFIG] : []
}

/** The ssh arguments up to and including the destination; a remote command may follow. */
export function sshArgs(target: SshTarget): string[] {
  return [
    ...configArgs(),
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `ConnectTimeout=${CONNECT_TIMEOUT_S}`,
    // a dead peer is noticed within about 45 s, so a request does not wait for ever on a dropped link
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=3',
    ...(target.port ? ['-p', String(target.port)] : []),
    ...(target.user ? ['-l', target.user] : []),
    '--',
    target.host
  ]
}

/** One word for the remote shell, in single quotes unless it is plainly safe. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}

/**
 * The command line ssh runs on the host: the helper (the host's command, as the user wrote it,
 * with its own words), through pkexec or sudo unless the SSH user is root, then its arguments.
 */
export function remoteHelperCommand(host: SshHost, helperArgs: readonly string[] = []): string {
  const elevate = host.elevate ?? 'pkexec'
  // pkexec --disable-internal-agent: there is no terminal to ask a password on; sudo -n likewise.
  const prefix = elevate === 'pkexec' ? ['pkexec', '--disable-internal-agent'] : elevate === 'sudo' ? ['sudo', '-n', '--'] : []
  return [...prefix, host.helper ?? REMOTE_HELPER_DEFAULT, ...helperArgs.map(shellWord)].join(' ')
}

/** What ssh makes of the destination with the user's configuration (`ssh -G`): hostname, port, known_hosts files. */
export async function sshEffective(target: SshTarget): Promise<Map<string, string>> {
  const { execa } = await import('execa')
  const r = await execa('ssh', ['-G', ...sshArgs(target)], { reject: false, timeout: 10_000 })
  const out = new Map<string, string>()
  for (const line of r.stdout.split('\n')) {
    const sp = line.indexOf(' ')
    if (sp > 0 && !out.has(line.slice(0, sp))) out.set(line.slice(0, sp), line.slice(sp + 1))
  }
  return out
}

export interface HostKey {
  /** the known_hosts line, under the name ssh looks it up by */
  line: string
  /** as ssh-keygen -lf shows it: `256 SHA256:... (ED25519)` */
  fingerprint: string
}

/** The keys the host offers now, each with its fingerprint; empty when it cannot be reached. */
export async function scanHostKeys(target: SshTarget): Promise<HostKey[]> {
  const { execa } = await import('execa')
  const eff = await sshEffective(target)
  const hostname = eff.get('hostname') ?? target.host
  const port = Number(eff.get('port') ?? target.port ?? 22)
  // known_hosts names the host as the user wrote it (or its HostKeyAlias), with the port when not 22.
  const alias = eff.get('hostkeyalias') ?? target.host
  const known = port === 22 ? alias : `[${alias}]:${port}`
  const scan = await execa('ssh-keyscan', ['-T', String(CONNECT_TIMEOUT_S), '-p', String(port), '--', hostname], { reject: false, timeout: 30_000 })
  const keys: HostKey[] = []
  for (const raw of scan.stdout.split('\n')) {
    const parts = raw.trim().split(/\s+/)
    if (parts.length < 3 || raw.startsWith('#')) continue
    const line = [known, parts[1], parts[2]].join(' ')
    const fp = await execa('ssh-keygen', ['-l', '-f', '-'], { input: `${line}\n`, reject: false })
    const m = /^(\d+)\s+(\S+)\s+.*(\([^)]+\))\s*$/.exec(fp.stdout.trim())
    keys.push({ line, fingerprint: m ? `${m[1]} ${m[2]} ${m[3]}` : fp.stdout.trim() })
  }
  return keys
}

function fingerprints(keys: HostKey[]): string {
  return keys.length ? keys.map((k) => k.fingerprint).join(', ') : 'none could be read (ssh-keyscan got no answer)'
}

/** The known_hosts file ssh writes to for this destination (the first UserKnownHostsFile). */
export async function userKnownHostsFile(target: SshTarget): Promise<string> {
  const eff = await sshEffective(target)
  const first = (eff.get('userknownhostsfile') ?? '~/.ssh/known_hosts').split(/\s+/)[0]!
  return first.startsWith('~/') ? `${homedir()}${first.slice(1)}` : first
}

/** Adds the keys to the user's known_hosts, after removing what it held for the host (a changed key). */
export async function trustKeys(target: SshTarget, keys: HostKey[]): Promise<string> {
  const { execa } = await import('execa')
  const file = await userKnownHostsFile(target)
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const name = keys[0]?.line.split(' ')[0]
  if (name) await execa('ssh-keygen', ['-R', name, '-f', file], { reject: false })
  appendFileSync(file, keys.map((k) => `${k.line}\n`).join(''), { mode: 0o600 })
  return file
}

/** The last lines ssh or the remote side wrote, without ssh's banner of at-signs. */
function tail(stderr: string, lines = 3): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^@+/.test(l) && !l.startsWith('Warning: Permanently added'))
    .slice(-lines)
    .join(' ')
}

/**
 * Why ssh, or the helper started through it, stopped before the helper greeted us. ssh's own
 * failures exit 255; anything else is the remote command's exit (127: not found; pkexec's and
 * sudo's refusals by their text).
 */
export async function sshFailure(host: SshHost, exitCode: number | undefined, stderr: string): Promise<StrataError> {
  const target = parseDestination(host.destination)
  const where = `${host.name} (${host.destination})`
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr)) {
    const keys = await scanHostKeys(target)
    return refused(
      'host-key-changed',
      say('ssh-key-changed', { where, keys: fingerprints(keys), host: host.name }),
      host.name
    )
  }
  if (/Host key verification failed|No \S+ host key is known/i.test(stderr)) {
    const keys = await scanHostKeys(target)
    return refused(
      'host-key-unknown',
      say('ssh-key-unknown', { where, keys: fingerprints(keys), host: host.name }),
      host.name
    )
  }
  if (exitCode === 255 && /Permission denied \(/i.test(stderr)) {
    return permissionDenied(say('ssh-login-refused', { where, ssh: tail(stderr, 1) }), {
      subject: host.name,
      rule: 'ssh-login-refused'
    })
  }
  if (exitCode === 255) return unavailable('host-unreachable', say('ssh-unreachable', { where, ssh: tail(stderr) || say('ssh-failed-silently') }), { subject: host.name })
  if (/Not authorized/i.test(stderr)) {
    return permissionDenied(
      say('ssh-polkit-refused', { where }),
      { subject: host.name, rule: 'not-authorised' }
    )
  }
  if (/authentication agent/i.test(stderr)) {
    return permissionDenied(
      say('ssh-polkit-password', { where }),
      { subject: host.name, rule: 'not-authorised' }
    )
  }
  if (/sudo: .*(password is required|not in the sudoers|not allowed to execute|may not run sudo)/i.test(stderr)) {
    return permissionDenied(say('ssh-sudo-refused', { where, sudo: tail(stderr, 1) }), {
      subject: host.name,
      rule: 'not-authorised'
    })
  }
  if (exitCode === 127 || exitCode === 126 || /command not found|No such file or directory|Cannot run program/i.test(stderr)) {
    return unavailable(
      'helper-missing',
      say('ssh-helper-missing', { where, command: remoteHelperCommand(host), error: tail(stderr) || `exit ${exitCode}` }),
      { subject: host.name }
    )
  }
  return unavailable('helper-gone', say('ssh-helper-gone', { where, exit: exitCode ?? say('exit-signal'), error: tail(stderr) || say('no-message') }), { subject: host.name })
}

/** The known_hosts lines `file` holds for `name` (ssh-keygen -F finds hashed entries too). */
export async function knownKeys(name: string, file: string): Promise<string[]> {
  const { execa } = await import('execa')
  const r = await execa('ssh-keygen', ['-F', name, '-f', file], { reject: false })
  return r.stdout.split('\n').filter((l) => l && !l.startsWith('#'))
}
