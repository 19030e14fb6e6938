# scripts/lib.sh — shared by demo.sh, test.sh and devenv.sh. Source it; do not run it.
#
# Installs what is missing (Debian 12 packages), builds with CMake, and manages
# throwaway PostgreSQL clusters and workers under one ignored folder of the
# checkout (.devenv/). PostgreSQL refuses to run as root, so as root the cluster
# runs as the unprivileged `postgres` user.
set -euo pipefail

AUTOML_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AUTOML_BUILD_DIR=${AUTOML_BUILD_DIR:-$AUTOML_ROOT/build}
AUTOML_STATE_DIR=${AUTOML_STATE_DIR:-$AUTOML_ROOT/.devenv}
AUTOML_WORKER_BIN=$AUTOML_BUILD_DIR/daemon/automl-worker

AUTOML_PACKAGES=(
  g++ cmake ninja-build pkg-config
  postgresql-15 postgresql-server-dev-15
  libpqxx-dev libeigen3-dev nlohmann-json3-dev liblbfgspp-dev liblbfgs-dev libgtest-dev libxgboost-dev
  libcurl4-openssl-dev libssl-dev zlib1g-dev libboost-dev libcpp-httplib-dev
  postgresql-15-cron
  python3-sklearn python3-numpy python3-xgboost python3-statsmodels
)

say() { printf '%s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the packages from AUTOML_PACKAGES that are not installed yet.
ensure_packages() {
  local missing=() pkg
  for pkg in "${AUTOML_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
}

pg_bindir() { pg_config --bindir; }

# Configures, builds and installs the extension into the local PostgreSQL.
build_and_install() {
  cmake -S "$AUTOML_ROOT" -B "$AUTOML_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
  cmake --build "$AUTOML_BUILD_DIR" >&2
  as_root cmake --install "$AUTOML_BUILD_DIR" >/dev/null
}

# Runs a PostgreSQL server program as the cluster's owner.
as_pg_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A folder the cluster owner can write. Normally $1 itself; when the checkout is
# not reachable by the postgres user (e.g. under /root), a folder in /tmp that $1
# links to, so the state still appears inside the checkout.
owned_state_dir() {
  local dir=$1
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir" 2>/dev/null || true
    if ! runuser -u postgres -- test -w "$dir" 2>/dev/null; then
      local real
      real=/tmp/pg_automl-$(printf '%s' "$dir" | md5sum | cut -c1-12)
      mkdir -p "$real" && chown postgres: "$real"
      rm -rf "$dir" && ln -s "$real" "$dir"
      dir=$real
    fi
  fi
  (cd "$dir" && pwd -P)
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Whether any TCP socket uses the port, a client's included (one in TIME_WAIT after
# many test connections makes a server's bind fail although nothing listens).
port_has_sockets() {
  grep -qi ":$(printf '%04X' "$1") " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

free_port() {
  local port=$1
  while port_in_use "$port" || port_has_sockets "$port"; do port=$((port + 1)); done
  echo "$port"
}

# cluster_up DIR BASE_PORT LOG_DATABASE: starts (or reuses) the cluster in DIR with
# pg_automl preloaded (prediction logging writes to LOG_DATABASE); sets PGPORT,
# PGHOST, PGUSER. A running cluster is restarted when it runs an older pg_automl.so
# than the one installed: a preloaded library is not re-read by new sessions.
cluster_up() {
  local dir base_port=$2 log_db=$3
  dir=$(owned_state_dir "$1")
  local data=$dir/data bin library
  bin=$(pg_bindir)
  library=$(pg_config --pkglibdir)/pg_automl.so
  if [ ! -f "$data/PG_VERSION" ]; then
    say "initialising a cluster in $data"
    as_pg_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
  fi
  if as_pg_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    if [ "$library" -nt "$data/postmaster.pid" ] || ! grep -q "automl.log_database=$log_db" "$data/postmaster.opts" \
      || ! grep -q "pg_cron" "$data/postmaster.opts"; then
      say "restarting the cluster in $data for the newly installed pg_automl"
      as_pg_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
  fi
  if as_pg_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    PGPORT=$(cat "$dir/port")
  else
    PGPORT=$(free_port "$base_port")
    echo "$PGPORT" >"$dir/port"
    # A throwaway cluster: durability off for speed, TCP on loopback only. pg_cron
    # (automl.schedule) runs its jobs as background workers in the regression database.
    # Descriptors 3-9 closed: a server started under `flock` (the install lock, see
    # tests/packages/package_test.sh) would otherwise hold the lock while it runs.
    as_pg_owner "$bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -w -t 60 start 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- \
      -o "-p $PGPORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c shared_preload_libraries=pg_automl,pg_cron -c cron.database_name=automl_regress -c cron.use_background_workers=on -c max_worker_processes=32 -c automl.log_database=$log_db" >/dev/null
  fi
  PGHOST=127.0.0.1
  PGUSER=postgres
  export PGHOST PGPORT PGUSER
}

cluster_down() {
  local dir=$1 bin
  bin=$(pg_bindir)
  [ -f "$dir/data/PG_VERSION" ] || return 0
  as_pg_owner "$bin/pg_ctl" -D "$(cd "$dir" && pwd -P)/data" -m fast -w stop >/dev/null 2>&1 || true
}

# The shell command that restarts the cluster in DIR (for failure tests).
cluster_restart_command() {
  local data owner=""
  data=$(cd "$1" && pwd -P)/data
  [ "$(id -u)" = 0 ] && owner="runuser -u postgres -- "
  echo "$owner$(pg_bindir)/pg_ctl -D $data -m fast -w -t 60 restart >/dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-"
}

# ensure_database DB: the database, with the extension as the checkout defines it,
# never at the cost of the database's models. An older version is upgraded (ALTER
# EXTENSION … UPDATE keeps every row). When the scripts of the version being developed
# changed since the database installed it (noticed by their checksum), the extension
# is re-created only if it holds no project and no job; otherwise the database keeps
# it and is told how to re-create it by hand.
ensure_database() {
  local db=$1 stamp sum installed wanted kept
  psql -d postgres -qAtc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 ||
    psql -d postgres -qc "CREATE DATABASE \"$db\"" >/dev/null
  stamp=$AUTOML_STATE_DIR/schema-$PGPORT-$db.md5
  sum=$(find "$AUTOML_ROOT/sql" -name '*.sql' | LC_ALL=C sort | xargs cat | md5sum | cut -c1-32)
  installed=$(psql -d "$db" -qAtc "SELECT extversion FROM pg_extension WHERE extname = 'pg_automl'")
  wanted=$(sed -n "s/^default_version = '\(.*\)'$/\1/p" "$AUTOML_ROOT/extension/pg_automl.control")
  if [ -n "$installed" ] && [ "$installed" != "$wanted" ]; then
    say "upgrading pg_automl $installed to $wanted in database $db"
    psql -d "$db" -qc "ALTER EXTENSION pg_automl UPDATE TO '$wanted'" >/dev/null
  elif [ -n "$installed" ] && [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
    kept=$(psql -d "$db" -qAtc "SELECT (SELECT count(*) FROM automl.projects) + (SELECT count(*) FROM automl.jobs)")
    if [ "$kept" = 0 ]; then
      say "the scripts of pg_automl $wanted changed since database $db installed it: re-creating the (empty) extension"
      psql -d "$db" -qc "DROP EXTENSION pg_automl" >/dev/null
    else
      say "the scripts of pg_automl $wanted changed since database $db installed it; its projects and jobs are kept,"
      say "so it keeps the older definitions (a development database; a release changes them by its upgrade script)"
      return 0
    fi
  fi
  psql -d "$db" -qc "CREATE EXTENSION IF NOT EXISTS pg_automl" >/dev/null
  echo "$sum" >"$stamp"
}

# worker_up DIR DATABASE: starts one automl-worker unless the one recorded in DIR runs.
worker_up() {
  local dir=$1 db=$2
  if [ -f "$dir/worker.pid" ] && kill -0 "$(cat "$dir/worker.pid")" 2>/dev/null; then
    # Keep a running worker unless the binary was rebuilt since it started.
    [ "$AUTOML_WORKER_BIN" -nt "$dir/worker.pid" ] || return 0
    worker_down "$dir"
  fi
  nohup "$AUTOML_WORKER_BIN" --dsn "host=$PGHOST port=$PGPORT dbname=$db user=$PGUSER" \
    >>"$dir/worker.log" 2>&1 </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  echo $! >"$dir/worker.pid"
}

worker_down() {
  local dir=$1 pid
  [ -f "$dir/worker.pid" ] || return 0
  pid=$(cat "$dir/worker.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/worker.pid"
}
