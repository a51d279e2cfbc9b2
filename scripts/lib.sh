# Shared helpers for scripts/test, scripts/pg-start and scripts/pg-stop. Source it; don't run it.
# Everything here writes its chatter to stderr so that stdout stays clean for `eval "$(...)"`.

say()  { printf '%s\n' "$*" >&2; }
warn() { printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n!!! WARNING: %s\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

is_ci() { [ "${CI:-}" = "true" ]; }

# Is something already listening on 127.0.0.1:$1?
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# First port from $1 upwards that nothing listens on (racy by nature; good enough for tests).
free_port() {
  local p=$1
  while port_in_use "$p"; do
    p=$((p + 1))
    [ "$p" -lt $(($1 + 200)) ] || die "no free port in $1..$p"
  done
  printf '%s\n' "$p"
}

# `apt-get update` at most once per run of a script.
apt_install() {
  if [ -z "${_GONGHUI_APT_UPDATED:-}" ]; then
    say "+ apt-get update"
    apt-get update -qq >&2
    _GONGHUI_APT_UPDATED=1
  fi
  say "+ apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}
