#!/usr/bin/env bash
# tests/replica/replica_test.sh TEST_DIR — a hot standby of the test cluster in TEST_DIR
# (pg_basebackup -R, streaming), against the regression database automl_regress:
# predict serves there and follows deployments made on the primary within one
# session; calls that write say to run them on the primary (25006); prediction
# logging reports itself off. Ends with "replica: N passed, N failed".
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
TEST_DIR=$1
cluster_up "$TEST_DIR" 54330 automl_it  # the primary: reuses the running test cluster
PRIMARY_PORT=$PGPORT
STANDBY_DIR=$(owned_state_dir "$AUTOML_STATE_DIR/replica")
bin=$(pg_bindir)
SUITE=replica
source "$(dirname "${BASH_SOURCE[0]}")/../suite_checks.sh"

standby_down() { as_pg_owner "$bin/pg_ctl" -D "$STANDBY_DIR/data" -m fast -w stop >/dev/null 2>&1 || true; }
trap standby_down EXIT

standby_down
rm -rf "${STANDBY_DIR:?}/data"
as_pg_owner "$bin/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$STANDBY_DIR/data" -R -X stream
STANDBY_PORT=$(free_port $((PRIMARY_PORT + 20)))
# Hot standby needs max_worker_processes at least the primary's (lib.sh's cluster_up).
as_pg_owner "$bin/pg_ctl" -D "$STANDBY_DIR/data" -l "$STANDBY_DIR/postgres.log" -w -t 60 start 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- \
  -o "-p $STANDBY_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c hot_standby=on -c shared_preload_libraries=pg_automl -c max_worker_processes=32 -c automl.log_database=automl_it" >/dev/null

on_primary() { psql -h 127.0.0.1 -p "$PRIMARY_PORT" -d automl_regress -qAtX -c "$1"; }
on_standby() { psql -h 127.0.0.1 -p "$STANDBY_PORT" -d automl_regress -qAtX -c "$1" 2>&1; }

check "is a standby" t "$(on_standby 'SELECT pg_is_in_recovery()')"
iris="SELECT automl.predict_label('iris', ARRAY[5.1, 3.5, 1.4, 0.2]) || ' ' || round(automl.predict('lin', ARRAY[2.0, 5.0])::numeric, 3)"
check "predict serves what the primary serves" "$(on_primary "$iris")" "$(on_standby "$iris")"

# One standby session predicts, the primary deploys another model, the session waits
# for the replay and predicts again: it must serve the new model.
other=$(on_primary "SELECT m.id FROM automl.models m WHERE m.project = 'lin' AND m.id <> (SELECT model_id FROM automl.deployed_models WHERE project = 'lin') AND (m.metrics->>'r2')::float8 < 0.9 ORDER BY m.id LIMIT 1")
followed=$(psql -h 127.0.0.1 -p "$STANDBY_PORT" -d automl_regress -qAtX -v ON_ERROR_STOP=1 2>&1 <<SQL
SELECT round(automl.predict('lin', ARRAY[2.0, 5.0])::numeric, 3) AS before \gset
\! psql -h 127.0.0.1 -p $PRIMARY_PORT -d automl_regress -qAtX -c "SELECT automl.deploy('lin', $other)" >/dev/null
DO \$\$ BEGIN
  FOR i IN 1 .. 200 LOOP
    EXIT WHEN (SELECT model_id FROM automl.deployed_models WHERE project = 'lin') = $other;
    PERFORM pg_sleep(0.05);
  END LOOP;
END \$\$;
SELECT :'before' <> round(automl.predict('lin', ARRAY[2.0, 5.0])::numeric, 3)::text;
SQL
)
check "a standby session follows a deployment made on the primary" t "$followed"
# New standby connections (on_standby) look their deployments up themselves: a standby
# does not use the shared deployment cache (its changes arrive by replay, where no hook
# runs to end the entries).
check "and new connections serve what the primary serves now" "$(on_primary "$iris")" "$(on_standby "$iris")"

# Calls that write: a clear error, naming the standby (SQLSTATE 25006).
for call in "SELECT automl.deploy('lin', 'best_score')" "SELECT automl.set_logging('lin', 0.1)" \
            "SELECT automl.train('lin', 'lin', 'y')" "SELECT automl.cancel(1)" \
            "SELECT automl.grant_project('lin', 'automl_reader', 'predict')"; do
  out=$(psql -h 127.0.0.1 -p "$STANDBY_PORT" -d automl_regress -qAtX -v VERBOSITY=verbose -c "$call" 2>&1 || true)
  case $out in
    *25006*"this server is a standby"*) check "$call says to run it on the primary" yes yes ;;
    *) check "$call says to run it on the primary" "25006 … this server is a standby" "$out" ;;
  esac
done
check "export_model reads on a standby" t "$(on_standby "SELECT automl.export_model((SELECT model_id FROM automl.deployed_models WHERE project = 'lin')) ? 'model'")"
check "predict_batch serves on a standby as predict does" t "$(on_standby "SELECT automl.predict_batch('lin', ARRAY[[2.0, 5.0], [1.0, 1.0]]) = ARRAY[automl.predict('lin', ARRAY[2.0, 5.0]), automl.predict('lin', ARRAY[1.0, 1.0])]")"
check "the standby's backends load parsed models from its shared cache" t "$(on_standby "SELECT available AND image_loads > 0 FROM automl.shared_model_cache_status()")"
check "prediction logging reports itself off" f "$(on_standby 'SELECT available FROM automl.prediction_log_status()')"

suite_summary
