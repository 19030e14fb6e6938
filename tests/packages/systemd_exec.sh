# tests/packages/systemd_exec.sh — runs a unit's ExecStart as systemd would, where
# systemd is not the init (containers, CI). Covers what automl-worker@.service uses:
# the %i specifier, one EnvironmentFile (VAR=value lines, # and ; comments, a value in
# double quotes with \-escapes or in single quotes), ExecStart words without quotes
# where `$VAR` alone is the value split at whitespace (zero or more arguments) and
# `${VAR}` is the exact value inside its word (one argument), User=, Group=, UMask=,
# a clean environment and / as working directory. Anything else fails loudly rather
# than being expanded differently from systemd. Source it.

# unit_setting UNIT KEY: the last KEY= of the unit (what systemd keeps).
unit_setting() {
  sed -n -E "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*(.*[^[:space:]])[[:space:]]*$/\1/p" "$1" | tail -1
}

# unit_specifiers TEXT INSTANCE: TEXT with %i/%I as the instance and %% as %.
unit_specifiers() {
  local text=$1 instance=$2 out="" c
  while [ -n "$text" ]; do
    c=${text:0:1}
    text=${text:1}
    if [ "$c" = % ]; then
      case ${text:0:1} in
        i | I) out+=$instance ;;
        %) out+=% ;;
        *) say "systemd_exec: specifier %${text:0:1} is not supported"; return 1 ;;
      esac
      text=${text:1}
    else
      out+=$c
    fi
  done
  printf '%s' "$out"
}

# unit_env_file FILE: the file's variables as NAME=value lines, parsed as systemd
# parses an EnvironmentFile.
unit_env_file() {
  local line key value
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line#"${line%%[![:space:]]*}"}
    case $line in '' | '#'* | ';'*) continue ;; esac
    case $line in *=*) ;; *) say "systemd_exec: not an assignment in $1: $line"; return 1 ;; esac
    key=${line%%=*}
    key=${key%"${key##*[![:space:]]}"}
    value=${line#*=}
    value=${value#"${value%%[![:space:]]*}"}
    value=${value%"${value##*[![:space:]]}"}
    if [[ $value == \"*\" ]]; then
      value=${value:1:${#value}-2}
      value=$(printf '%s' "$value" | sed -E 's/\\(["\\`$])/\1/g')
    elif [[ $value == \'*\' ]]; then
      value=${value:1:${#value}-2}
    elif [[ $value == *[\"\'\\]* ]]; then
      say "systemd_exec: quotes inside a value are not supported: $line"; return 1
    fi
    printf '%s=%s\n' "$key" "$value"
  done <"$1"
}

# unit_env FILE NAME: one variable of an EnvironmentFile.
unit_env() { unit_env_file "$1" | sed -n "s/^$2=//p" | tail -1; }

# unit_environment UNIT INSTANCE: the instance's EnvironmentFile, as NAME=value lines.
unit_environment() {
  local file
  file=$(unit_specifiers "$(unit_setting "$1" EnvironmentFile)" "$2")
  file=${file#-}
  [ -z "$file" ] || unit_env_file "$file"
}

# unit_exec_start UNIT INSTANCE: ExecStart's arguments, one per line.
unit_exec_start() {
  local line word value rest env words values
  line=$(unit_specifiers "$(unit_setting "$1" ExecStart)" "$2")
  case $line in [-@+!:]* | *[\"\'\\]*)
    say "systemd_exec: ExecStart prefixes, quotes and escapes are not supported: $line"; return 1 ;;
  esac
  env=$(unit_environment "$1" "$2")
  lookup() { sed -n "s/^$1=//p" <<<"$env" | tail -1; }
  read -ra words <<<"$line"  # no quotes: systemd splits these words at whitespace too
  for word in "${words[@]}"; do
    if [[ $word =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
      value=$(lookup "${BASH_REMATCH[1]}")
      case $value in *[\"\'\\]*)  # systemd would unquote these; keep values plain
        say "systemd_exec: quotes in \$${BASH_REMATCH[1]} are not supported: $value"; return 1 ;;
      esac
      read -ra values <<<"$value"
      [ ${#values[@]} = 0 ] || printf '%s\n' "${values[@]}"
      continue
    fi
    rest=$word
    word=""
    while [[ $rest =~ ^([^$]*)\$\{([A-Za-z_][A-Za-z0-9_]*)\}(.*)$ ]]; do
      word+=${BASH_REMATCH[1]}$(lookup "${BASH_REMATCH[2]}")
      rest=${BASH_REMATCH[3]}
    done
    case $rest in *'$'*) say "systemd_exec: unsupported \$ in ExecStart: $rest"; return 1 ;; esac
    printf '%s\n' "$word$rest"
  done
}

# unit_run UNIT INSTANCE ARG...: runs ARG... (unit_exec_start's output) in the
# environment, user, group, umask and folder the unit gives the instance. The user's
# process is this one (exec), so $! of a background unit_run is the service's pid.
unit_run() {
  local unit=$1 instance=$2 user group umask_value vars=()
  shift 2
  user=$(unit_setting "$unit" User)
  group=$(unit_setting "$unit" Group)
  umask_value=$(unit_setting "$unit" UMask)
  mapfile -t vars < <(unit_environment "$unit" "$instance")
  cd /
  umask "${umask_value:-0022}"
  exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    HOME="$(getent passwd "${user:-root}" | cut -d: -f6)" USER="${user:-root}" LOGNAME="${user:-root}" \
    "${vars[@]}" /usr/bin/setpriv --reuid="${user:-root}" --regid="${group:-${user:-root}}" --init-groups -- "$@"
}
