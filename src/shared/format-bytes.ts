// Byte counts for people, the same everywhere (CLI, table, dialogs): binary units, exact below
// 1 KiB, else always one decimal ("1.0 GiB", "2.5 MiB") so a column of sizes lines up.
// Plain code without Node imports: the renderer and the CLI both use it.
const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB']

export function formatBytes(n: number, locale = 'en'): string {
  if (n < 1024) return `${n} B`
  let v = n
  let i = -1
  do {
    v /= 1024
    i++
  } while (v >= 1024 && i < UNITS.length - 1)
  return `${new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v)} ${UNITS[i]}`
}
