// strata(1) in roff, generated from the CLI's own help (cli-help.mjs): the synopsis and
// commands from `strata --help` and each `strata <command> --help`, the exit status table
// from the same help. Prose is filled; indented lines (option tables) are kept as they are.

/** Text made safe for roff: backslashes, minus signs, and control characters at line start. */
function esc(text) {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/gm, '\\&$1')
}

/** Help text -> roff: runs of indented lines stay as they are, the rest is filled prose. */
function body(text) {
  const out = []
  let pre = false
  for (const line of text.split('\n')) {
    const indented = /^\s/.test(line) && line.trim() !== ''
    if (indented && !pre) out.push('.PP', '.RS 2', '.nf')
    if (!indented && pre) out.push('.fi', '.RE')
    pre = indented
    if (line.trim() === '') {
      if (!pre) out.push('.PP')
      continue
    }
    out.push(esc(indented ? line.slice(2) : line))
  }
  if (pre) out.push('.fi', '.RE')
  return out
}

/** The man page for `help` (readCliHelp), dated `date` (YYYY-MM-DD), for `version`; `description` for NAME, `about` (package.json's) opens DESCRIPTION. */
export function manPage(help, { version, date, description, about }) {
  const [, exitBlock = ''] = help.main.split('\nExit status:\n')
  const notes = help.main.split('\nCommands:\n')[1]?.split('\n\n').slice(1).join('\n\n').split('\nExit status:')[0] ?? ''
  const lines = [
    `.TH STRATA 1 "${date}" "strata ${version}" "User Commands"`,
    '.SH NAME',
    `strata \\- ${esc(description)}`,
    '.SH SYNOPSIS',
    '.B strata',
    '.I command',
    '.RI [ options ]',
    '.br',
    '.B strata',
    '.I command',
    '.B \\-\\-help',
    '.SH DESCRIPTION',
    '.B strata',
    esc(`is the command-line tool of Strata, ${about.charAt(0).toLowerCase()}${about.slice(1)}.`),
    '.PP',
    ...body(notes.trim()),
    '.SH COMMANDS'
  ]
  for (const { name, help: text } of help.commands) {
    const [usage, ...rest] = text.trim().split('\n\n')
    lines.push(`.SS ${name}`, '.nf', ...usage.split('\n').map((l) => esc(l.replace(/^Usage: /, '').replace(/^ {7}/, ''))), '.fi', ...body(rest.join('\n\n')))
  }
  lines.push('.SH "EXIT STATUS"')
  for (const m of exitBlock.matchAll(/^ {2}(\d+) +(.*)$/gm)) lines.push('.TP', `.B ${m[1]}`, esc(m[2]))
  lines.push(
    '.SH FILES',
    '.TP',
    '.I /etc/strata/lxcpaths',
    esc('The lxcpaths the root helper may serve besides LXC\'s own, one a line (root\'s file; ignored if anyone else can write to it).'),
    '.TP',
    '.I /usr/libexec/strata/strata\\-helper',
    esc('The root helper, started through pkexec(1) for lxcpaths only root may use (polkit action io.strata.helper).'),
    '.SH "SEE ALSO"',
    '.BR lxc\\-ls (1),',
    '.BR lxc\\-copy (1),',
    '.BR lxc\\-destroy (1),',
    '.BR lxc\\-snapshot (1),',
    '.BR lxc.container.conf (5),',
    '.BR pkexec (1)',
    ''
  )
  return lines.join('\n')
}
