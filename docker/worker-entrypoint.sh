#!/bin/sh
# docker/worker-entrypoint.sh — starts automl-worker as the systemd unit does
# (--dsn=$AUTOML_DSN as one argument, $AUTOML_WORKER_OPTIONS split at whitespace),
# named after the container's hostname so the health check finds its row in
# automl.workers. exec: the worker is the container's process and gets SIGTERM itself.
set -eu
# shellcheck disable=SC2086  # the options are split on purpose
exec /usr/bin/automl-worker --dsn="${AUTOML_DSN:-}" --name="${AUTOML_WORKER_NAME:-$(hostname)}" \
  ${AUTOML_WORKER_OPTIONS:-} "$@"
