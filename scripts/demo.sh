#!/usr/bin/env bash
# scripts/demo.sh — the whole product in one command on a fresh Debian 12 machine:
# installs what is missing, builds, starts a local cluster and a worker, imports the
# bundled iris dataset, trains a model as a job, deploys it and predicts in SQL.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

eval "$("$AUTOML_ROOT/scripts/devenv.sh" up)"
export PGDATABASE

run() {
  printf '\n\033[1m%s\033[0m\n' "$1"
  psql -X -v ON_ERROR_STOP=1 -c "$1"
}

psql -X -q -v ON_ERROR_STOP=1 <<SQL
DROP TABLE IF EXISTS public.iris;
CREATE TABLE public.iris (sepal_length float8, sepal_width float8, petal_length float8,
                          petal_width float8, species text);
\copy public.iris FROM '$AUTOML_ROOT/data/iris.csv' WITH (FORMAT csv, HEADER)
SQL

job=$(psql -X -qAt -c "SELECT automl.train(project => 'iris_demo', relation => 'public.iris',
                        target => 'species', algorithm => 'logistic')")
run "SELECT id, status, result->'metrics' AS metrics FROM automl.wait($job)"
run "SELECT id, project, version, algorithm, task, metrics->>'accuracy' AS accuracy, feature_names, classes
       FROM automl.models WHERE project = 'iris_demo' ORDER BY id DESC LIMIT 1"
run "SELECT project, model_id, strategy, deployed_at FROM automl.deployed_models WHERE project = 'iris_demo'"
run "SELECT automl.predict_label('iris_demo', ARRAY[5.1, 3.5, 1.4, 0.2]) AS label,
            automl.predict_proba('iris_demo', ARRAY[5.1, 3.5, 1.4, 0.2]) AS proba"
run "SELECT species, automl.predict_label('iris_demo', ARRAY[sepal_length, sepal_width, petal_length, petal_width]) AS predicted,
            count(*) FROM public.iris GROUP BY 1, 2 ORDER BY 1, 2"
printf '\nThe database is still running: eval "$(scripts/devenv.sh up)" && psql\n'
