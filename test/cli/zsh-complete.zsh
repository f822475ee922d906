# Completes command lines in an interactive zsh on a pseudo-terminal (zsh/zpty), as a user
# pressing Tab would: zsh -f zsh-complete.zsh <completion script> <line>...
# Prints, for each line, what the terminal showed after Tab, then a line "--- end".
zmodload zsh/zpty || exit 2
local script=$1; shift
zpty z "TERM=dumb zsh -f -i"
integer n=0

# Types $1 and waits until the shell ran the marker command that follows it.
type_and_wait() {
  (( n++ ))
  local out chunk mark="DONE-$(( n * 1000 + 1 ))"
  zpty -w -n z "$1"$'\x15'"echo DONE-\$(( $n * 1000 + 1 ))"$'\n'
  integer waited=0
  until [[ "$out" == *"$mark"* ]]; do
    if zpty -r -t z chunk; then out+=$chunk; else sleep 0.05; (( waited++ )); fi
    if (( waited > 600 )); then print -r -- "$out"; print -- '--- timeout'; zpty -d z; exit 3; fi
  done
  reply=$out
}

type_and_wait "PS1='> '; autoload -Uz compinit; compinit -u -D; source ${(q)script}; setopt nobeep; LISTMAX=10000"$'\n'
for line in "$@"; do
  type_and_wait "$line"$'\t'
  print -r -- "$reply"
  print -- '--- end'
done
zpty -d z
