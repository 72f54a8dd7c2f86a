// The template-argument rule: template options go to a root script, so the ones that say where
// to build and what are Strata's alone. Plain code without Node imports: the engine contract's
// schema (src/shared/engine-api.ts) and ops/create.ts apply it alike.
import { say, type Said } from './engine-text'

/** The template options that say where to build and what: Strata sets them, never its caller. */
const RESERVED_TEMPLATE_OPTIONS = ['rootfs', 'path', 'name']

/**
 * null when a template argument may be passed on, else why not: it must not set (or, as getopt
 * allows, abbreviate) --rootfs, --path or --name, nor the short -p / -n, alone or in a cluster,
 * and must not be `--`, after which the template would not read Strata's own options.
 */
export function templateArgProblem(arg: string): Said | null {
  const refused = (what: Said): Said => say('template-arg', { arg: JSON.stringify(arg), what })
  if (arg === '--') return refused(say('template-arg-ends-options'))
  const long = /^--([^=]+)(=|$)/.exec(arg)
  if (long) {
    const option = long[1]!
    const hit = RESERVED_TEMPLATE_OPTIONS.find((o) => o.startsWith(option))
    if (hit) return refused(option === hit ? say('template-arg-sets', { option: hit }) : say('template-arg-abbreviates', { option: hit }))
  } else if (/^-[^-]/.test(arg) && /[pn]/.test(arg.slice(1))) {
    return refused(say('template-arg-short'))
  }
  return null
}
