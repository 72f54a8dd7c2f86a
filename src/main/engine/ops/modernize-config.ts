// The legacy-key conversion of a container's own config file (what `strata config --modern`
// prints), as an action: a preview of each changed line, then the write, under LXC's lock,
// of exactly the file that was previewed (its digest): a config changed in between is refused.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { ContainerRef } from '@shared/model'
import { refused } from '@shared/errors'
import { withLxcLock } from '../lock'
import { writeAtomically } from '../lineage/update'
import { loadExisting } from './preconditions'
import { show } from '../errors'
import { modernizeConfig } from '../config/modernize'
import { say, type Said } from '@shared/engine-text'
import { parseConfig, serializeConfig } from '../config/parse'

export interface ModernPreview {
  /** each line that changes: its number, the old text, the new (null: removed), why */
  changes: { line: number; from: string; to: string | null; note: string; noteSaid?: Said }[]
  /** the digest of the file previewed, for the apply */
  digest: string
}

function convert(file: string): { text: string; converted: string; preview: ModernPreview } {
  const text = readFileSync(file, 'utf8')
  const { doc, changes } = modernizeConfig(parseConfig(text, file).doc)
  const digest = createHash('sha256').update(text).digest('hex')
  return { text, converted: serializeConfig(doc), preview: { changes: changes.filter((c) => c.to !== c.from), digest } }
}

export function previewModernConfig(ref: ContainerRef): ModernPreview {
  return convert(loadExisting(ref).configFile).preview
}

export async function applyModernConfig(ref: ContainerRef, digest: string): Promise<{ changed: number }> {
  const file = loadExisting(ref).configFile
  return withLxcLock(ref, () => {
    const { converted, preview } = convert(file)
    if (preview.digest !== digest)
      throw refused('config-changed', say('config-changed', { file }), show(ref))
    if (preview.changes.length === 0) return { changed: 0 }
    writeAtomically(file, converted)
    return { changed: preview.changes.length }
  })
}
