// lxc-snapshot's `ts`: the local time the snapshot was taken, as `%Y:%m:%d %H:%M:%S`.
// Shown to people in their locale; parsed here once, for the renderer and anything else.

/** The moment an lxc-snapshot timestamp names (local time), or null when it is not one. */
export function parseSnapshotTime(ts: string | null | undefined): Date | null {
  const m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(ts?.trim() ?? '')
  if (!m) return null
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number]
  const date = new Date(y, mo - 1, d, h, mi, s)
  // new Date rolls 2026:13:40 over into another day: such a timestamp is not one
  return date.getMonth() === mo - 1 && date.getDate() === d && date.getHours() === h ? date : null
}
