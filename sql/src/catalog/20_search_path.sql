-- search_path: pinned on every SQL function (every release runs this again, after
-- CREATE OR REPLACE has reset each function's settings).
--
-- Every SQL and PL/pgSQL function resolves names in pg_catalog first and temp last,
-- whatever its caller set. The exceptions, which must see the caller's
-- search_path and call only schema-qualified functions: the jobs INSERT trigger,
-- train, _submit_unique and retrain (their INSERT reaches the trigger), import_csv, design,
-- describe, describe_report, pareto_front, linear_analysis, linear_analysis_summary and both drift functions. C functions run SQL only through plans prepared under this
-- search_path (extension/pg/spi_plan.hpp), and are not given a SET clause, which
-- would cost every predict call a GUC save and restore.
DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE p.pronamespace IN ('automl'::regnamespace, 'automl_internal'::regnamespace)
              AND l.lanname IN ('sql', 'plpgsql')
              AND p.oid NOT IN ('automl_internal._jobs_before_insert()'::regprocedure,
                                'automl.describe(text, bigint)'::regprocedure,
                                'automl.describe_report(text, bigint)'::regprocedure,
                                'automl.pareto_front(text, jsonb)'::regprocedure,
                                'automl.linear_analysis(text, text, jsonb)'::regprocedure,
                                'automl.linear_analysis_summary(text, text, jsonb)'::regprocedure,
                                'automl.drift(text, text, jsonb)'::regprocedure,
                                'automl.drift(text, text)'::regprocedure)
              AND p.proname NOT IN ('train', '_submit_unique', 'retrain', 'import_csv', 'design') LOOP
    EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp', f);
  END LOOP;
END
$$;
