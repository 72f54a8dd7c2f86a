// The template-argument rule: template options go to a root script, so the ones that say where
// to build and what are Strata's alone. Plain code without Node imports: the engine contract's
// schema (src/shared/engine-api.ts) and ops/create.ts apply it alike.

/** The template options that say where to build and what: Strata sets them, never its caller. */
const RESERVED_TEMPLATE_OPTIONS = ['rootfs', 'path', 'name']

/**
 * null when a template argument may be passed on, else why not: it must not set (or, as getopt
 * allows, abbreviate) --rootfs, --path or --name, nor the short -p / -n, alone or in a cluster,
 * and must not be `--`, after which the template would not read Strata's own options.
 */
export function templateArgProblem(arg: string): string | null {
  const refused = (what: string): string =>
    `The template argument ${JSON.stringify(arg)} ${what}: Strata sets the template's --path, --name and --rootfs to the container it builds, and the template's arguments may not change them.`
  if (arg === '--') return refused('ends the options, so the template would read Strata\'s own after it as plain words')
  const long = /^--([^=]+)(=|$)/.exec(arg)
  if (long) {
    const option = long[1]!
    const hit = RESERVED_TEMPLATE_OPTIONS.find((o) => o.startsWith(option))
    if (hit) return refused(option === hit ? `sets --${hit}` : `abbreviates --${hit}`)
  } else if (/^-[^-]/.test(arg) && /[pn]/.test(arg.slice(1))) {
    return refused('is a short option that is, or could be read as, -p (path) or -n (name); write short options apart, as -x VALUE')
  }
  return null
}
