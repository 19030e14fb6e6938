#!/usr/bin/env bash
# tests/packages/package_test.sh [TEST_DIR] — the Debian packages, installed on this
# machine as a user would install them (root; TEST_DIR is not used). Builds both .deb
# with cpack from the build folder, installs them with dpkg -i, checks their files,
# conffile, system user and systemd unit, creates pg_automl in a scratch cluster of
# its own (.devenv/packages) and runs the unit's ExecStart, expanded from the
# instance config as systemd would, as the unit's user: the worker registers, trains
# a model, and stops on SIGTERM. Then it purges the packages and puts the developer
# install (cmake --install) back, since the extension package and cmake --install
# write the same files. With podman, also builds the images of docker/ and runs a
# database and a worker from them, reads and runs docker/compose.yaml with podman-compose,
# and runs automl-worker@default under systemd in a container
# (tests/packages/containers.sh; AUTOML_SKIP_CONTAINERS=1 skips them).
# Ends with "packages: N passed, N failed".
#
# The install lock: every suite that installs into the system PostgreSQL holds
# /tmp/pg_automl_install.lock (flock) while it installs and tests. This script takes
# it itself, with `flock -o` (the servers and workers it starts do not inherit it), for
# at most AUTOML_INSTALL_LOCK_WAIT seconds (default 1800). A caller that already holds
# the lock sets AUTOML_INSTALL_LOCK_HELD=1, and the script does not take it again
# (taking it again would wait for itself).
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
SUITE=packages
INSTALL_LOCK=/tmp/pg_automl_install.lock
PKG_DIR=$AUTOML_STATE_DIR/packages
DEB_DIR=$PKG_DIR/debs
EXTENSION_PACKAGE=postgresql-$(pg_config --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')-pg-automl
WORKER_PACKAGE=automl-worker
VERSION=$(sed -n "s/^default_version = '\(.*\)'$/\1/p" "$AUTOML_ROOT/extension/pg_automl.control")
UNIT=/lib/systemd/system/automl-worker@.service
INSTANCE=pkgtest
INSTANCE_CONF=/etc/automl-worker/$INSTANCE.conf

# What the packages need to be made (dpkg-shlibdeps, file), checked (systemd-analyze,
# setpriv) and put in containers (podman with runc, mmdebstrap for the base image,
# podman-compose for docker/compose.yaml, and the CNI dnsname plugin, only recommended
# by podman, without which the worker cannot resolve the database's network alias `db`).
AUTOML_PACKAGES+=(dpkg-dev file systemd util-linux adduser)
[ "${AUTOML_SKIP_CONTAINERS:-}" = 1 ] ||
  AUTOML_PACKAGES+=(podman podman-compose runc mmdebstrap golang-github-containernetworking-plugin-dnsname)

# Outside the lock: packages and cpack touch nothing the other suites use.
if [ "${AUTOML_PACKAGES_LOCKED_PART:-}" != 1 ]; then
  ensure_packages
  rm -rf "$DEB_DIR" && mkdir -p "$DEB_DIR"
  say "cpack: building the packages into $DEB_DIR"
  # cpack reads the CPackConfig.cmake of the last configure: configure first.
  (cmake "$AUTOML_BUILD_DIR" && cd "$AUTOML_BUILD_DIR" && cpack -G DEB -B "$DEB_DIR") >"$PKG_DIR/cpack.log" 2>&1 ||
    cat "$PKG_DIR/cpack.log" >&2
  export AUTOML_PACKAGES_LOCKED_PART=1
  if [ "${AUTOML_INSTALL_LOCK_HELD:-}" = 1 ]; then
    exec bash "${BASH_SOURCE[0]}" "$@"
  fi
  say "waiting for $INSTALL_LOCK"
  rc=0
  AUTOML_INSTALL_LOCK_HELD=1 flock -o -w "${AUTOML_INSTALL_LOCK_WAIT:-1800}" -E 75 "$INSTALL_LOCK" \
    bash "${BASH_SOURCE[0]}" "$@" || rc=$?
  if [ "$rc" = 75 ]; then
    say "not ok $SUITE: $INSTALL_LOCK still held after ${AUTOML_INSTALL_LOCK_WAIT:-1800} s"
    echo "$SUITE: 0 passed, 1 failed"
  fi
  exit "$rc"
fi

source "$(dirname "${BASH_SOURCE[0]}")/../suite_checks.sh"
source "$(dirname "${BASH_SOURCE[0]}")/systemd_exec.sh"
source "$(dirname "${BASH_SOURCE[0]}")/containers.sh"
CLUSTER_DIR=$PKG_DIR/cluster
worker_pid=""

# Leaves the machine as it was: no packages, no system user, no scratch cluster or
# containers, and the developer install in place.
restore() {
  [ -n "$worker_pid" ] && kill -KILL "$worker_pid" 2>/dev/null || true
  cluster_down "$CLUSTER_DIR"
  [ "${AUTOML_SKIP_CONTAINERS:-}" = 1 ] || containers_down
  rm -f "$INSTANCE_CONF"
  dpkg --purge "$WORKER_PACKAGE" "$EXTENSION_PACKAGE" >/dev/null 2>&1 || true
  remove_system_user
  as_root cmake --install "$AUTOML_BUILD_DIR" >/dev/null
}
trap restore EXIT

remove_system_user() {
  if getent passwd automl-worker >/dev/null; then deluser --system --quiet automl-worker >/dev/null 2>&1 || true; fi
  if getent group automl-worker >/dev/null; then delgroup --system --quiet automl-worker >/dev/null 2>&1 || true; fi
}

deb_of() { ls "$DEB_DIR"/"$1"_*.deb 2>/dev/null | head -1 || true; }
field() { dpkg-deb -f "$1" "$2" 2>/dev/null; }
has() { case " $1 " in *"$2"*) echo yes ;; *) echo "no: $1" ;; esac; }

# ---- the packages, as built
extension_deb=$(deb_of "$EXTENSION_PACKAGE")
worker_deb=$(deb_of "$WORKER_PACKAGE")
check "cpack built $EXTENSION_PACKAGE" yes "$([ -f "$extension_deb" ] && echo yes || echo "no (see $PKG_DIR/cpack.log)")"
check "cpack built $WORKER_PACKAGE" yes "$([ -f "$worker_deb" ] && echo yes || echo no)"
[ -f "$extension_deb" ] && [ -f "$worker_deb" ] || { suite_summary; exit 0; }
check "version from the project" "$VERSION-1 $VERSION-1" "$(field "$extension_deb" Version) $(field "$worker_deb" Version)"
check "the extension depends on postgresql-15 and its libraries" "yes yes" \
  "$(has "$(field "$extension_deb" Depends)" "postgresql-15") $(has "$(field "$extension_deb" Depends)" "libstdc++6")"
check "the worker depends on the libraries it links" "yes yes yes" \
  "$(has "$(field "$worker_deb" Depends)" libpqxx-6.4) $(has "$(field "$worker_deb" Depends)" libcurl4) $(has "$(field "$worker_deb" Depends)" adduser)"

# ---- installed with dpkg -i
remove_system_user  # so that postinst is seen creating it
dpkg -i "$extension_deb" "$worker_deb" >"$PKG_DIR/dpkg.log" 2>&1 || cat "$PKG_DIR/dpkg.log" >&2
check "dpkg -i installs both" "install ok installed|install ok installed" \
  "$(dpkg-query -W -f='${Status}' "$EXTENSION_PACKAGE" 2>&1)|$(dpkg-query -W -f='${Status}' "$WORKER_PACKAGE" 2>&1)"

# The extension package holds exactly what cmake --install lays out for it; the
# worker's binary is the one cmake --install puts under its prefix's bin/.
staged=$PKG_DIR/staged
rm -rf "$staged"
DESTDIR=$staged cmake --install "$AUTOML_BUILD_DIR" >/dev/null
files_of() { dpkg -L "$1" | while read -r f; do [ -f "$f" ] && echo "$f"; done | sort; }
expected=$(cd "$staged" && find . -type f -not -path './usr/local/*' | sed 's/^\.//' | sort)
check "dpkg -L $EXTENSION_PACKAGE: the files of cmake --install" "$expected" "$(files_of "$EXTENSION_PACKAGE")"
check "dpkg -L $WORKER_PACKAGE: binary, unit, config, docs" \
  "/etc/automl-worker/default.conf $UNIT /usr/bin/automl-worker /usr/share/doc/automl-worker/packaging.md /usr/share/doc/automl-worker/worker.md" \
  "$(files_of "$WORKER_PACKAGE" | tr '\n' ' ' | sed 's/ $//')"
check "the packaged worker is the build's" "$(/usr/bin/automl-worker --version)" \
  "$("$staged/usr/local/bin/automl-worker" --version)"
check "default.conf is a conffile" yes \
  "$(dpkg-query -W -f='${Conffiles}' "$WORKER_PACKAGE" | grep -q '^ /etc/automl-worker/default.conf ' && echo yes || echo no)"
check "default.conf may hold a password: mode 640, root" "640 root" "$(stat -c '%a %U' /etc/automl-worker/default.conf)"
check "postinst created the system user" "yes /usr/sbin/nologin" \
  "$(getent passwd automl-worker | awk -F: '{ print ($3 < 1000 ? "yes" : "uid " $3), $7 }')"

# ---- the unit
verify=$(systemd-analyze verify "$UNIT" 2>&1) && verify="${verify:-clean}"
check "systemd-analyze verify $UNIT" clean "$verify"
check "the unit's user" automl-worker "$(unit_setting "$UNIT" User)"
check "the unit's environment file" "/etc/automl-worker/%i.conf" "$(unit_setting "$UNIT" EnvironmentFile)"
grace=$(unit_env /etc/automl-worker/default.conf AUTOML_WORKER_OPTIONS | sed -n -E 's/.*--grace-period[ =]([0-9.]+).*/\1/p')
stop_timeout=$(unit_setting "$UNIT" TimeoutStopSec)
check "TimeoutStopSec ($stop_timeout) above the grace period (${grace:-30})" yes \
  "$(awk -v t="${stop_timeout:-0}" -v g="${grace:-30}" 'BEGIN { print (t + 0 > g + 0 ? "yes" : "no") }')"

# ---- the extension, in a scratch cluster started after the install (it preloads the
# packaged pg_automl.so)
cluster_down "$CLUSTER_DIR"
rm -rf "$CLUSTER_DIR" "$(readlink -f "$CLUSTER_DIR" 2>/dev/null || true)"
cluster_up "$CLUSTER_DIR" 54360 pkgtest
psql -d postgres -qc "CREATE DATABASE pkgtest" >/dev/null
check "CREATE EXTENSION pg_automl" "$VERSION" \
  "$(psql -d pkgtest -qAtX -c "CREATE EXTENSION pg_automl" -c "SELECT extversion FROM pg_extension WHERE extname = 'pg_automl'" 2>&1)"

# ---- the worker, started as systemd starts automl-worker@pkgtest: the default config
# with the DSN pointed at the scratch cluster
sed "s|^AUTOML_DSN=.*|AUTOML_DSN=\"host=127.0.0.1 port=$PGPORT dbname=pkgtest user=postgres\"|" \
  /etc/automl-worker/default.conf >"$INSTANCE_CONF"
mapfile -t command < <(unit_exec_start "$UNIT" "$INSTANCE")
say "ExecStart of automl-worker@$INSTANCE: ${command[*]}"
check "ExecStart expands to the binary, the DSN as one argument and the options" \
  "/usr/bin/automl-worker|--dsn=host=127.0.0.1 port=$PGPORT dbname=pkgtest user=postgres|--concurrency|1|--grace-period|30" \
  "$(IFS='|'; echo "${command[*]}")"
unit_run "$UNIT" "$INSTANCE" "${command[@]}" >"$PKG_DIR/worker.log" 2>&1 &
worker_pid=$!
registered=""
for _ in $(seq 1 100); do
  registered=$(psql -d pkgtest -qAtX -c "SELECT version FROM automl.workers WHERE pid = $worker_pid" 2>/dev/null || true)
  [ -n "$registered" ] && break
  sleep 0.1
done
check "the worker registers in automl.workers" "$VERSION" "$registered"
check "it runs as automl-worker" automl-worker "$(ps -o user= -p "$worker_pid" 2>&1 | tr -d ' ')"

psql -d pkgtest -qX -v ON_ERROR_STOP=1 >/dev/null 2>&1 <<'SQL' || true
CREATE TABLE pkg_lin AS
SELECT a, b, 2 * a + 3 * b + 1 AS y
  FROM generate_series(1, 10) a, generate_series(1, 10) b;
SQL
job=$(psql -d pkgtest -qAtX -c "SELECT automl.train('pkg', 'public.pkg_lin', 'y', algorithm => 'linear')" 2>&1 || true)
check "a training job runs to success" succeeded \
  "$(psql -d pkgtest -qAtX -c "SELECT status FROM automl.wait($job, '2 min')" 2>&1)"
check "on this worker, and its model serves" "t|6" \
  "$(psql -d pkgtest -qAtX -c "SELECT worker = (SELECT id FROM automl.workers WHERE pid = $worker_pid) FROM automl.jobs WHERE id = $job" 2>&1)|$(psql -d pkgtest -qAtX -c "SELECT round(automl.predict('pkg', ARRAY[1.0, 1.0]))" 2>&1)"

kill -TERM "$worker_pid" 2>/dev/null || true
status=timeout
for _ in $(seq 1 $((${stop_timeout:-60} * 10))); do
  kill -0 "$worker_pid" 2>/dev/null || { status=0; wait "$worker_pid" || status=$?; break; }
  sleep 0.1
done
worker_pid=""
check "SIGTERM: the worker exits 0" 0 "$status"
check "and unregisters" 0 "$(psql -d pkgtest -qAtX -c "SELECT count(*) FROM automl.workers" 2>&1)"
cluster_down "$CLUSTER_DIR"
rm -f "$INSTANCE_CONF"

# ---- containers (docker/), when this machine can run them
[ "${AUTOML_SKIP_CONTAINERS:-}" = 1 ] || { compose_check; containers_check; }

# ---- removed, and the developer install back
dpkg --purge "$WORKER_PACKAGE" "$EXTENSION_PACKAGE" >>"$PKG_DIR/dpkg.log" 2>&1 || cat "$PKG_DIR/dpkg.log" >&2
check "dpkg --purge removes both, the conffile too" "not installed|not installed|gone" \
  "$(dpkg-query -W -f='${Status}' "$EXTENSION_PACKAGE" 2>/dev/null | grep -q 'ok installed' && echo installed || echo not installed)|$(dpkg-query -W -f='${Status}' "$WORKER_PACKAGE" 2>/dev/null | grep -q 'ok installed' && echo installed || echo not installed)|$([ -e /etc/automl-worker/default.conf ] || [ -e /usr/bin/automl-worker ] && echo left || echo gone)"
trap - EXIT
restore
check "the developer install is back" yes \
  "$([ -f "$(pg_config --pkglibdir)/pg_automl.so" ] && [ -f "$(pg_config --sharedir)/extension/pg_automl--$VERSION.sql" ] && echo yes || echo no)"

suite_summary
