// The CLI's own help, read from the built CLI: `strata --help` and `strata <command> --help`
// for each command it lists. The man page and the bash completion are generated from this, so
// they say what the CLI says.
import { execFileSync } from 'node:child_process'

/** { main: text of `strata --help`, commands: [{ name, help }] } */
export function readCliHelp(strataBin) {
  const run = (args) => execFileSync(process.execPath, [strataBin, ...args], { encoding: 'utf8' })
  const main = run(['--help'])
  const section = main.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? ''
  const names = [...section.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1])
  if (names.length === 0) throw new Error('strata --help lists no commands: is the CLI built?')
  return { main, commands: names.map((name) => ({ name, help: run([name, '--help']) })) }
}

/**
 * The flags a command takes, as its help names them: those in its usage lines, and the long
 * forms its text pairs with them (`-a, --all`). Flags of other tools named in the prose are not its own.
 */
export function flagsOf(help) {
  const [usage, ...rest] = help.trim().split('\n\n')
  const flag = /(?<![\w-])(--?[A-Za-z][\w-]*)/g
  const own = [...usage.matchAll(flag)].map((m) => m[1])
  const paired = [...rest.join('\n').matchAll(/(?<![\w-])(-[A-Za-z]), (--[A-Za-z][\w-]*)/g)].filter((m) => own.includes(m[1])).map((m) => m[2])
  return [...new Set([...own, ...paired])]
}
