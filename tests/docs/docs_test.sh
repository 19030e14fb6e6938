#!/usr/bin/env bash
# tests/docs/docs_test.sh [TEST_DIR] — the docs run as written. Extracts every ```sql
# block of README.md and of each docs/*.md page and runs it verbatim with psql
# (-v ON_ERROR_STOP=1, from the checkout's root so \copy finds data/), each file in one
# session of its own fresh database with a running worker, on a throwaway cluster of its
# own (.devenv/docs; TEST_DIR is not used). A block whose first line is
# `-- not run: <why>` is only shown and skipped. One check per block: it passes when
# psql ran it to the end; the block that errors fails, and the blocks after it in the
# same file fail as not run; a block whose last statement has no `;` fails too. Ends with "docs: N passed, N failed".
# AUTOML_DOCS_PORT sets the cluster's first port to try (default 54380).
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
SUITE=docs
source "$(dirname "${BASH_SOURCE[0]}")/../suite_checks.sh"

DOCS_DIR=$AUTOML_STATE_DIR/docs
README_DB=docs_readme  # the tour turns on prediction logging: the cluster's log database
SOURCES=("$AUTOML_ROOT/README.md" "$AUTOML_ROOT"/docs/*.md)

workers=()
docs_down() {
  local dir
  for dir in "${workers[@]}"; do worker_down "$dir"; done
  cluster_down "$DOCS_DIR"
}
trap docs_down EXIT

# blocks FILE OUT_DIR: writes each runnable ```sql block of FILE to OUT_DIR/N.sql
# (indentation of the fence removed) and prints how many blocks were skipped.
blocks() {
  awk -v out="$2" '
    !inside && match($0, /^ *```sql *$/) {
      inside = 1; indent = index($0, "`") - 1; n++; first = 1; skip = 0; next
    }
    inside && $0 ~ /^ *``` *$/ { inside = 0; close(file); if (skip) { skipped++; system("rm -f " file) } next }
    inside {
      line = substr($0, 1, indent) ~ /^ *$/ ? substr($0, indent + 1) : $0
      if (first && line ~ /^-- not run:/) skip = 1
      first = 0
      file = sprintf("%s/%03d.sql", out, n)
      print line > file
    }
    END { print skipped + 0 }
  ' "$1"
}

workers=("$DOCS_DIR"/*/)  # a previous run's, if it was killed
docs_down
workers=()
rm -rf "$DOCS_DIR" "$(readlink -f "$DOCS_DIR" 2>/dev/null || true)"
cluster_up "$DOCS_DIR" "${AUTOML_DOCS_PORT:-54380}" "$README_DB"

for source in "${SOURCES[@]}"; do
  name=$(basename "$source" .md | tr 'A-Z-' 'a-z_')
  dir=$DOCS_DIR/$name
  mkdir -p "$dir/blocks"
  skipped=$(blocks "$source" "$dir/blocks")
  files=("$dir"/blocks/*.sql)
  [ -e "${files[0]}" ] || { say "-- $source: no sql blocks ($skipped not run)"; continue; }
  db=docs_$name
  [ "$name" = readme ] && db=$README_DB
  say "-- $source: ${#files[@]} blocks in database $db ($skipped not run)"
  ensure_database "$db"
  worker_up "$dir" "$db"
  workers+=("$dir")
  script=$dir/session.sql
  : >"$script"
  for file in "${files[@]}"; do
    cat "$file" >>"$script"
    printf '\n\\echo @@docs-block-done %s\n' "$(basename "$file" .sql)" >>"$script"
  done
  (cd "$AUTOML_ROOT" && timeout 900 psql -X -d "$db" -v ON_ERROR_STOP=1 -f "$script") >"$dir/session.out" 2>&1 || true
  failed_one=""
  for file in "${files[@]}"; do
    block=$(basename "$file" .sql)
    label="$(basename "$source") block $((10#$block)) ($(grep -m1 -v '^ *\(--.*\)\?$' "$file" | cut -c1-60))"
    last=$(grep -v '^ *\(--.*\)\?$' "$file" | tail -1)
    if ! printf '%s\n' "$last" | grep -qE ';[[:space:]]*(--.*)?$|^[[:space:]]*\\|\\g[a-z]*([[:space:]].*)?$'; then
      check "$label" ok "ends inside a statement: $last"  # it would run with the next block
    elif grep -qx "@@docs-block-done $block" "$dir/session.out"; then
      check "$label" ok ok
    elif [ -z "$failed_one" ]; then
      failed_one=$block
      check "$label" ok "error: $(grep -m1 -E 'ERROR|FATAL|timeout' "$dir/session.out" || tail -1 "$dir/session.out")"
    else
      check "$label" ok "not run (an earlier block failed)"
    fi
  done
done

suite_summary
[ "$failed" = 0 ]
