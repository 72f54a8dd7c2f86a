// The sending half of a copy from an LXD host: a stopped instance exported through LXD's API as
// a backup (`POST /1.0/instances/<n>/backups`, uncompressed, the instance only), whose tarball
// goes unchanged through the byte channel after a header with an LXC config written for it. The
// importer (ops/transfer-import.ts) unpacks only the rootfs from it (`backup/container/rootfs`;
// LXD writes the ids as the container sees them, and ACLs as xattrs). The backup is deleted
// afterwards, whatever happened; nothing of the instance changes.
import type { StreamInput } from '@shared/engine-api'
import { cancelled, failed, refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import { note } from '../../engine/context'
import { actionRefusal } from '@shared/lifecycle'
import type { ContainerRef, ContainerState } from '@shared/model'
import type { CallOptions } from '../../engine-client'
import { endMessage, offerMessage, sendHeader, TRANSFER_FORMAT, type HeaderSent, type TransferEnd, type TransferHeader } from '../../engine/ops/transfer-wire'
import { lxdErrorWords, lxdRequest, type LxdEndpoint, type LxdOperation } from './lxd-connection'
import { instancePath, type LxdInstance } from './lxd-model'

/** What the export needs of the LXD engine it runs in (lxd-engine.ts). */
export interface LxdSource {
  host: string
  endpoint: LxdEndpoint
  project(lxcpath: string): string
  instance(ref: ContainerRef): Promise<LxdInstance>
  state(ref: ContainerRef, instance: LxdInstance): Promise<ContainerState>
  operate(method: string, path: string, body: unknown, opts: CallOptions, phase: string): Promise<LxdOperation | null>
}

/** Where LXD's backup tarball (format of LXD 4 and 5) holds the instance's rootfs. */
const BACKUP_ROOTFS = 'backup/container/rootfs'

export async function exportFromLxd(side: LxdSource, ref: ContainerRef, opts: CallOptions): Promise<TransferEnd> {
  const { stream, signal } = opts
  if (!stream?.openChannel) throw failed(say('lxd-export-no-channel', { name: ref.name }), { rule: 'no-channel' })
  const project = side.project(ref.lxcpath)
  const inst = await side.instance(ref)
  // the rule the app's dialog disables by, as for an LXC source
  const refusal = actionRefusal('copy', ref.name, await side.state(ref, inst))
  if (refusal) throw refused(refusal.rule, say('on-host', { refusal: refusal.said, host: side.host }), ref.name)
  const backup = `strata-copy-${Date.now().toString(36)}`
  const backupPath = (tail = ''): string => instancePath(ref, project, `/backups/${backup}${tail}`)
  note(opts, 'copy', say('progress-lxd-backup', { host: side.host, name: ref.name }))
  await side.operate(
    'POST',
    instancePath(ref, project, '/backups'),
    // uncompressed, so the bytes go straight on; expiring, so LXD removes it even if this process dies
    { name: backup, expires_at: new Date(Date.now() + 24 * 3600_000).toISOString(), instance_only: true, optimized_storage: false, compression_algorithm: 'none' },
    opts,
    'copy'
  )
  try {
    if (signal?.aborted) throw cancelled(say('export-cancelled', { name: ref.name }))
    const header: TransferHeader = {
      format: TRANSFER_FORMAT,
      name: ref.name,
      dir: `${ref.lxcpath}/${ref.name}`,
      config: lxcConfigFor(inst, `${ref.lxcpath}/${ref.name}`, side.host),
      files: [],
      backend: 'dir',
      totalFiles: 0,
      totalBytes: 0,
      rootInArchive: BACKUP_ROOTFS,
      aclsAsXattrs: true
    }
    if (inst.expanded_config['security.privileged'] !== 'true')
      note(opts, 'config', say('progress-lxd-unprivileged', { name: ref.name }))
    return await send(side, ref, header, backupPath('/export'), opts)
  } finally {
    await side.operate('DELETE', backupPath(), undefined, {}, 'cleanup').catch(() => undefined)
  }
}

/** The header, then the backup tarball as LXD serves it, into the byte channel; ends once the importer acked all of it. */
function send(side: LxdSource, ref: ContainerRef, header: TransferHeader, exportPath: string, opts: CallOptions): Promise<TransferEnd> {
  const stream = opts.stream!
  const { signal } = opts
  const channel = stream.openChannel!()
  return new Promise<TransferEnd>((resolve, reject) => {
    let sent = 0
    let acked = 0
    let ended: TransferEnd | null = null
    let done = false
    let request: ReturnType<typeof lxdRequest> | null = null
    /** the header once sent; the importer's acks say when it took it */
    let head: HeaderSent | null = null
    const finish = (err: Error | null): void => {
      if (done) return
      done = true
      signal?.removeEventListener('abort', onAbort)
      channel.close()
      if (err) {
        request?.destroy()
        reject(err)
      } else resolve(ended!)
    }
    const onAbort = (): void => finish(cancelled(say('export-cancelled', { name: ref.name })))
    if (signal?.aborted) return onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    stream.onInput((input: StreamInput) => {
      if (!('ack' in input) || done) return
      acked += input.ack
      head?.acked(acked)
      opts.onProgress?.({ phase: 'copy', bytes: acked, files: 0 })
      if (ended && acked >= sent) finish(null)
    })
    stream.send(offerMessage(channel.offer))
    channel.connected.then((out) => {
      if (done) return void out.destroy()
      out.on('error', (err) => finish(failed(say('export-channel-broke', { name: ref.name, error: err.message }), { rule: 'channel' })))
      out.resume() // nothing comes back on it
      // the backup follows once the importer acked the header: its reader holds the channel then
      head = sendHeader(out, header, () => acked)
      sent = head.bytes
      void head.taken.then(() => {
        if (done) return
        request = lxdRequest(side.endpoint, { method: 'GET', path: exportPath, headers: { Host: 'lxd' } }, (res) => {
          if (res.statusCode !== 200) {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () => finish(failed(say('lxd-backup-refused', { host: side.host, name: ref.name, words: lxdErrorWords(Buffer.concat(chunks).toString('utf8'), res.statusCode) }), { subject: ref.name })))
            return
          }
          res.on('data', (c: Buffer) => {
            sent += c.length
            if (!out.write(c)) res.pause()
          })
          out.on('drain', () => res.resume())
          res.on('error', (err) => finish(failed(say('lxd-backup-broke', { name: ref.name, host: side.host, error: err.message }), { subject: ref.name })))
          res.on('end', () => {
            if (done) return
            if (!res.complete) return finish(failed(say('lxd-backup-broke-off', { name: ref.name, host: side.host }), { subject: ref.name }))
            out.end()
            ended = { bytes: sent, files: 0 }
            stream.send(endMessage(ended))
            if (acked >= sent) finish(null)
          })
        })
        request.on('error', (err) => finish(failed(say('lxd-backup-unfetched', { name: ref.name, host: side.host, error: err.message }), { subject: ref.name })))
        request.end()
      })
    }, (err: Error) => finish(err))
  })
}

/**
 * An LXC config for the instance's copy: its architecture, rootfs and hostname, no network (the
 * instance's LXD devices and profiles do not exist in LXC), and the mounts a system container
 * needs. The importer rewrites the paths and the name for the target, as for any copy.
 */
export function lxcConfigFor(inst: LxdInstance & { architecture?: string }, dir: string, host: string): string {
  // LXD's architecture names (x86_64, aarch64, armv7l, ppc64le, ...) are words lxc.arch takes
  const arch = inst.architecture ?? null
  return [
    `# Copied by Strata from the LXD instance ${inst.name} on ${host}; LXD's profiles, devices and limits do not carry over.`,
    ...(arch ? [`lxc.arch = ${arch}`] : []),
    `lxc.rootfs.path = dir:${dir}/rootfs`,
    `lxc.uts.name = ${inst.name}`,
    'lxc.net.0.type = empty',
    'lxc.autodev = 1',
    'lxc.mount.auto = cgroup:mixed proc:mixed sys:mixed',
    ''
  ].join('\n')
}
