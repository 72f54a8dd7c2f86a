// The header of a transfer between hosts as every importer reads it (transfer-wire.ts's
// HeaderReader: an LXC host's and LXD's) and as every exporter sends it (sendHeader): the line
// whole however the channel splits it, what a broken or foreign one is told as, and the archive
// held back until the header is acked.
import { PassThrough, Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { say } from '../../src/shared/engine-text'
import { HeaderReader, sendHeader, TRANSFER_FORMAT, TRANSFER_HEADER_MAX, type TransferHeader } from '../../src/main/engine/ops/transfer-wire'

const header: TransferHeader = { format: TRANSFER_FORMAT, name: 'c1', dir: '/var/lib/lxc/c1', config: 'lxc.uts.name = c1\n', files: [], backend: 'dir', totalFiles: 3, totalBytes: 42 }
const line = Buffer.from(`${JSON.stringify(header)}\n`)

describe('the transfer header', () => {
  it('is read whole however the channel splits it, and what followed it in the last chunk is handed back', () => {
    const reader = new HeaderReader(say('the-copy-to', { name: 'c2' }))
    const cut = [7, 60, line.length - 1]
    expect(reader.push(line.subarray(0, cut[0]))).toBeNull()
    expect(reader.push(line.subarray(cut[0], cut[1]))).toBeNull()
    expect(reader.push(line.subarray(cut[1], cut[2]))).toBeNull()
    const read = reader.push(Buffer.concat([line.subarray(cut[2]!), Buffer.from('tar bytes')]))
    expect(read?.header).toEqual(header)
    expect(read?.rest.toString()).toBe('tar bytes')
  })

  it('refuses a line that is not JSON, another format, an archive root that is not plain names, and one over the size limit, naming the copy', () => {
    const refusal = (chunk: string | Buffer) => {
      try {
        new HeaderReader(say('the-copy-to', { name: 'c2' })).push(Buffer.from(chunk))
      } catch (err) {
        return { message: (err as Error).message, rule: (err as { rule?: string }).rule, key: (err as { said?: { key: string } }).said?.key }
      }
      return null
    }
    // said as data too, for the app to say in its language
    expect(refusal('GNU tar, not a header\n')).toMatchObject({ rule: 'bad-transfer', key: 'header-unreadable', message: expect.stringMatching(/^The copy to c2 did not start with a transfer header Strata reads/) })
    expect(refusal(`${JSON.stringify({ ...header, format: 'strata-transfer-2' })}\n`)?.message).toContain('(format strata-transfer-2)')
    expect(refusal(`${JSON.stringify({ ...header, rootInArchive: '../etc' })}\n`)?.message).toContain('rootfs at "../etc"')
    const reader = new HeaderReader(say('the-copy-to', { name: 'c2' }))
    expect(() => {
      for (let sent = 0; sent <= TRANSFER_HEADER_MAX; sent += 1 << 20) reader.push(Buffer.alloc(1 << 20, 0x20))
    }).toThrow(`The copy to c2 sent a header over ${TRANSFER_HEADER_MAX} bytes.`)
  })

  it('is sent as one line, and taken only once the acks reach its length', async () => {
    const out = new PassThrough()
    const sent = sendHeader(out, header, () => 0)
    expect(out.read()).toEqual(line)
    expect(sent.bytes).toBe(line.length)
    let taken = false
    void sent.taken.then(() => (taken = true))
    sent.acked(line.length - 1)
    await Promise.resolve()
    expect(taken).toBe(false)
    sent.acked(line.length)
    await sent.taken
    expect(taken).toBe(true)
  })

  it('is taken when an in-process importer reads and acks it inside the write itself, before the exporter holds what sendHeader returns', async () => {
    let acked = 0
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        acked += chunk.length // what an importer in this process does: read the line, ack it at once
        done()
      }
    })
    const sent = sendHeader(out, header, () => acked)
    expect(acked).toBe(line.length)
    await expect(sent.taken).resolves.toBeUndefined()
  })
})
