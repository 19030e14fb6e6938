#!/usr/bin/env bash
# tests/pooler/pgbouncer_test.sh TEST_DIR — pg_automl through pgbouncer in transaction
# pooling, against the regression database automl_regress of the test cluster in
# TEST_DIR: predict, train and wait work; a REPEATABLE READ transaction that predicts
# across a deployment leaves nothing stale on the shared server connection (one
# server connection for every client, so the next client gets the same backend).
# Ends with "pooler: N passed, N failed".
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
TEST_DIR=$1
cluster_up "$TEST_DIR" 54330 automl_it
PRIMARY_PORT=$PGPORT
POOL_DIR=$(owned_state_dir "$AUTOML_STATE_DIR/pgbouncer")
SUITE=pooler
source "$(dirname "${BASH_SOURCE[0]}")/../suite_checks.sh"

pool_down() {
  [ -f "$POOL_DIR/pgbouncer.pid" ] && kill "$(cat "$POOL_DIR/pgbouncer.pid")" 2>/dev/null || true
  worker_down "$POOL_DIR"
}
trap pool_down EXIT
pool_down

POOL_PORT=$(free_port $((PRIMARY_PORT + 40)))
echo '"postgres" ""' >"$POOL_DIR/userlist.txt"
cat >"$POOL_DIR/pgbouncer.ini" <<INI
[databases]
automl_regress = host=127.0.0.1 port=$PRIMARY_PORT dbname=automl_regress
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $POOL_PORT
unix_socket_dir =
auth_type = trust
auth_file = $POOL_DIR/userlist.txt
pool_mode = transaction
admin_users = postgres
default_pool_size = 1
max_client_conn = 50
ignore_startup_parameters = extra_float_digits
logfile = $POOL_DIR/pgbouncer.log
pidfile = $POOL_DIR/pgbouncer.pid
INI
chown postgres: "$POOL_DIR"/* 2>/dev/null || true
as_pg_owner pgbouncer -d "$POOL_DIR/pgbouncer.ini"
for _ in $(seq 1 50); do port_in_use "$POOL_PORT" && break; sleep 0.1; done
worker_up "$POOL_DIR" automl_regress  # workers connect directly: LISTEN needs a session

direct() { psql -h 127.0.0.1 -p "$PRIMARY_PORT" -d automl_regress -qAtX -c "$1"; }
pooled() { psql -h 127.0.0.1 -p "$POOL_PORT" -d automl_regress -qAtX -c "$1" 2>&1; }

serving="SELECT round(automl.predict('lin', ARRAY[2.0, 5.0])::numeric, 3)"
check "predict through the pooler" "$(direct "$serving")" "$(pooled "$serving")"
job=$(pooled "SELECT automl.train('pooled', 'lin', 'y', algorithm => 'ridge')")
check "train and wait through the pooler" succeeded "$(pooled "SELECT status FROM automl.wait($job)")"
check "the pooled job's model serves" t "$(pooled "SELECT automl.predict('pooled', ARRAY[2.0, 5.0]) IS NOT NULL")"

# Client A: a REPEATABLE READ transaction predicts, a deployment commits, A runs
# another statement and predicts again, commits. Client B, next on the same server
# connection, must serve the new deployment.
current=$(direct "SELECT model_id FROM automl.deployed_models WHERE project = 'lin'")
other=$(direct "SELECT min(id) FROM automl.models WHERE project = 'lin' AND id <> $current")
psql -h 127.0.0.1 -p "$POOL_PORT" -d automl_regress -qAtX -v ON_ERROR_STOP=1 >/dev/null <<SQL
BEGIN ISOLATION LEVEL REPEATABLE READ;
$serving;
\! psql -h 127.0.0.1 -p $PRIMARY_PORT -d automl_regress -qAtX -c "SELECT automl.deploy('lin', $other)" >/dev/null
SELECT count(*) FROM automl.models;
$serving;
COMMIT;
SQL
check "the next client of the shared connection serves the new deployment" "$(direct "$serving")" "$(pooled "$serving")"
servers=$(psql -h 127.0.0.1 -p "$POOL_PORT" -d pgbouncer -qAtX -c "SHOW SERVERS" 2>/dev/null | grep -c '|automl_regress|' || true)
check "one server connection served every client" 1 "$servers"
direct "SELECT automl.deploy('lin', $current)" >/dev/null

suite_summary
