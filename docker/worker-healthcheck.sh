#!/bin/sh
# docker/worker-healthcheck.sh — healthy while this container's worker is registered in
# automl.workers and heartbeating (it refreshes last_seen every --heartbeat-interval).
# A worker started with --metrics-address can be checked at its /healthz instead.
set -eu
name=${AUTOML_WORKER_NAME:-$(hostname)}
seen=$(psql "${AUTOML_DSN:-}" -XAtq -v name="$name" <<'SQL'
SELECT count(*) FROM automl.workers WHERE id = :'name' AND last_seen > now() - interval '30 seconds';
SQL
)
[ "$seen" = 1 ]
