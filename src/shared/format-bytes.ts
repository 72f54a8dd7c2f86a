// Byte counts for people, the same everywhere (CLI, table, dialogs): binary units, exact below
// 1 KiB, else always one decimal ("1.0 GiB", "2.5 MiB") so a column of sizes lines up.
// Plain code without Node imports: the renderer and the CLI both use it.
const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/** One number format per locale: making one costs more than formatting a thousand numbers (a big graph's labels). */
const formats = new Map<string, Intl.NumberFormat>()

export function formatBytes(n: number, locale = 'en'): string {
  if (n < 1024) return `${n} B`
  let v = n
  let i = -1
  do {
    v /= 1024
    i++
  } while (v >= 1024 && i < UNITS.length - 1)
  let format = formats.get(locale)
  if (!format) formats.set(locale, (format = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })))
  return `${format.format(v)} ${UNITS[i]}`
}
