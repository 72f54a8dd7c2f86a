// The user's remote hosts: "This computer" is always there; the others are named in the user's
// own config file (~/.config/strata/hosts.json, or under $XDG_CONFIG_HOME), each an SSH
// destination and how its root helper is started there, or an LXD (Incus) server's address.
// Strata never stores passwords: SSH uses the user's own configuration, keys and agent; an LXD
// server gets Strata's client certificate, and its own certificate is pinned here once the user
// confirmed its fingerprint.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { z } from 'zod'
import { notFound, refused, usageError } from '@shared/errors'
import { say, type Said } from '@shared/engine-text'
import { hostName } from '@shared/api'
import { issuesSaid, paramRule } from '@shared/param-issues'

/** How the helper gets root on the remote host: pkexec (polkit decides), sudo -n, or not at all (the SSH user is root). */
export const ELEVATIONS = ['pkexec', 'sudo', 'none'] as const
export type Elevation = (typeof ELEVATIONS)[number]

/** The installed helper's path on a remote Debian host (the package puts it there). */
export const REMOTE_HELPER_DEFAULT = '/usr/libexec/strata/strata-helper'

/** A host whose LXC containers Strata manages through its own helper, started over SSH. */
export interface SshHost {
  name: string
  /** `[user@]host[:port]`, as the user would type it for ssh */
  destination: string
  /** the helper command on the remote host; default REMOTE_HELPER_DEFAULT */
  helper?: string
  elevate?: Elevation
  /** lxcpaths the remote helper serves (each must be LXC's own or in its /etc/strata/lxcpaths); default: the remote's LXC default */
  lxcpaths?: string[]
  lxd?: undefined
}

/** An LXD (or Incus) server, spoken to through its API. */
export interface LxdHost {
  name: string
  lxd: {
    /** `unix:/var/lib/lxd/unix.socket` or `https://host[:port]` */
    url: string
    /** the server's certificate (PEM), pinned when the user confirmed its fingerprint (https only) */
    serverCert?: string
    /** its SHA-256 fingerprint, as shown then */
    fingerprint?: string
  }
  destination?: undefined
}

export type RemoteHost = SshHost | LxdHost

export function isLxdHost(host: RemoteHost): host is LxdHost {
  return host.lxd !== undefined
}

/** What ssh gets: the destination split into its parts. */
export interface SshTarget {
  user?: string
  host: string
  port?: number
}

/** A host part ssh cannot take as an option: no leading `-`, no spaces or shell characters. */
const SSH_HOST = /^[A-Za-z0-9_.:[\]%-]+$/
const SSH_USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,31}$/

/** `[user@]host[:port]` (an IPv6 address in brackets: `[::1]:2222`), or why it is not one. */
export function parseDestination(destination: string): SshTarget {
  const bad = (why: Said) => usageError(say('bad-destination', { destination, why }), 'bad-destination')
  const at = destination.lastIndexOf('@')
  const user = at >= 0 ? destination.slice(0, at) : undefined
  let rest = at >= 0 ? destination.slice(at + 1) : destination
  if (user !== undefined && !SSH_USER.test(user)) throw bad(say('destination-user-rule'))
  let port: number | undefined
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest)
  if (bracket) {
    rest = bracket[1]!
    if (bracket[2]) port = Number(bracket[2])
  } else {
    const colon = rest.lastIndexOf(':')
    if (colon >= 0 && rest.indexOf(':') === colon) {
      port = /^\d+$/.test(rest.slice(colon + 1)) ? Number(rest.slice(colon + 1)) : NaN
      rest = rest.slice(0, colon)
    }
  }
  if (rest === '' || rest.startsWith('-') || !SSH_HOST.test(rest)) throw bad(say('destination-host-rule'))
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) throw bad(say('destination-port-rule'))
  return { ...(user ? { user } : {}), host: rest, ...(port ? { port } : {}) }
}

const sshHostSchema = z
  .object({
    name: hostName,
    destination: z.string().min(1).max(300),
    helper: z.string().min(1).max(1024).optional(),
    elevate: z.enum(ELEVATIONS).optional(),
    lxcpaths: z.array(z.string().startsWith('/').max(4096)).max(64).optional()
  })
  .strict()
const lxdHostSchema = z
  .object({
    name: hostName,
    lxd: z
      .object({
        url: z
          .string()
          .max(4096)
          .refine((u) => /^(unix:\/|https:\/\/)/.test(u), paramRule(say('param-lxd-url'))),
        serverCert: z.string().max(64 * 1024).optional(),
        fingerprint: z.string().max(200).optional()
      })
      .strict()
  })
  .strict()
const hostSchema = z.union([sshHostSchema, lxdHostSchema])
const fileSchema = z.object({ hosts: z.array(hostSchema).max(256) }).strict()

/** The file: $XDG_CONFIG_HOME/strata/hosts.json, else ~/.config/strata/hosts.json. */
export function hostsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config')
  return join(base, 'strata', 'hosts.json')
}

/** The remote hosts in the file, in its order; none when there is no file. A broken file is an error naming it, never silently empty. */
export function readHosts(file = hostsFilePath()): RemoteHost[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw refused('hosts-file', say('hosts-file-unreadable', { file, error: (err as Error).message }), file)
  }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw refused('hosts-file', say('hosts-file-not-json', { file, error: (err as Error).message }), file)
  }
  const r = fileSchema.safeParse(data)
  if (!r.success) {
    throw refused('hosts-file', say('hosts-file-bad', { file, why: issuesSaid(r.error.issues, data) }), file)
  }
  for (const h of r.data.hosts as RemoteHost[]) if (!isLxdHost(h)) parseDestination(h.destination)
  return r.data.hosts as RemoteHost[]
}

/** Writes the hosts atomically (a temporary file renamed over it), readable by the user only. */
export function writeHosts(hosts: RemoteHost[], file = hostsFilePath()): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.tmp-${process.pid}`
  writeFileSync(tmp, `${JSON.stringify({ hosts }, null, 2)}\n`, { mode: 0o600 })
  renameSync(tmp, file)
}

/** The host called `name`; "This computer" is not a remote host. */
export function findHost(name: string, file = hostsFilePath()): RemoteHost {
  const hosts = readHosts(file)
  const host = hosts.find((h) => h.name === name)
  if (!host) {
    const known = hosts.map((h) => h.name)
    throw notFound(known.length ? say('no-such-host-listed', { host: name, file, hosts: known.join(', ') }) : say('no-such-host-yet', { host: name, file }), name, 'no-such-host')
  }
  return host
}

/** Adds a host, refusing a name already taken and a destination that is not one. */
export function addHost(host: RemoteHost, file = hostsFilePath()): void {
  const hosts = readHosts(file)
  const checked = hostSchema.safeParse(host)
  if (!checked.success) throw usageError(say('host-invalid', { host: JSON.stringify(host.name), issues: issuesSaid(checked.error.issues, host) }))
  if (!isLxdHost(host)) parseDestination(host.destination)
  if (hosts.some((h) => h.name === host.name)) throw refused('host-exists', say('host-exists-in', { host: host.name, file }), host.name)
  writeHosts([...hosts, checked.data], file)
}

export function removeHost(name: string, file = hostsFilePath()): void {
  findHost(name, file)
  writeHosts(
    readHosts(file).filter((h) => h.name !== name),
    file
  )
}

/** Replaces the host of the same name (e.g. with its certificate pinned). */
export function updateHost(host: RemoteHost, file = hostsFilePath()): void {
  findHost(host.name, file)
  writeHosts(
    readHosts(file).map((h) => (h.name === host.name ? host : h)),
    file
  )
}
