# bash completion for runway: commands and -key= settings.  Both lists come
# from `runway help` of the runway being completed, so they never drift
# from the binary.  Installed by `make install` as
# PREFIX/share/bash-completion/completions/runway.

# _runway_help_section HEADER: the first word of each line under HEADER.
_runway_help_section() {
  "$_runway_bin" help 2>/dev/null | awk -v h="$1" '
    index($0, h) == 1 { on = 1; next }
    /^[^ ]/ { on = 0 }
    on && NF { print $1 }'
}

_runway() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  _runway_bin=${COMP_WORDS[0]}
  case $cur in
  -*=*)
    # A setting's value: files for the ones that name files or folders.
    case ${cur%%=*} in
    -configFiles|-dryRunOutput|-outputFile|-targets|-workingDirectory)
      local prefix=${cur%%=*}= IFS=$'\n'
      COMPREPLY=($(compgen -f -- "${cur#*=}"))
      COMPREPLY=("${COMPREPLY[@]/#/$prefix}") ;;
    *) COMPREPLY=() ;;
    esac ;;
  -*)
    local opts
    opts=$(_runway_help_section "Options " | sed 's/^/-/; /\.$/!s/$/=/'; printf '%s\n' -X -q --version)
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    compopt -o nospace 2>/dev/null ;;
  *)
    COMPREPLY=($(compgen -W "$(_runway_help_section Commands)" -- "$cur")) ;;
  esac
}
complete -F _runway runway
