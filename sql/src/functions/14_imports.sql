-- Imports: a CSV file fetched from a URL into a table, as a job (docs/import.md)

-- Where an import's table goes, decided as the submitter at submission: a bare name
-- lands where CREATE TABLE would put it (the first schema of the submitter's
-- search_path that exists), and the submitter must be able to do what if_exists
-- asks: CREATE in the schema, INSERT into an existing table to append, own it to
-- replace it. Returns the quoted qualified name; the worker checks it again.
CREATE OR REPLACE FUNCTION automl_internal._resolve_import_table(into_table text, if_exists text,
                                                                 caller_search_path text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  parts text[];
  schema_name text;
  qualified text;
  existing oid;
BEGIN
  BEGIN
    parts := pg_catalog.parse_ident(into_table);
  EXCEPTION WHEN invalid_parameter_value THEN
    RAISE EXCEPTION 'into_table "%" is not a table name', into_table
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Write name or schema.name; quote names as in SQL.';
  END;
  IF pg_catalog.cardinality(parts) > 2 THEN
    RAISE EXCEPTION 'into_table "%" has more than two parts', into_table
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Write name or schema.name (tables of this database only).';
  END IF;
  IF pg_catalog.cardinality(parts) = 2 THEN
    schema_name := parts[1];
  ELSE
    PERFORM pg_catalog.set_config('search_path', caller_search_path, true);
    schema_name := pg_catalog.current_schema();
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    IF schema_name IS NULL THEN
      RAISE EXCEPTION 'no schema has been selected to create table "%" in', into_table
        USING ERRCODE = 'invalid_schema_name', HINT = 'Name the schema: into_table => ''schema.table''.';
    END IF;
  END IF;
  IF schema_name LIKE 'pg\_temp%' OR schema_name IN ('pg_catalog', 'information_schema', 'automl', 'automl_internal') THEN
    RAISE EXCEPTION 'a job cannot write a table into schema "%"', schema_name
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname = schema_name) THEN
    RAISE EXCEPTION 'schema "%" does not exist', schema_name USING ERRCODE = 'invalid_schema_name';
  END IF;
  qualified := pg_catalog.format('%I.%I', schema_name, parts[pg_catalog.cardinality(parts)]);
  existing := pg_catalog.to_regclass(qualified);
  IF existing IS NULL OR if_exists = 'replace' THEN
    IF NOT pg_catalog.has_schema_privilege(schema_name, 'CREATE') THEN
      RAISE EXCEPTION 'permission denied for schema %', schema_name
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = 'An import creates its table as the role that submits it.';
    END IF;
  END IF;
  IF existing IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = existing AND c.relkind IN ('r', 'p')) THEN
      RAISE EXCEPTION '"%" is not a table', qualified USING ERRCODE = 'wrong_object_type';
    ELSIF if_exists = 'fail' THEN
      RAISE EXCEPTION 'relation % already exists', qualified
        USING ERRCODE = 'duplicate_table',
              HINT = 'options => ''{"if_exists": "append"}'' adds the rows, ''{"if_exists": "replace"}'' replaces the table.';
    ELSIF if_exists = 'append' AND NOT pg_catalog.has_table_privilege(existing, 'INSERT') THEN
      RAISE EXCEPTION 'permission denied for table %', qualified USING ERRCODE = 'insufficient_privilege';
    ELSIF if_exists = 'replace' AND NOT EXISTS (
            SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = existing AND pg_catalog.pg_has_role(c.relowner, 'USAGE')) THEN
      RAISE EXCEPTION 'must be owner of table % to replace it', qualified USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  RETURN qualified;
END
$$;

-- Queues an import job; options.project files it under a project (its webhooks
-- hear of it). Not pinned, so the trigger sees the caller's search_path.
CREATE OR REPLACE FUNCTION automl.import_csv(url text, into_table text, options jsonb DEFAULT '{}') RETURNS bigint
LANGUAGE sql AS $$
  SELECT automl_internal._require_primary('automl.import_csv');
  INSERT INTO automl.jobs (kind, project, spec)
  VALUES ('import', import_csv.options ->> 'project',
          pg_catalog.jsonb_build_object('url', import_csv.url, 'into_table', import_csv.into_table,
                                        'options', coalesce(import_csv.options, '{}') - 'project'))
  RETURNING id;
$$;

-- The worker's side, in the job's one final transaction (pg/import_table.cpp): the
-- table created (or found; a replacement is staged beside the old table) as the
-- submitter, filled chunk by chunk through COPY's own machinery, then swapped in —
-- all as the submitter in a security-restricted operation.
CREATE OR REPLACE FUNCTION automl_internal._import_begin(job_id bigint, claim_lease bigint,
  column_names text[], column_types text[]) RETURNS regclass
  AS 'MODULE_PATHNAME', 'automl_import_begin' LANGUAGE C STRICT VOLATILE;

CREATE OR REPLACE FUNCTION automl_internal._import_rows(job_id bigint, claim_lease bigint, target regclass,
  column_names text[], copy_text text) RETURNS bigint
  AS 'MODULE_PATHNAME', 'automl_import_rows' LANGUAGE C STRICT VOLATILE;

CREATE OR REPLACE FUNCTION automl_internal._import_finish(job_id bigint, claim_lease bigint, target regclass) RETURNS void
  AS 'MODULE_PATHNAME', 'automl_import_finish' LANGUAGE C STRICT VOLATILE;
