// The temporary images a copy into LXD uploads (lxd-import.ts): each is marked in its
// metadata.yaml with the time it was made, and deleted by the copy once LXD made the instance
// from it. A Strata killed in between leaves it behind, and LXD never expires it by itself: its
// expired-image pruning looks at cached images only, and an `expires_at` in the past is kept
// (seen on LXD 5.0.2 across a restart, which runs the pruning). So the marked images older than
// an hour are swept when a host connects and before each copy into it: an hour is far longer
// than the gap between the upload's end and the image's deletion, so another Strata's copy in
// flight is never hit; this process's own copies in flight are never swept at any age.
import type { LxdConnection } from './lxd-connection'

/** The image property marking Strata's temporary images; its value is the Unix time (seconds) it was made. */
export const TEMPORARY_PROPERTY = 'user.strata.temporary-since'
/** How old a marked image must be before it counts as left behind. */
export const LEFT_BEHIND_AFTER_S = 3600

/** Fingerprints of this process's copies in flight (uploaded, not yet deleted). */
const inFlight = new Set<string>()

/** The image properties that mark a temporary image made now. */
export function temporaryProperties(now = Date.now()): Record<string, string> {
  return { [TEMPORARY_PROPERTY]: String(Math.floor(now / 1000)) }
}

/** Marks a fingerprint as in flight until the returned function is called. */
export function holdImage(fingerprint: string): () => void {
  inFlight.add(fingerprint)
  return () => void inFlight.delete(fingerprint)
}

interface LxdImage {
  fingerprint: string
  properties?: Record<string, string> | null
}

/**
 * Deletes the temporary images left behind in these projects; the fingerprints deleted. Never
 * throws: a sweep that cannot run now runs at the next connection or copy.
 */
export async function sweepTemporaryImages(api: LxdConnection, projects: string[], now = Date.now()): Promise<string[]> {
  const swept: string[] = []
  for (const project of projects) {
    const q = `project=${encodeURIComponent(project)}`
    let images: LxdImage[]
    try {
      images = await api.get<LxdImage[]>(`/1.0/images?recursion=1&${q}`)
    } catch {
      continue
    }
    for (const image of images) {
      const since = Number(image.properties?.[TEMPORARY_PROPERTY])
      if (!Number.isFinite(since) || since <= 0 || inFlight.has(image.fingerprint)) continue
      if (now / 1000 - since < LEFT_BEHIND_AFTER_S) continue
      try {
        const { operation } = await api.call('DELETE', `/1.0/images/${image.fingerprint}?${q}`)
        if (operation) await api.wait(operation)
        swept.push(image.fingerprint)
      } catch {
        // gone already (another Strata swept it), or LXD busy with it: the next sweep tries again
      }
    }
  }
  return swept
}
