// One zod schema per helper method: the shape of its params, checked before anything else.
// These are shape rules only (types, lengths, characters); whether an lxcpath is one this
// helper serves is decided afterwards by lxcpath-policy.ts, against the disk.
import { z } from 'zod'
import { BACKENDS, type Backend } from '@shared/model'
import { containerNameProblem, existingContainerNameProblem } from '@shared/names'
import { templateArgProblem } from '../engine/ops/create'
import type { HelperMethod } from './protocol'

const PATH_MAX = 4096

/** An absolute path with no NUL and no `.`/`..` segment: it is compared, never resolved. */
export const lxcpathParam = z
  .string()
  .min(1)
  .max(PATH_MAX)
  .refine((p) => !p.includes('\0'), 'a path must not contain a NUL byte')
  .refine((p) => p.startsWith('/'), 'an lxcpath must be an absolute path')
  .refine((p) => !p.split('/').some((s) => s === '..' || s === '.'), 'a path must not contain "." or ".." segments')

/** The engine's container-name rule (engine/names.ts), the one the CLI and the app's API apply. */
export const containerName = z
  .string()
  .max(1024, 'a container name is at most 254 bytes')
  .superRefine((name, ctx) => {
    const problem = containerNameProblem(name)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

/** LXC names snapshots snap0, snap1, ... */
export const snapshotName = z.string().regex(/^snap[0-9]{1,9}$/, 'a snapshot name is snapN (snap0, snap1, ...)')

/** An existing container's name: may also be hidden (a leading `.`), never Strata's `.strata-*` work. */
export const existingContainerName = z
  .string()
  .max(1024, 'a container name is at most 254 bytes')
  .superRefine((name, ctx) => {
    const problem = existingContainerNameProblem(name)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

export const containerRef = z.object({ lxcpath: lxcpathParam, name: existingContainerName }).strict()

const backend = z.enum(BACKENDS as readonly [Backend, ...Backend[]])

/** LXC template names (`lxc-<name>` under the templates dir), never a path. */
const templateName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a template is the name of an installed LXC template (lxc-<name>), not a path')
/** Template options go to a root script: plain words only, no paths (no `/`), none of Strata's own (create.ts). */
const templateArg = z
  .string()
  .max(256)
  .regex(/^[A-Za-z0-9._=:,+@-]*$/, 'template arguments are plain words (letters, digits, . _ = : , + @ -); paths are not allowed')
  .superRefine((arg, ctx) => {
    const problem = templateArgProblem(arg)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })

const lxcpathList = z.array(lxcpathParam).max(64)
const comment = z
  .string()
  .max(64 * 1024)
  .refine((c) => !c.includes('\0'), 'a comment must not contain a NUL byte')

export const HELPER_PARAMS = {
  list: z.object({ lxcpaths: lxcpathList.optional(), all: z.boolean().optional() }).strict(),
  lineage: z.object({ lxcpaths: lxcpathList.optional(), all: z.boolean().optional() }).strict(),
  configView: z.object({ ref: containerRef }).strict(),
  clone: z
    .object({
      origin: containerRef,
      name: containerName,
      lxcpath: lxcpathParam.optional(),
      snapshot: z.boolean().optional(),
      backend: backend.optional(),
      expandConfig: z.boolean().optional()
    })
    .strict(),
  destroy: z.object({ ref: containerRef, withDependents: z.boolean().optional(), deleteOutside: z.array(lxcpathParam).max(64).optional() }).strict(),
  createSnapshot: z.object({ ref: containerRef, comment: comment.optional() }).strict(),
  restoreSnapshot: z.object({ ref: containerRef, snapshot: snapshotName, newName: containerName.optional() }).strict(),
  deleteSnapshot: z.object({ ref: containerRef, snapshot: snapshotName }).strict(),
  create: z
    .object({
      lxcpath: lxcpathParam,
      name: containerName,
      template: templateName,
      backend: z.union([backend, z.literal('best')]).optional(),
      templateArgs: z.array(templateArg).max(64).optional()
    })
    .strict(),
  flatten: z.object({ ref: containerRef }).strict(),
  usage: z
    .object({ lxcpaths: lxcpathList.optional(), names: z.array(containerRef).max(10_000).optional(), all: z.boolean().optional() })
    .strict(),
  diff: z.object({ ref: containerRef }).strict(),
  start: z.object({ ref: containerRef }).strict(),
  stop: z.object({ ref: containerRef }).strict(),
  /** dependents are looked for in `lxcpaths` (each one this helper serves) as well */
  repairBookkeeping: z.object({ ref: containerRef, lxcpaths: lxcpathList.optional() }).strict()
} as const satisfies Record<HelperMethod, z.ZodType>

export type HelperParams<M extends HelperMethod> = z.output<(typeof HELPER_PARAMS)[M]>

/** Validates untrusted params; the error is one sentence naming the method, the field and the rule. */
export function parseHelperParams<M extends HelperMethod>(
  method: M,
  params: unknown
): { ok: true; value: HelperParams<M> } | { ok: false; message: string } {
  const r = HELPER_PARAMS[method].safeParse(params ?? {})
  if (r.success) return { ok: true, value: r.data as HelperParams<M> }
  const why = r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')
  return { ok: false, message: `${method}: ${why}` }
}
