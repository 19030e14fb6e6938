# tests/packages/containers.sh — the `compose`, `containers` and `systemd` checks of the
# packages suite. compose: podman-compose reads docker/compose.yaml (--dry-run: the
# podman commands `up` would run) and, once the images are built, runs it with them
# (compose_up_check). containers: builds docker/Dockerfile and docker/worker.Dockerfile from the
# packages just made, on a Debian 12 base image made here (mmdebstrap | podman import:
# no registry is reachable), starts a database and a worker as docker/compose.yaml wires
# them (plain podman: a network where the database is `db`), and checks what compose
# relies on: both health checks, the users, the preload, a training job submitted by
# the application login and run by a worker, two workers sharing the queue, and a
# clean stop. systemd: boots systemd
# in a container with both packages and runs automl-worker@default there
# (systemd_check). Source it from package_test.sh (check, say, PKG_DIR, DEB_DIR, VERSION).
#
# Two quirks of the test machine, handled by flags. Its limits are below the ulimits
# podman gives root's containers (nofile 1048576: "crun: setrlimit RLIMIT_NOFILE:
# Operation not permitted"; and RLIMIT_NPROC above 32768 is refused although the hard
# limit is 96363: "runc: error setting rlimit type 6: operation not permitted"), so
# builds and containers get explicit --ulimit flags (containers.conf's default_ulimits
# do not reach a build's RUN steps). And crun 1.8 refuses its cgroup v1 + v2 hybrid
# layout ("crun: cgroups in hybrid mode not supported, drop all controllers from
# cgroupv2"), so the runtime is runc.
BASE_IMAGE=localhost/pg-automl-base:bookworm
DB_IMAGE=localhost/pg-automl-db:pkgtest
WORKER_IMAGE=localhost/pg-automl-worker:pkgtest
NETWORK=pg-automl-pkgtest
DB_CONTAINER=pg-automl-pkgtest-db
WORKER_CONTAINER=pg-automl-pkgtest-worker
SECOND_WORKER_CONTAINER=pg-automl-pkgtest-worker-2
SYSTEMD_IMAGE=localhost/pg-automl-systemd:pkgtest
SYSTEMD_CONTAINER=pg-automl-pkgtest-systemd
PASSWORD=pkgtest-secret

podman_() { podman --runtime runc "$@"; }

# The --ulimit flags of builds and containers: the machine's hard limits, at most
# 65536 open files and 32768 processes.
ulimit_flags() {
  local n
  n=$(ulimit -Hn); { [ "$n" = unlimited ] || [ "$n" -gt 65536 ]; } && n=65536
  echo "--ulimit=nofile=$n:$n"
  n=$(ulimit -Hu); { [ "$n" = unlimited ] || [ "$n" -gt 32768 ]; } && n=32768
  echo "--ulimit=nproc=$n:$n"
}

containers_down() {
  command -v podman >/dev/null || return 0
  compose_down
  podman_ rm -f -v "$WORKER_CONTAINER" "$SECOND_WORKER_CONTAINER" "$DB_CONTAINER" "$SYSTEMD_CONTAINER" >/dev/null 2>&1 ||
    true
  podman_ network rm -f "$NETWORK" >/dev/null 2>&1 || true
  podman_ rmi -f "$WORKER_IMAGE" "$DB_IMAGE" "$SYSTEMD_IMAGE" >/dev/null 2>&1 || true
}

# The base image, made once per machine and kept (about 35 s).
base_image() {
  podman_ image exists "$BASE_IMAGE" && return 0
  say "making $BASE_IMAGE with mmdebstrap"
  mmdebstrap --variant=minbase --include=ca-certificates bookworm - \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main" 2>>"$PKG_DIR/containers.log" |
    podman_ import - "$BASE_IMAGE" >>"$PKG_DIR/containers.log" 2>&1
}

# until SECONDS COMMAND...: runs COMMAND every half second until it succeeds.
until_ok() {
  local tries=$(($1 * 2))
  shift
  for _ in $(seq 1 "$tries"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  return 1
}

COMPOSE_PROJECT=pg-automl-pkgtest-compose

# podman-compose 1.0.3 (Debian 12) has no `config`; --dry-run prints the podman commands
# of `up` and runs only its look-ups and the volume and network it would use (removed
# by compose_down). The services, their wiring and health checks, as compose.yaml names them.
compose_check() {
  local out runs
  out=$(cd "$AUTOML_ROOT" && podman-compose --dry-run -p "$COMPOSE_PROJECT" -f docker/compose.yaml up -d 2>&1)
  runs=$(grep '^podman run ' <<<"$out")
  check "compose: podman-compose reads compose.yaml: services db, worker-1, worker-2" "db worker-1 worker-2" \
    "$(grep -o 'com\.docker\.compose\.service=[^ ]*' <<<"$runs" | sed 's/.*=//' | sort -u | tr '\n' ' ' | sed 's/ $//')"
  check "compose: the database is db on the network, its data in a volume, pg_isready its health check" yes \
    "$(grep 'service=db ' <<<"$runs" | grep -e '--network-alias db ' | grep -e "-v ${COMPOSE_PROJECT}_db-data:/var/lib/postgresql/data " |
      grep -q -e '--healthcheck-command /bin/sh -c pg_isready' && echo yes || echo "no: $out")"
  check "compose: both workers connect to db and check their health with worker-healthcheck.sh" 2 \
    "$(grep 'service=worker-' <<<"$runs" | grep -e '-e AUTOML_DSN=host=db dbname=app user=automl_worker_login ' |
      grep -c -e '--healthcheck-command /bin/sh -c /usr/local/bin/worker-healthcheck.sh')"
  compose_down
}

# compose.yaml up -d with the images just built (its copy in the build context, with
# their tags and without the host port, which the machine's own PostgreSQL may hold):
# the database and both workers turn healthy and serve a job; down -v removes it all.
compose_up_check() {
  local context=$1 log=$PKG_DIR/containers.log file=$1/compose.pkgtest.yaml job
  sed -e "s|image: localhost/pg-automl-db$|image: $DB_IMAGE|" -e "s|image: localhost/pg-automl-worker$|image: $WORKER_IMAGE|" \
    -e '/^    ports:$/,+1d' "$context/compose.yaml" >"$file"
  compose_() {
    POSTGRES_PASSWORD=$PASSWORD APP_PASSWORD=$PASSWORD AUTOML_WORKER_PASSWORD=$PASSWORD \
      podman-compose --podman-args="--runtime runc" --podman-run-args="${limits[*]}" \
      -p "$COMPOSE_PROJECT" -f "$file" "$@" >>"$log" 2>&1
  }
  compose_ up -d || true
  check "compose: up -d, the database turns healthy" yes \
    "$(until_ok 90 podman_ healthcheck run "${COMPOSE_PROJECT}_db_1" && echo yes || echo "no: $(podman_ logs --tail 5 "${COMPOSE_PROJECT}_db_1" 2>&1)")"
  check "compose: both workers turn healthy" "yes yes" \
    "$(for w in 1 2; do until_ok 60 podman_ healthcheck run "${COMPOSE_PROJECT}_worker-${w}_1" && echo yes || echo no; done | tr '\n' ' ' | sed 's/ $//')"
  compose_sql() {
    podman_ exec -e PGPASSWORD="$PASSWORD" "${COMPOSE_PROJECT}_db_1" psql -h 127.0.0.1 -U app -d app -qAtX -c "$1" 2>&1
  }
  compose_sql "CREATE TABLE lin AS SELECT a, b, 2 * a + 3 * b + 1 AS y FROM generate_series(1, 10) a, generate_series(1, 10) b" >>"$log" || true
  job=$(compose_sql "SELECT automl.train('lin', 'lin', 'y', algorithm => 'linear')" || true)
  check "compose: a training job succeeds on one of its workers" "succeeded|true" \
    "$(compose_sql "SELECT status || '|' || (worker IN (SELECT id FROM automl.workers)) FROM automl.wait(${job:-0}, '2 min')")"
  compose_ down -v || true
  check "compose: down -v removes its containers and volume" "0 0" \
    "$(podman_ ps -a -q --filter "label=io.podman.compose.project=$COMPOSE_PROJECT" | wc -l) $(podman_ volume ls -q --filter "label=io.podman.compose.project=$COMPOSE_PROJECT" | wc -l)"
}

compose_down() {
  local c
  for c in db_1 worker-1_1 worker-2_1; do podman_ rm -f -v "${COMPOSE_PROJECT}_$c" >/dev/null 2>&1 || true; done
  podman_ volume rm -f "${COMPOSE_PROJECT}_db-data" >/dev/null 2>&1 || true
  podman_ network rm -f "${COMPOSE_PROJECT}_default" >/dev/null 2>&1 || true
}

db_sql() { podman_ exec "$DB_CONTAINER" psql -d app -qAtX -c "$1" 2>&1; }
app_sql() {
  podman_ exec -e PGPASSWORD="$PASSWORD" "$DB_CONTAINER" psql -h 127.0.0.1 -U app -d app -qAtX -c "$1" 2>&1
}

containers_check() {
  local context=$PKG_DIR/context log=$PKG_DIR/containers.log
  local limits
  mapfile -t limits < <(ulimit_flags)
  : >"$log"
  containers_down
  check "containers: base image (mmdebstrap | podman import)" yes \
    "$(base_image && echo yes || echo "no: $(tail -3 "$log")")"
  rm -rf "$context" && mkdir -p "$context/debs"
  cp -r "$AUTOML_ROOT"/docker/. "$context/"
  cp "$DEB_DIR"/*.deb "$context/debs/"
  check "containers: the database image builds" yes \
    "$(podman_ build --format docker -q "${limits[@]}" -f "$context/Dockerfile" -t "$DB_IMAGE" "$context" >>"$log" 2>&1 && echo yes || echo "no: $(tail -3 "$log")")"
  check "containers: the worker image builds" yes \
    "$(podman_ build --format docker -q "${limits[@]}" -f "$context/worker.Dockerfile" -t "$WORKER_IMAGE" "$context" >>"$log" 2>&1 && echo yes || echo "no: $(tail -3 "$log")")"

  podman_ network create "$NETWORK" >>"$log" 2>&1 || true
  podman_ run -d --pull=never "${limits[@]}" --name "$DB_CONTAINER" --network "$NETWORK" --network-alias db \
    -e POSTGRES_PASSWORD="$PASSWORD" -e APP_PASSWORD="$PASSWORD" -e AUTOML_WORKER_PASSWORD="$PASSWORD" \
    "$DB_IMAGE" >>"$log" 2>&1 || true
  check "containers: the database turns healthy" yes \
    "$(until_ok 90 podman_ healthcheck run "$DB_CONTAINER" && echo yes || echo "no: $(podman_ logs --tail 5 "$DB_CONTAINER" 2>&1)")"
  check "containers: postgres runs as postgres, pg_automl preloaded and created" "postgres pg_automl $VERSION" \
    "$(podman_ exec "$DB_CONTAINER" sh -c "id -un; psql -d app -qAtX -c 'SHOW shared_preload_libraries' -c \"SELECT extversion FROM pg_extension WHERE extname = 'pg_automl'\"" 2>&1 | tr '\n' ' ' | sed 's/ $//')"

  local worker
  for worker in "$WORKER_CONTAINER" "$SECOND_WORKER_CONTAINER"; do
    podman_ run -d --pull=never "${limits[@]}" --name "$worker" --network "$NETWORK" \
      -e AUTOML_DSN="host=db dbname=app user=automl_worker_login password=$PASSWORD" \
      -e AUTOML_WORKER_OPTIONS="--concurrency 2 --threads 1 --grace-period 30" \
      "$WORKER_IMAGE" >>"$log" 2>&1 || true
  done
  check "containers: the worker registers (its health check)" yes \
    "$(until_ok 60 podman_ healthcheck run "$WORKER_CONTAINER" && echo yes || echo "no: $(podman_ logs --tail 5 "$WORKER_CONTAINER" 2>&1)")"
  check "containers: the worker runs as automl-worker" automl-worker "$(podman_ exec "$WORKER_CONTAINER" id -un 2>&1)"

  app_sql "CREATE TABLE lin AS SELECT a, b, 2 * a + 3 * b + 1 AS y FROM generate_series(1, 10) a, generate_series(1, 10) b" >>"$log" || true
  local job
  job=$(app_sql "SELECT automl.train('lin', 'lin', 'y', algorithm => 'linear')" || true)
  check "containers: the application's training job succeeds on the worker" "succeeded|6" \
    "$(app_sql "SELECT status FROM automl.wait($job, '2 min')")|$(app_sql "SELECT round(automl.predict('lin', ARRAY[1.0, 1.0]))")"

  # Two workers (two hosts to the database) share one queue: eight jobs of about half
  # a second each, every one run once, by both workers.
  until_ok 60 podman_ healthcheck run "$SECOND_WORKER_CONTAINER" || true
  app_sql "CREATE TABLE wide AS SELECT a, b, 2 * a + 3 * b + 1 AS y FROM generate_series(1, 100) a, generate_series(1, 100) b" >>"$log" || true
  app_sql "SELECT automl.train('wide_' || i, 'wide', 'y', algorithm => 'xgboost') FROM generate_series(1, 8) i" >>"$log" || true
  check "containers: two workers share the queue, each job run once" "8|8|1|2" \
    "$(app_sql "SELECT count(*) || '|' || count(*) FILTER (WHERE w.status = 'succeeded') || '|' || max(w.attempts) || '|' || count(DISTINCT w.worker) FROM automl.jobs j, automl.wait(j.id, '2 min') w WHERE j.project LIKE 'wide\\_%'")"

  podman_ stop -t 60 "$WORKER_CONTAINER" "$SECOND_WORKER_CONTAINER" >>"$log" 2>&1 || true
  check "containers: the workers stop on SIGTERM, exit 0, unregistered" "0 0|0" \
    "$(podman_ inspect -f '{{.State.ExitCode}}' "$WORKER_CONTAINER" "$SECOND_WORKER_CONTAINER" 2>&1 | tr '\n' ' ' | sed 's/ $//')|$(db_sql "SELECT count(*) FROM automl.workers")"
  podman_ logs "$WORKER_CONTAINER" >>"$log" 2>&1 || true
  podman_ rm -f -v "$WORKER_CONTAINER" "$SECOND_WORKER_CONTAINER" "$DB_CONTAINER" >/dev/null 2>&1 || true
  compose_up_check "$context"
  systemd_check
  containers_down
}

# The unit under a real systemd (PID 1 of a container), with the package's default
# config as it is: automl-worker@default connects over the local socket with peer
# authentication as the role "automl-worker", as docs/packaging.md tells. Its
# sandboxing (ProtectSystem=strict, SystemCallFilter, …) applies here, so a worker that
# needs something the unit forbids fails this check.
systemd_check() {
  local context=$PKG_DIR/context log=$PKG_DIR/containers.log job
  cp "$AUTOML_ROOT/tests/packages/systemd.Containerfile" "$context/"
  check "systemd: a machine with both packages builds" yes \
    "$(podman_ build -q "${limits[@]}" -f "$context/systemd.Containerfile" -t "$SYSTEMD_IMAGE" "$context" >>"$log" 2>&1 && echo yes || echo "no: $(tail -3 "$log")")"
  podman_ run -d --pull=never "${limits[@]}" --systemd=always --name "$SYSTEMD_CONTAINER" "$SYSTEMD_IMAGE" >>"$log" 2>&1 || true
  booted() { [ "$(podman_ exec "$SYSTEMD_CONTAINER" systemctl is-system-running 2>/dev/null)" = running ]; }
  check "systemd: boots, PostgreSQL's main cluster runs" yes \
    "$(until_ok 60 booted && until_ok 30 podman_ exec "$SYSTEMD_CONTAINER" pg_isready -q && echo yes || echo "no: $(podman_ exec "$SYSTEMD_CONTAINER" systemctl --failed --no-legend 2>&1 | head -3)")"
  machine_sql() { podman_ exec -i "$SYSTEMD_CONTAINER" runuser -u postgres -- psql -qAtX -v ON_ERROR_STOP=1 -d postgres 2>&1; }
  machine_sql <<'SQL' >>"$log" || true
CREATE EXTENSION pg_automl;
CREATE ROLE "automl-worker" LOGIN IN ROLE automl_worker;
CREATE ROLE app IN ROLE automl_user;
GRANT app TO "automl-worker";
GRANT CREATE ON SCHEMA public TO app;
SET ROLE app;
CREATE TABLE lin AS SELECT a, b, 2 * a + 3 * b + 1 AS y FROM generate_series(1, 10) a, generate_series(1, 10) b;
SQL
  podman_ exec "$SYSTEMD_CONTAINER" systemctl enable --now automl-worker@default >>"$log" 2>&1 || true
  registered() { [ "$(machine_sql <<<"SELECT count(*) FROM automl.workers WHERE version = '$VERSION'")" = 1 ]; }
  check "systemd: systemctl enable --now automl-worker@default, the worker registers" yes \
    "$(until_ok 30 registered && echo yes || echo "no: $(podman_ exec "$SYSTEMD_CONTAINER" journalctl -u automl-worker@default --no-pager -n 3 2>&1)")"
  # xgboost: the worker's OpenMP threads and its re-exec run inside the sandbox too.
  job=$(machine_sql <<<"SET ROLE app; SELECT automl.train('lin', 'lin', 'y', algorithm => 'xgboost')" || true)
  check "systemd: a training job succeeds in the unit's sandbox" succeeded \
    "$(machine_sql <<<"SELECT status FROM automl.wait(${job:-0}, '2 min')")"
  podman_ exec "$SYSTEMD_CONTAINER" systemctl stop automl-worker@default >>"$log" 2>&1 || true
  check "systemd: systemctl stop: SIGTERM, exit 0, unregistered" "ExecMainStatus=0 Result=success 0" \
    "$(podman_ exec "$SYSTEMD_CONTAINER" systemctl show -p Result -p ExecMainStatus automl-worker@default 2>&1 | LC_ALL=C sort | tr '\n' ' ')$(machine_sql <<<"SELECT count(*) FROM automl.workers")"
  podman_ exec "$SYSTEMD_CONTAINER" systemd-analyze security automl-worker@default 2>&1 | tail -1 >>"$log" || true
  podman_ exec "$SYSTEMD_CONTAINER" journalctl -u automl-worker@default --no-pager >>"$log" 2>&1 || true
}
