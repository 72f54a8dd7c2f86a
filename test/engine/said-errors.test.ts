// Every error the engine can hand to the app says its sentence as data (a Said of
// shared/engine-text.ts), so that the app shows it in the user's language: an error made from
// a plain string literal in the code that reaches the app fails here, unless it is listed below
// with the reason it never reaches the app.
import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = join(__dirname, '..', '..')

/** What reaches the app: the engine, the root helper, the hosts' sessions, the service and what they share. */
const SCANNED = ['src/main', 'src/shared']
/** What never reaches the app, by directory or file, and why. */
const NOT_THE_APP: Record<string, string> = {
  'src/main/cli': 'the CLI prints English (its words are the English of the table)',
  'src/shared/errors.ts': 'where the error type itself is made'
}

/** The error makers (shared/errors.ts, and the helper's, helper/client.ts) and which argument is the message. */
const MAKERS: Record<string, number> = { refused: 1, unavailable: 1, notFound: 0, usageError: 0, permissionDenied: 0, cancelled: 0, failed: 0, helperError: 1 }

// Why errors made from words may stay in a file.
/** the app's own requests never meet them: a malformed request line, an unknown method or stream, a byte channel's handshake */
const PROTOCOL = 'protocol'
/** the native addon is missing or broken: said to whoever installs Strata, before any UI can work */
const INSTALL = 'install'
/** a cancel: the app shows the task as cancelled, in its own words, not this message */
const CANCEL = 'cancel'
/** a failed start: the app shows its diagnosis (the causes in the user's language, LXC's lines) instead */
const START = 'start'
/** only the CLI meets them: -B names (the app passes a backend it was offered), strata mount and umount (the app mounts no container), a `strata --host` command's cancel and its note after a dropped connection (hosts/host-session.ts; the app's hosts are hosts/host-connection.ts) */
const CLI_ONLY = 'CLI only'
/** a guard against a bug (a path of "/", a claim with a newline): never meant for a user */
const GUARD = 'guard'
/** Errors still made from words, per file, and why they may stay (each reason that holds for one of them). The counts may only go down. */
const STILL_WORDS: Record<string, { count: number; why: string | string[] }> = {
  'src/main/engine/context.ts': { count: 1, why: CANCEL },
  'src/main/engine/drivers/claims.ts': { count: 1, why: GUARD },
  'src/main/engine/drivers/compat.ts': { count: 5, why: CLI_ONLY },
  'src/main/engine/fs/remove.ts': { count: 2, why: GUARD },
  'src/main/engine/fs/xattr-scan.ts': { count: 1, why: CANCEL },
  'src/main/engine/mount.ts': { count: 5, why: CLI_ONLY },
  'src/main/engine/native/beneath.ts': { count: 1, why: INSTALL },
  'src/main/engine/native/index.ts': { count: 4, why: INSTALL },
  'src/main/engine/ops/lifecycle.ts': { count: 1, why: START },
  'src/main/helper/byte-channel.ts': { count: 5, why: PROTOCOL },
  'src/main/helper/protocol.ts': { count: 1, why: PROTOCOL },
  'src/main/helper/server.ts': { count: 6, why: PROTOCOL },
  'src/main/hosts/host-session.ts': { count: 3, why: CLI_ONLY },
  'src/main/hosts/lxd/lxd-connection.ts': { count: 1, why: CANCEL },
  // two cancels; watchChanges called without its stream (a guard)
  'src/main/hosts/lxd/lxd-engine.ts': { count: 3, why: [CANCEL, GUARD] },
  'src/main/service.ts': { count: 3, why: PROTOCOL },
  'src/main/streams.ts': { count: 1, why: PROTOCOL },
  'src/main/web/server.ts': { count: 2, why: PROTOCOL }
}

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = join(dir, e.name)
    if (Object.hasOwn(NOT_THE_APP, rel)) return []
    if (e.isDirectory()) return files(rel)
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [rel] : []
  })
}

// The code as the compiler sees it: a message is words when its type may be a string, however it was made.
const program = ts.createProgram(SCANNED.flatMap(files).map((f) => join(ROOT, f)), {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  baseUrl: ROOT,
  paths: { '@shared/*': ['src/shared/*'] },
  types: ['node']
})
const checker = program.getTypeChecker()

/** Whether a message is plain words: its type is a string (a Said, or a Said where there is one, is not). */
function words(e: ts.Expression): boolean {
  const type = checker.getTypeAtLocation(e)
  const parts = type.isUnion() ? type.types : [type]
  return parts.every((t) => (t.flags & ts.TypeFlags.StringLike) !== 0)
}

/** The errors made from words in a file: line and the call's opening. */
function wordErrors(file: string): string[] {
  const src = program.getSourceFile(join(ROOT, file))!
  const found: string[] = []
  const visit = (n: ts.Node): void => {
    let message: ts.Expression | undefined
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && Object.hasOwn(MAKERS, n.expression.text)) message = n.arguments[MAKERS[n.expression.text]!]
    // a bug in Strata is not for the user to read: `internal` errors are English
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'StrataError') {
      const code = n.arguments?.[0]
      if (!(code && ts.isStringLiteral(code) && code.text === 'internal')) message = n.arguments?.[1]
    }
    if (message && words(message)) found.push(`${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}: ${n.getText().slice(0, 100)}`)
    ts.forEachChild(n, visit)
  }
  visit(src)
  return found
}

describe('errors that reach the app are said as data', () => {
  const all = SCANNED.flatMap(files).map((f) => [relative(ROOT, join(ROOT, f)), wordErrors(f)] as const)
  it('no error is made from words outside the files listed, and the listed ones do not grow', () => {
    const over = all.filter(([f, found]) => found.length > (STILL_WORDS[f]?.count ?? 0)).map(([f, found]) => ({ file: f, allowed: STILL_WORDS[f]?.count ?? 0, found }))
    expect(over).toEqual([])
  })
  it('the list is kept true: a file that has fewer lowers its count', () => {
    const counts = Object.fromEntries(all.filter(([, found]) => found.length > 0).map(([f, found]) => [f, found.length]))
    expect(counts).toEqual(Object.fromEntries(Object.entries(STILL_WORDS).map(([f, v]) => [f, v.count])))
  })
})
