// The importer's acks, which the exporter of a copy between hosts counts on: it shows them as the
// copy's progress and ends the copy once they reach what it sent. An ack may never count a byte
// that was not sent (the exporter would end early, closing the channel under the importer), and
// the last one brings the total to all of it. Real GNU tar on both ends, in this process.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Duplex, PassThrough } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import type { StreamInput } from '../../src/shared/engine-api'
import { importContainer } from '../../src/main/engine/ops/transfer-import'
import { endMessage, sendHeader, TAR_ATTRIBUTES, TRANSFER_FORMAT, type HeaderSent, type TransferHeader } from '../../src/main/engine/ops/transfer-wire'
import { removeLxcLockDir } from '../helpers/lxc'

const work = mkdtempSync(join(tmpdir(), 'strata-acks-'))
afterAll(() => {
  rmSync(work, { recursive: true, force: true })
  removeLxcLockDir(join(work, 'lxc'))
})

describe('a copy between hosts, as the importer acks it', () => {
  it('acks never more than was sent, and all of it by the end; the copy has the source\'s bytes', async () => {
    const sourceDir = join(work, 'src')
    mkdirSync(join(sourceDir, 'rootfs'), { recursive: true })
    const data = randomBytes(8 << 20) // 8 MiB: several of tar's checkpoints (an ack every ~1 MiB)
    writeFileSync(join(sourceDir, 'rootfs', 'big'), data)
    const lxcpath = join(work, 'lxc')
    mkdirSync(lxcpath)

    const intoImporter = new PassThrough()
    const fromImporter = new PassThrough().resume()
    let sent = 0
    let ackedTotal = 0
    const overAcked: string[] = []
    let head: HeaderSent | null = null
    let toImporter!: (input: StreamInput) => void
    const importing = importContainer(
      { lxcpath, name: 'copy' },
      {
        stream: {
          send: (message) => {
            if (!message.startsWith('a')) return
            ackedTotal += Number(message.slice(1))
            if (ackedTotal > sent) overAcked.push(`${ackedTotal} acked after ${sent} sent`)
            head?.acked(ackedTotal)
          },
          onInput: (cb) => (toImporter = cb),
          openChannel: () => ({ offer: 'test:1', connected: Promise.resolve(Duplex.from({ readable: intoImporter, writable: fromImporter })), close: () => undefined })
        }
      }
    )
    const header: TransferHeader = {
      format: TRANSFER_FORMAT,
      name: 'src',
      dir: sourceDir,
      config: `lxc.rootfs.path = dir:${sourceDir}/rootfs\nlxc.uts.name = src\nlxc.net.0.type = empty\n`,
      files: [],
      backend: 'dir',
      totalFiles: 1,
      totalBytes: data.length
    }
    // counted before the write: the importer may read and ack the line inside it
    sent = Buffer.byteLength(`${JSON.stringify(header)}\n`)
    const sentHead = sendHeader(intoImporter, header, () => ackedTotal)
    expect(sentHead.bytes).toBe(sent)
    head = sentHead
    await sentHead.taken
    const tar = spawn('tar', ['--create', '--file=-', `--directory=${join(sourceDir, 'rootfs')}`, ...TAR_ATTRIBUTES, '.'], { stdio: ['ignore', 'pipe', 'inherit'] })
    for await (const chunk of tar.stdout as AsyncIterable<Buffer>) {
      sent += chunk.length
      if (!intoImporter.write(chunk)) await new Promise((r) => intoImporter.once('drain', r))
    }
    intoImporter.end()
    toImporter({ data: endMessage({ bytes: sent, files: 1 }) })

    await expect(importing).resolves.toEqual({ lxcpath, name: 'copy' })
    expect(overAcked).toEqual([])
    expect(ackedTotal).toBe(sent)
    expect(readFileSync(join(lxcpath, 'copy', 'rootfs', 'big')).equals(data)).toBe(true)
  }, 60_000)
})
