-- imports: automl.import_csv and plain INSERTs of import jobs, refused at submission
-- when the spec, the URL or the target table is wrong (the worker's side is in
-- tests/integration/import_test.cpp). Everything queued here is rolled back, so the
-- suite's worker never fetches these URLs.
SELECT ensure_roles('imp_tenant', 'imp_other');
GRANT automl_user TO imp_tenant, imp_other;
CREATE SCHEMA imp_owned AUTHORIZATION imp_tenant;
CREATE SCHEMA imp_closed;
CREATE TABLE imp_owned.existing (k integer);
ALTER TABLE imp_owned.existing OWNER TO imp_tenant;
CREATE TABLE imp_closed.theirs (k integer);
GRANT USAGE ON SCHEMA imp_closed TO imp_tenant;
SET automl.import_allowed_urls = 'http://127.0.0.1:9/allowed/';

BEGIN;
SET LOCAL ROLE imp_tenant;
SET LOCAL search_path = imp_owned, public;
-- A URL under the allowed prefix, a table where the tenant may create it: queued,
-- the spec normalised (every option with its default) and the name qualified.
SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 'fresh', '{"delimiter": ";", "project": "p1"}') > 0 AS queued;
SELECT kind, project, spec FROM automl.jobs ORDER BY id DESC LIMIT 1;
ROLLBACK;

BEGIN;
SET LOCAL ROLE imp_tenant;
SET LOCAL search_path = imp_owned, public;
-- URLs: off the list, another port, a lookalike path, file:// (superusers only).
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/secret/a.csv', 't1')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:99/allowed/a.csv', 't1')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowedx/a.csv', 't1')$$);
SELECT error_of($$SELECT automl.import_csv('file:///etc/passwd', 't1')$$);
SELECT error_of($$SELECT automl.import_csv('gopher://127.0.0.1:9/allowed/', 't1')$$);
-- A plain INSERT goes through the same checks.
SELECT error_of($$INSERT INTO automl.jobs (kind, spec) VALUES ('import', '{"url": "http://169.254.169.254/latest/meta-data/", "into_table": "t1"}')$$);
-- Tables: bad names, schemas that do not exist or are not the tenant's, the
-- extension's own schemas, a table that exists, appending or replacing without rights.
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 'a.b.c')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', '"unterminated')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 'nowhere.t')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 'imp_closed.t')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 'automl.jobs2')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 'pg_catalog.t')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 'existing')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 'imp_closed.theirs', '{"if_exists": "append"}')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 'imp_closed.theirs', '{"if_exists": "replace"}')$$);
-- Options: unknown keys, wrong values, each named.
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 't2', '{"delimter": ";"}')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 't2', '{"delimiter": ";;"}')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 't2', '{"delimiter": "\n"}')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 't2', '{"if_exists": "merge"}')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 't2', '{"max_bytes": 0}')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 't2', '{"timeout": -1}')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 't2', '{"columns": 5}')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 't2', '{"columns": [{"name": "a", "kind": "int"}]}')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 't2', '{"null": [1]}')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 't2', '{"delimiter": "\"", "quote": "\""}')$$);
SELECT error_of($$SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', NULL)$$);
SELECT error_of($$SELECT automl.import_csv(NULL, 't2')$$);
ROLLBACK;

-- The worker's side is the worker's: a tenant cannot create or fill an import's
-- table through it, even with a job id and lease of its own.
BEGIN;
SET LOCAL ROLE imp_tenant;
SELECT error_of($$SELECT automl_internal._import_begin(1, 1, ARRAY['a'], ARRAY['integer'])$$);
SELECT error_of($$SELECT automl_internal._import_rows(1, 1, 'pg_class'::regclass, ARRAY['a'], E'1\n')$$);
ROLLBACK;

-- Appending into a table the tenant may insert into, and replacing its own.
BEGIN;
GRANT INSERT ON imp_closed.theirs TO imp_tenant;
SET LOCAL ROLE imp_tenant;
SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 'imp_closed.theirs', '{"if_exists": "append"}') > 0 AS queued;
SELECT automl.import_csv('http://127.0.0.1:9/allowed/a.csv', 'imp_owned.existing', '{"if_exists": "replace"}') > 0 AS queued;
SELECT spec->>'into_table' FROM automl.jobs ORDER BY id DESC LIMIT 2;
ROLLBACK;

RESET automl.import_allowed_urls;
DROP SCHEMA imp_owned CASCADE;
DROP SCHEMA imp_closed CASCADE;
