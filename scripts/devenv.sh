#!/usr/bin/env bash
# scripts/devenv.sh up|down — a ready local database with pg_automl and one worker.
#
#   eval "$(scripts/devenv.sh up)" && psql
#
# `up` installs missing packages, builds, installs the extension, starts (or reuses)
# the cluster in .devenv/ and one automl-worker, and prints export lines. `down`
# stops both. Both are idempotent.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DEV_DIR=$AUTOML_STATE_DIR/dev
DEV_DB=${AUTOML_DEV_DB:-automl}

case "${1:-}" in
  up)
    ensure_packages
    build_and_install
    cluster_up "$DEV_DIR" 54320 "$DEV_DB"
    ensure_database "$DEV_DB"
    worker_up "$DEV_DIR" "$DEV_DB"
    echo "export PGHOST=$PGHOST PGPORT=$PGPORT PGDATABASE=$DEV_DB PGUSER=$PGUSER"
    echo "export AUTOML_WORKER=$AUTOML_WORKER_BIN"
    say "ready: database $DEV_DB on $PGHOST:$PGPORT, worker log $DEV_DIR/worker.log"
    ;;
  down)
    worker_down "$DEV_DIR"
    cluster_down "$DEV_DIR"
    say "stopped"
    ;;
  *)
    say "usage: scripts/devenv.sh up|down"
    exit 2
    ;;
esac
