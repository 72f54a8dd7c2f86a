// Params that fail a method's schema, said: each zod issue as the parameter it is about (its
// path) and the rule it breaks, as sentences of the engine's table, so that the app says them in
// the user's language and the CLI prints the same English. A rule of the schema's own carries
// its sentence in the issue (`paramRule`); zod's built-in checks are said here by their kind.
// Plain code without Node imports.
import type { z } from 'zod'
import { isSaid, say, type Said, type SaidValue } from './engine-text'

type Issue = z.core.$ZodIssue

/** A schema's own rule (a refine's), carried in the issue as its sentence: `.refine(ok, paramRule(say(...)))`. */
export const paramRule = (said: Said): { message: string; params: { said: Said } } => ({ message: said.text, params: { said } })

/** "create: name: must be a string; backend: must be one of dir, overlay, …" */
export function paramsSaid(method: string, issues: readonly Issue[], params: unknown): Said {
  return say('invalid-params', { method, issues: issuesSaid(issues, params) })
}

/** Each issue of `value` as its path and the rule it breaks, joined: "name: must be a string; backend: …" */
export function issuesSaid(issues: readonly Issue[], value: unknown): SaidValue {
  const each = issues.map((i) => issueSaid(i, value))
  return each.reduce<SaidValue | null>((first, then) => (first === null ? then : say('joined', { first, then })), null) ?? ''
}

function issueSaid(i: Issue, params: unknown): SaidValue {
  const rule = ruleOf(i, valueAt(params, i.path))
  const path = i.path.map(String).join('.')
  return path ? say('param-issue', { path, rule }) : rule
}

function valueAt(params: unknown, path: readonly PropertyKey[]): unknown {
  let v = params
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined
    v = (v as Record<PropertyKey, unknown>)[k]
  }
  return v
}

const TYPES: Readonly<Record<string, Said>> = {
  string: say('param-type-string'),
  number: say('param-type-number'),
  int: say('param-type-int'),
  boolean: say('param-type-boolean'),
  array: say('param-type-array'),
  object: say('param-type-object')
}

/** The rule an issue says was broken; zod's own words only for a kind of check Strata's schemas do not use. */
function ruleOf(i: Issue, value: unknown): SaidValue {
  switch (i.code) {
    case 'invalid_type':
      return value === undefined ? say('param-missing') : say('param-type', { type: TYPES[i.expected] ?? say('param-type-other', { type: i.expected }) })
    case 'invalid_value':
      return say('param-one-of', { values: i.values.map(String).join(', ') })
    case 'invalid_union': {
      // an enum or a literal in each branch (a backend or "best"): the values of all of them
      const values = i.errors.map((branch) => (branch.length === 1 && branch[0]!.code === 'invalid_value' ? branch[0]!.values : null))
      if (values.length > 0 && values.every((v) => v !== null)) return say('param-one-of', { values: values.flat().map(String).join(', ') })
      return say('param-no-form')
    }
    case 'unrecognized_keys':
      return say('param-unknown-keys', { keys: i.keys.map((k) => `"${k}"`).join(', '), count: i.keys.length })
    case 'too_small': {
      const min = Number(i.minimum)
      if (i.origin === 'string') return min === 1 ? say('param-empty') : say('param-min-length', { min })
      if (i.origin === 'array' || i.origin === 'set') return say('param-min-items', { min })
      return i.inclusive === false ? say('param-more-than', { min }) : say('param-at-least', { min })
    }
    case 'too_big': {
      const max = Number(i.maximum)
      if (i.origin === 'string') return say('param-max-length', { max })
      if (i.origin === 'array' || i.origin === 'set') return say('param-max-items', { max })
      return i.inclusive === false ? say('param-less-than', { max }) : say('param-at-most', { max })
    }
    case 'invalid_format':
      if (i.format === 'regex' && i.pattern) return say('param-pattern', { pattern: i.pattern })
      if (i.format === 'starts_with' && 'prefix' in i) return say('param-starts-with', { prefix: String(i.prefix) })
      return say('param-format', { format: i.format })
    case 'not_multiple_of':
      return say('param-multiple-of', { divisor: Number(i.divisor) })
    case 'custom': {
      const said: unknown = i.params?.['said']
      return isSaid(said) ? said : i.message
    }
    default:
      return i.message
  }
}
