// `strata hosts`: the remote hosts of this user (~/.config/strata/hosts.json) and their host keys.
import { readFileSync } from 'node:fs'
import { counted } from '@shared/counted'
import { usageError, refused, cancelled, isStrataError } from '@shared/errors'
import { addHost, hostsFilePath, isLxdHost, parseDestination, readHosts, removeHost, findHost, updateHost, type Elevation, type LxdHost } from '../hosts/hosts-file'
import { lxdConnection, parseLxdUrl } from '../hosts/lxd/lxd-connection'
import { lxdEngine } from '../hosts/lxd/lxd-engine'
import { ensureClientCredentials, fetchServerCertificate, readLxdCredentials } from '../hosts/lxd/lxd-trust'
import { checkHostKeys } from '../hosts/host-keys'
import { trustKeys } from '../hosts/ssh'
import { formatTable, parseCommandLine, printJson, type Command } from './command'
import { writeStdout } from './output'

const usage = `Usage: strata hosts [list] [--json]
       strata hosts add NAME [USER@]HOST[:PORT] [--helper COMMAND] [--sudo | --as-root] [-P LXCPATH]...
       strata hosts add NAME --lxd unix:/var/lib/lxd/unix.socket | --lxd https://HOST[:PORT]
       strata hosts remove NAME
       strata hosts trust NAME [--yes] [--password-file FILE]

Remote hosts whose containers Strata manages over SSH (\`strata --host NAME ls\`, ...). Each is
an SSH destination; ssh runs with your own configuration, keys and agent, never asks for a
password and never accepts a host key it does not know. There, the Strata helper is started
as root through pkexec (polkit decides), or with --sudo through \`sudo -n\`, or with --as-root
directly when the SSH user is root. --helper names the helper command on the host (default
/usr/libexec/strata/strata-helper); -P the lxcpaths it serves (default: LXC's there).
trust shows the host key fingerprints the host offers now and adds them to your known_hosts
when you confirm (--yes: without asking, for scripts). The hosts are kept in ${hostsFilePath()}.

An LXD (or Incus) server is reached through its API: its unix socket on this computer, or
HTTPS. Its projects stand where lxcpaths stand (-P /1.0/projects/default). For HTTPS, trust
shows the server's certificate fingerprint and pins it when you confirm; Strata's own client
certificate (made once, next to the hosts file) is then trusted by the server with its trust
password (asked for, or read from --password-file), or by its administrator
(\`lxc config trust add\`).`

/** One line from stdin: the user's answer. */
async function answer(prompt: string): Promise<string> {
  process.stderr.write(prompt)
  return new Promise((resolve) => {
    let text = ''
    const onData = (d: Buffer): void => {
      text += d.toString()
      if (text.includes('\n')) done()
    }
    const done = (): void => {
      process.stdin.off('data', onData)
      process.stdin.pause()
      resolve(text.split('\n')[0]!.trim())
    }
    process.stdin.on('data', onData)
    process.stdin.once('end', done)
  })
}

async function trust(name: string, yes: boolean, passwordFile: string | undefined): Promise<number> {
  const host = findHost(name)
  if (isLxdHost(host)) return trustLxd(host, yes, passwordFile)
  const target = parseDestination(host.destination)
  const { keys, file, known } = await checkHostKeys(target, `${name} (${host.destination})`)
  if (known === 'trusted') {
    writeStdout(`${name}'s host keys are already in ${file}:\n${keys.map((k) => `  ${k.fingerprint}\n`).join('')}`)
    return 0
  }
  writeStdout(`${name} (${host.destination}) offers these host keys:\n${keys.map((k) => `  ${k.fingerprint}\n`).join('')}`)
  if (known === 'changed') {
    writeStdout(`WARNING: ${file} holds other keys for it. The host may have been reinstalled, or someone may be intercepting the connection: compare the fingerprints with its administrator.\n`)
  }
  if (!yes) {
    const a = await answer(`Trust them for ${name} and add them to ${file}? [y/N] `)
    if (!/^y(es)?$/i.test(a)) throw cancelled(`Nothing was added: the keys of ${name} were not confirmed.`)
  }
  await trustKeys(target, keys)
  writeStdout(`Added ${counted(keys.length, 'key', 'keys')} for ${name} to ${file}.\n`)
  return 0
}

/** Pins an LXD server's certificate once the user confirmed its fingerprint, then has the server trust Strata's. */
async function trustLxd(host: LxdHost, yes: boolean, passwordFile: string | undefined): Promise<number> {
  const { name } = host
  if (parseLxdUrl(host.lxd.url).kind === 'unix') {
    writeStdout(`${name} is LXD's local socket (${host.lxd.url}): the socket's permissions decide who may use it; there is no certificate to trust.\n`)
    return 0
  }
  const { pem, fingerprint } = await fetchServerCertificate(host.lxd.url)
  if (host.lxd.fingerprint === fingerprint) writeStdout(`${name}'s certificate is the one trusted:\n  ${fingerprint}\n`)
  else {
    writeStdout(`${name} (${host.lxd.url}) presents this certificate:\n  SHA256 ${fingerprint}\n`)
    if (host.lxd.fingerprint)
      writeStdout(`WARNING: it is not the one trusted for ${name} before (${host.lxd.fingerprint}). The server may have been reinstalled, or someone may be intercepting the connection: compare the fingerprints with its administrator.\n`)
    if (!yes) {
      const a = await answer(`Trust this certificate for ${name}? [y/N] `)
      if (!/^y(es)?$/i.test(a)) throw cancelled(`Nothing was changed: the certificate of ${name} was not confirmed.`)
    }
    updateHost({ ...host, lxd: { ...host.lxd, serverCert: pem, fingerprint } })
    writeStdout(`Pinned ${name}'s certificate.\n`)
  }
  const files = await ensureClientCredentials()
  const pinned = findHost(name) as LxdHost
  const api = lxdConnection(name, { ...parseLxdUrl(pinned.lxd.url), ...readLxdCredentials(pinned) } as never)
  const server = await api.get<{ auth: string }>('/1.0')
  if (server.auth === 'trusted') {
    writeStdout(`${name} trusts Strata's client certificate (${files.cert}).\n`)
    return 0
  }
  const password = passwordFile ? readFileSync(passwordFile, 'utf8').split('\n')[0]! : await answer(`${name} does not trust Strata's client certificate yet. Its trust password (core.trust_password; empty to stop): `)
  if (!password) throw cancelled(`${name} was not asked to trust Strata; its administrator can add ${files.cert} with lxc config trust add.`)
  try {
    await api.call('POST', '/1.0/certificates', { type: 'client', name: `strata`, password })
  } catch (err) {
    if (isStrataError(err)) throw refused('lxd-trust-refused', `${name} did not accept the trust password: ${err.message}`, name)
    throw err
  }
  await lxdEngine(pinned).connect()
  writeStdout(`${name} now trusts Strata's client certificate (${files.cert}).\n`)
  return 0
}

const command: Command = {
  usage,
  async run(args) {
    const { values: o, positionals } = parseCommandLine(args, {
      json: { type: 'boolean' },
      helper: { type: 'string' },
      sudo: { type: 'boolean' },
      'as-root': { type: 'boolean' },
      lxcpath: { type: 'string', short: 'P', multiple: true },
      yes: { type: 'boolean', short: 'y' },
      lxd: { type: 'string' },
      'password-file': { type: 'string' }
    })
    const [action = 'list', name, destination, ...extra] = positionals
    const needName = (): string => {
      if (!name) throw usageError(`strata hosts ${action} needs a host NAME.`)
      return name
    }
    switch (action) {
      case 'list': {
        const hosts = readHosts()
        if (o.json) printJson(hosts)
        else if (hosts.length === 0) writeStdout(`No remote hosts yet (add one with strata hosts add NAME [USER@]HOST[:PORT]).\n`)
        else
          writeStdout(
            `${formatTable(
              ['NAME', 'DESTINATION', 'ROOT BY', 'HELPER'],
              hosts.map((h) => (isLxdHost(h) ? [h.name, h.lxd.url, 'LXD API', '-'] : [h.name, h.destination, h.elevate ?? 'pkexec', h.helper ?? '(installed)']))
            )}\n`
          )
        return 0
      }
      case 'add': {
        if (o.lxd !== undefined) {
          if (destination || extra.length || o.helper || o.sudo || o['as-root'] || o.lxcpath) throw usageError('strata hosts add NAME --lxd URL takes no SSH destination, --helper, --sudo, --as-root or -P.')
          parseLxdUrl(o.lxd)
          addHost({ name: needName(), lxd: { url: o.lxd } })
          const next = o.lxd.startsWith('https:') ? ` Confirm its certificate with: strata hosts trust ${name}` : ''
          writeStdout(`Added ${name} (LXD at ${o.lxd}).${next}\n`)
          return 0
        }
        if (!destination || extra.length) throw usageError('strata hosts add takes NAME and [USER@]HOST[:PORT].')
        if (o.sudo && o['as-root']) throw usageError('--sudo and --as-root exclude each other.')
        const elevate: Elevation | undefined = o.sudo ? 'sudo' : o['as-root'] ? 'none' : undefined
        addHost({ name: needName(), destination, ...(o.helper ? { helper: o.helper } : {}), ...(elevate ? { elevate } : {}), ...(o.lxcpath ? { lxcpaths: o.lxcpath } : {}) })
        writeStdout(`Added ${name} (${destination}). Check its host key with: strata hosts trust ${name}\n`)
        return 0
      }
      case 'remove':
        removeHost(needName())
        writeStdout(`Removed ${name}.\n`)
        return 0
      case 'trust':
        return trust(needName(), o.yes ?? false, o['password-file'])
      default:
        throw usageError(`strata hosts has no action "${action}"; it takes list, add, remove or trust.`)
    }
  }
}
export default command
