// Trust both ways with an LXD server over HTTPS. Strata's client certificate is made once per
// user (~/.config/strata/lxd-client.crt and .key, like the `lxc` client's own) and the server is
// told to trust it with its trust password or by its administrator. The server's certificate is
// fetched, its fingerprint shown to the user, and pinned only when the user confirms it.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { dirname, join } from 'node:path'
import { connect, type PeerCertificate } from 'node:tls'
import { execa } from 'execa'
import { failed, refused, unavailable } from '@shared/errors'
import { say } from '@shared/engine-text'
import { hostsFilePath, type LxdHost } from '../hosts-file'
import { parseLxdUrl } from './lxd-connection'

/** Where this user's LXD client certificate and key are kept. */
export function clientCredentialFiles(): { cert: string; key: string } {
  const dir = dirname(hostsFilePath())
  return { cert: join(dir, 'lxd-client.crt'), key: join(dir, 'lxd-client.key') }
}

/** Makes the client certificate the first time it is needed (openssl; the key readable by the user only). */
export async function ensureClientCredentials(): Promise<{ cert: string; key: string }> {
  const files = clientCredentialFiles()
  if (existsSync(files.cert) && existsSync(files.key)) return files
  mkdirSync(dirname(files.cert), { recursive: true, mode: 0o700 })
  const r = await execa(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1', '-sha384', '-nodes', '-days', '3650', '-subj', `/CN=strata@${hostname()}`, '-keyout', files.key, '-out', files.cert],
    { reject: false, env: { OPENSSL_CONF: '/dev/null' }, extendEnv: true }
  ).catch((err: Error) => ({ exitCode: -1, stderr: err.message }))
  if (r.exitCode !== 0) throw unavailable('openssl-missing', say('lxd-openssl', { error: String(r.stderr).trim() }))
  return files
}

/** What an HTTPS connection to the host needs: the pinned server certificate and this user's client certificate. */
export function readLxdCredentials(host: LxdHost): { serverCert: string; clientCert?: string; clientKey?: string } {
  if (!host.lxd.serverCert)
    throw refused('lxd-host-untrusted', say('lxd-host-untrusted', { host: host.name, url: host.lxd.url }), host.name)
  const files = clientCredentialFiles()
  const read = (f: string): string | undefined => (existsSync(f) ? readFileSync(f, 'utf8') : undefined)
  return { serverCert: host.lxd.serverCert, clientCert: read(files.cert), clientKey: read(files.key) }
}

/** The certificate the server presents now (PEM) and its SHA-256 fingerprint, without trusting it. */
export async function fetchServerCertificate(url: string): Promise<{ pem: string; fingerprint: string }> {
  const endpoint = parseLxdUrl(url)
  if (endpoint.kind !== 'https') throw refused('lxd-url', say('lxd-url-local', { url }), url)
  const cert = await new Promise<PeerCertificate>((resolve, reject) => {
    const socket = connect({ host: endpoint.host, port: endpoint.port, rejectUnauthorized: false, timeout: 10_000 }, () => {
      const c = socket.getPeerCertificate()
      socket.end()
      resolve(c)
    })
    socket.on('timeout', () => socket.destroy(new Error('no answer in 10 s')))
    socket.on('error', (err) => reject(unavailable('lxd-unreachable', say('url-unreachable', { url, error: err.message }), { subject: url, cause: err })))
  })
  if (!cert.raw) throw failed(say('lxd-no-certificate', { url }), { subject: url })
  const b64 = cert.raw.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')
  return { pem: `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`, fingerprint: cert.fingerprint256 }
}
