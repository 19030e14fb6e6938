#!/usr/bin/env bash
# scripts/report.sh — writes one pg_automl HTML page to stdout, byte for byte as the
# database returns it:
#   scripts/report.sh MODEL_ID > report.html         automl.report(MODEL_ID)
#   scripts/report.sh --data RELATION > data.html    automl.describe_report(RELATION)
# Connects as psql does, through the usual libpq variables (PGHOST, PGPORT, PGUSER,
# PGDATABASE, PGPASSWORD, PGSERVICE…); the page is read as UTF-8 whatever the locale.
# The argument reaches SQL as a psql variable (:'arg'), never as SQL text. Exits 2 on
# bad usage or a MODEL_ID that is not an integer, 1 when the call fails.
set -euo pipefail

usage() { echo "usage: scripts/report.sh MODEL_ID > report.html | scripts/report.sh --data RELATION > data.html" >&2; exit 2; }

if [ "${1:-}" = --data ]; then
  [ $# = 2 ] && [ -n "$2" ] || usage
  call="SELECT automl.describe_report(:'arg');"
  arg=$2
else
  [ $# = 1 ] || usage
  if ! [[ $1 =~ ^[0-9]+$ ]] || [ ${#1} -gt 19 ]; then
    echo "scripts/report.sh: MODEL_ID must be an integer (a model's id), not '$1'" >&2
    exit 2
  fi
  call="SELECT automl.report(:'arg'::bigint);"
  arg=$1
fi

page=$(mktemp)
trap 'rm -f "$page"' EXIT
# Variables are interpolated in what psql reads from stdin, not in -c's text. In
# unaligned tuples-only mode psql prints the value as it is plus one newline, which
# is cut below so that the page ends as automl.report wrote it.
PGCLIENTENCODING=UTF8 psql -X -q -At -v ON_ERROR_STOP=1 -v arg="$arg" -o "$page" <<<"$call" || exit 1
if [ "$(wc -c <"$page")" -le 1 ]; then
  echo "scripts/report.sh: the call returned no page" >&2
  exit 1
fi
head -c -1 "$page"
