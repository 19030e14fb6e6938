#!/bin/sh
# docker/db-entrypoint.sh — the database container's start. On an empty data volume:
# initdb (password authentication over TCP), pg_automl preloaded, the database
# $POSTGRES_DB owned by the application login $APP_USER (a member of automl_user) with
# the extension created, and the worker login automl_worker_login (automl_worker, a
# member of $APP_USER so it may read the application's training data as it). Then runs
# its arguments (postgres) in place of itself, so PostgreSQL receives the stop signal.
set -eu
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD: the postgres superuser's password}"
: "${APP_PASSWORD:?set APP_PASSWORD: the password of the application login}"
: "${AUTOML_WORKER_PASSWORD:?set AUTOML_WORKER_PASSWORD: the password of automl_worker_login}"
POSTGRES_DB=${POSTGRES_DB:-app}
APP_USER=${APP_USER:-app}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb -D "$PGDATA" -U postgres --pwfile="$pwfile" --auth-local=peer --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C >/dev/null
  rm -f "$pwfile"
  cat >>"$PGDATA/postgresql.conf" <<CONF
listen_addresses = '*'
shared_preload_libraries = 'pg_automl'
automl.log_database = '$POSTGRES_DB'
CONF
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  psql -X -q -v ON_ERROR_STOP=1 -d postgres -v db="$POSTGRES_DB" -v app="$APP_USER" <<'SQL'
\getenv app_password APP_PASSWORD
\getenv worker_password AUTOML_WORKER_PASSWORD
CREATE ROLE :"app" LOGIN PASSWORD :'app_password';
CREATE DATABASE :"db" OWNER :"app";
\connect :"db"
CREATE EXTENSION pg_automl;
GRANT automl_user TO :"app";
CREATE ROLE automl_worker_login LOGIN PASSWORD :'worker_password' IN ROLE automl_worker;
GRANT :"app" TO automl_worker_login;
SQL
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "db-entrypoint: initialised $PGDATA: database $POSTGRES_DB with pg_automl" >&2
fi
exec "$@"
