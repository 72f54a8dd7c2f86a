// bash completion for strata, generated from the CLI's own help (cli-help.mjs): the commands
// and each command's flags; container names for -n/-o from the lxcpath the line names (-P, or
// -p for clone's origin) or LXC's default (lxc-config). Names come from reading the lxcpath's
// directory as this user, never from `strata ls`: completing must not start the root helper
// and ask for a password, so a root-only lxcpath completes no names unless the user is root.
import { flagsOf } from './cli-help.mjs'

const BACKENDS = 'dir overlay btrfs loop none best'

export function bashCompletion(help) {
  const commands = help.commands.map((c) => c.name)
  const flagCases = help.commands.map((c) => `    ${c.name}) echo '${flagsOf(c.help).join(' ')}' ;;`).join('\n')
  return `# bash completion for strata(1); generated from the CLI's help when the package is built.
# shellcheck shell=bash

_strata_flags() {
  case $1 in
${flagCases}
  esac
}

# The value of the last of the given options on the command line, or nothing.
_strata_option() {
  local i value=
  for ((i = 2; i < COMP_CWORD; i++)); do
    local w=\${COMP_WORDS[i]}
    for opt in "$@"; do
      [[ $w == "$opt" ]] && value=\${COMP_WORDS[i + 1]}
    done
  done
  printf '%s' "$value"
}

# Container names in an lxcpath this user can read: directories holding a config.
_strata_names() {
  local lxcpath=$1 config
  [[ -n $lxcpath ]] || lxcpath=$(lxc-config lxc.lxcpath 2>/dev/null)
  [[ -r $lxcpath && -x $lxcpath ]] || return 0
  for config in "$lxcpath"/*/config; do
    [[ -e $config ]] || continue
    config=\${config%/config}
    printf '%s\\n' "\${config##*/}"
  done
}

_strata() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()
  if ((COMP_CWORD == 1)); then
    mapfile -t COMPREPLY < <(compgen -W '${commands.join(' ')} --help' -- "$cur")
    return 0
  fi
  local command=\${COMP_WORDS[1]}
  case $prev in
    -P | --lxcpath | -p | --origpath | --newpath | --path | --delete-outside)
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
      return 0
      ;;
    -c | --comment | -f | --config)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return 0
      ;;
    -B | --backend)
      mapfile -t COMPREPLY < <(compgen -W '${BACKENDS}' -- "$cur")
      return 0
      ;;
    -t | --template)
      local templates=(/usr/share/lxc/templates/lxc-*)
      mapfile -t COMPREPLY < <(compgen -W "\${templates[*]##*/lxc-}" -- "$cur")
      return 0
      ;;
    -o | --orig)
      mapfile -t COMPREPLY < <(compgen -W "$(_strata_names "$(_strata_option -p --origpath)")" -- "$cur")
      return 0
      ;;
    -n | --name)
      # clone -n and create -n name a new container
      [[ $command == clone || $command == create ]] && return 0
      mapfile -t COMPREPLY < <(compgen -W "$(_strata_names "$(_strata_option -P --lxcpath)")" -- "$cur")
      return 0
      ;;
  esac
  mapfile -t COMPREPLY < <(compgen -W "$(_strata_flags "$command") --help" -- "$cur")
  return 0
}
complete -F _strata strata
`
}
