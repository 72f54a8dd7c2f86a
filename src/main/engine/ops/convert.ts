// Convert an aufs clone (LXC <= 2.x: `aufs:<lower>:<P>/<n>/delta0`) to overlay, which this
// kernel can mount: the aufs upper is copied to overlay/delta and its aufs markers become
// overlay's: `.wh.NAME` -> a whiteout (0/0 char device) named NAME, `.wh..wh..opq` -> the
// trusted.overlay.opaque=y xattr on its directory; aufs's own `.wh..wh.*` entries are dropped.
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ContainerRef } from '@shared/model'
import { cloneConfig } from '../config/rewrite'
import { copyDirectoryTree } from '../fs/copy'
import { removeDirectoryTree } from '../fs/remove'
import { mkWhiteout, setXattr } from '../native/index'
import { assertStopped, loadExisting } from './preconditions'
import { carryOver } from './carry-over'
import { note, type OpContext } from '../context'
import { refused } from '@shared/errors'
import { say } from '@shared/engine-text'
import { show } from '../errors'
import { admitLowers } from './recorded'
import { swapInRebuilt } from './swap'
import { goneLowers } from '../rootfs'

const OPAQUE = '.wh..wh..opq'
const WH = '.wh.'

/** Rewrites aufs whiteouts in `root` (a fresh copy) as overlay ones; never follows a symlink. */
export async function translateWhiteouts(root: string): Promise<{ whiteouts: number; opaque: number }> {
  let whiteouts = 0
  let opaque = 0
  const walk = async (dir: string): Promise<void> => {
    const entries = readdirSync(dir, { withFileTypes: true })
    const names = new Set(entries.map((e) => e.name))
    for (const e of entries) {
      const path = join(dir, e.name)
      if (e.name === OPAQUE) {
        await removeDirectoryTree(path)
        await setXattr(dir, 'trusted.overlay.opaque', Buffer.from('y'))
        opaque++
      } else if (e.name.startsWith(`${WH}${WH}`)) {
        await removeDirectoryTree(path) // aufs's own bookkeeping (.wh..wh.aufs, .wh..wh.plnk, .wh..wh.orph)
      } else if (e.name.startsWith(WH)) {
        await removeDirectoryTree(path)
        const hidden = e.name.slice(WH.length)
        if (!names.has(hidden)) {
          await mkWhiteout(join(dir, hidden))
          whiteouts++
        }
      } else if (e.isDirectory()) {
        await walk(path)
      }
    }
  }
  await walk(root)
  return { whiteouts, opaque }
}

export async function convertAufsToOverlay(ref: ContainerRef, ctx: OpContext = {}): Promise<void> {
  const record = loadExisting(ref)
  const spec = record.spec
  if (!spec || spec.backend !== 'aufs') throw refused('convert-not-aufs', record.backend ? say('convert-not-aufs', { name: ref.name, backend: record.backend }) : say('convert-no-rootfs', { name: ref.name }), show(ref))
  admitLowers(spec, record.configFile, ctx)
  const missing = goneLowers(spec)[0]
  if (missing) throw refused('convert-lower-missing', say('convert-lower-missing', { name: ref.name, lower: missing }), show(ref))
  await assertStopped(ref, 'convert')
  const dir = record.dir
  await swapInRebuilt(
    { what: 'convert', ref, dir, addOrigins: [], removeOrigins: [], oldSpec: spec },
    async (staging) => {
      const upper = join(staging, 'overlay/delta')
      mkdirSync(join(staging, 'overlay'), { mode: 0o755 })
      note(ctx, 'copy', say('progress-convert-copy', { upper: spec.upper }))
      await copyDirectoryTree(spec.upper, upper, ctx)
      const t = await translateWhiteouts(upper)
      note(ctx, 'convert', say('progress-convert-translated', { whiteouts: t.whiteouts, opaque: t.opaque }))
      mkdirSync(join(staging, 'overlay/work'), { mode: 0o755 })
      mkdirSync(join(staging, 'rootfs'), { mode: 0o755 })
      chmodSync(join(staging, 'rootfs'), 0o755)
      await carryOver(dir, staging, ctx, ['lxc_rdepends'])
      const config = cloneConfig(record.configFile, {
        oldDir: dir,
        newDir: dir,
        newName: ref.name,
        rootfs: `overlay:${spec.lowers.join(':')}:${dir}/overlay/delta`,
        keepName: true,
        keepMacs: true
      })
      writeFileSync(join(staging, 'config'), config.text, { mode: 0o640 })
    },
    ctx
  )
}
