// pg/training_query.cpp — the tenant's training data, read the way PostgreSQL runs
// somebody else's SQL (REFRESH MATERIALIZED VIEW in matview.c): inside this
// backend, as the role that submitted the job, in a security-restricted operation
// whose settings are rolled back at the end. automl-worker calls
//   automl_internal._training_shape(job, lease)   column names, types, planner's row estimate
//   automl_internal._training_rows(job, lease, columns, row_limit, fraction)   the rows, as text
// (the latter through COPY (SELECT * FROM ...) TO STDOUT). What runs is re-derived
// here from the job row, never taken from the worker: a table is looked up by its
// stored qualified name and quoted again; a query must pass the parse-tree check
// and run as exactly one read-only statement through a cursor.
#include "pg/claimed_job.hpp"
#include "pg/guard.hpp"
#include "pg/postgres.hpp"
#include "pg/run_as.hpp"
#include "pg/spi.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/namespace.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/acl.h"
#include "utils/memutils.h"
#include "utils/plancache.h"
#include "utils/regproc.h"
#include "utils/tuplestore.h"
}

namespace pg_automl {
namespace {

// A WITH clause whose every query is a plain SELECT (no INSERT/UPDATE/DELETE inside).
bool only_selects(WithClause* with) {
  if (with == nullptr) return true;
  ListCell* cell;
  foreach (cell, with->ctes) {
    auto* cte = static_cast<CommonTableExpr*>(lfirst(cell));
    if (!IsA(cte->ctequery, SelectStmt)) return false;
    if (!only_selects(castNode(SelectStmt, cte->ctequery)->withClause)) return false;
  }
  return true;
}

// Raises 22023 unless `query` is exactly one SELECT (or VALUES / TABLE) that reads:
// no second statement, no data-modifying WITH, no SELECT INTO, no row locks.
// Checked on PostgreSQL's own parse tree, so comments and quoting hide nothing.
void check_training_query(const char* query) {
  List* statements = raw_parser(query, RAW_PARSE_DEFAULT);
  const char* problem = nullptr;
  if (list_length(statements) != 1) {
    problem = "it must be exactly one statement";
  } else {
    Node* stmt = linitial_node(RawStmt, statements)->stmt;
    if (!IsA(stmt, SelectStmt)) {
      problem = "it must be a SELECT, VALUES or TABLE statement";
    } else {
      auto* select = castNode(SelectStmt, stmt);
      if (select->intoClause != nullptr)
        problem = "SELECT INTO would create a table";
      else if (select->lockingClause != NIL)
        problem = "FOR UPDATE/SHARE would lock rows";
      else if (!only_selects(select->withClause))
        problem = "a WITH query must not modify data";
    }
  }
  if (problem != nullptr)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("the training query is refused: %s", problem),
                    errhint("Pass a table or view name, or one read-only SELECT statement.")));
}

// The same test as the SQL side's '^\s*(select|with|values|table)\s'.
bool is_query(const char* relation) {
  while (*relation == ' ' || *relation == '\t' || *relation == '\n' || *relation == '\r' ||
         *relation == '\f' || *relation == '\v')
    ++relation;
  for (const char* word : {"select", "with", "values", "table"}) {
    const size_t n = std::strlen(word);
    if (pg_strncasecmp(relation, word, n) == 0 && relation[n] != '\0' &&
        std::strchr(" \t\n\r\f\v", relation[n]))
      return true;
  }
  return false;
}

struct TrainingSource {
  Oid submitter;
  char* search_path;  // the submitter's, recorded at submission
  char* from;         // what follows FROM: a quoted qualified name or a parenthesised query
  char* label;        // for messages
};

SPIPlanPtr job_plan = nullptr;

// The claimed job's relation, as the submitter will read it (read_claimed_job checks
// the lease and that the calling worker may act for the submitter).
TrainingSource training_source(std::int64_t job_id, std::int64_t lease) {
  const ClaimedJobRow job = read_claimed_job(job_id, lease, &job_plan, "j.spec ->> 'relation'");
  if (job.fields[0] == nullptr)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("job %lld has no training relation", static_cast<long long>(job_id))));
  TrainingSource out{};
  out.submitter = job.submitter;
  out.search_path = pstrdup(job.search_path);
  out.label = pstrdup(job.fields[0]);

  if (is_query(out.label)) {
    check_training_query(out.label);
    // Newlines around the query: a trailing -- comment cannot swallow the parenthesis.
    out.from = psprintf("(\n%s\n) AS training_source", out.label);
  } else {
    // Stored schema-qualified at submission; resolved and quoted again here.
    RangeVar* rv = makeRangeVarFromNameList(stringToQualifiedNameList(out.label));
    const Oid relid = RangeVarGetRelid(rv, NoLock, true);
    if (!OidIsValid(relid))
      ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                      errmsg("relation \"%s\" does not exist", out.label)));
    out.from = quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
                                          get_rel_name(relid));
  }
  return out;
}

// Plans `sql` as the submitter; the caller runs it inside the same restricted scope.
SPIPlanPtr plan_as_submitter(const char* sql) {
  SPIPlanPtr plan = SPI_prepare(sql, 0, nullptr);
  if (plan == nullptr)
    elog(ERROR, "pg_automl: cannot plan the training query: %s",
         SPI_result_code_string(SPI_result));
  List* sources = SPI_plan_get_plan_sources(plan);
  if (list_length(sources) != 1 ||
      static_cast<CachedPlanSource*>(linitial(sources))->commandTag != CMDTAG_SELECT)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("the training query must be one SELECT statement")));
  return plan;
}

// Receives the training query's rows into the tuplestore as they are: the column
// definition list the worker wrote must name the query's own types (the target is
// cast to text in the query). Output functions run later, in the worker's COPY; they
// are the types' own, which only a superuser can create.
struct RowsReceiver {
  DestReceiver pub;  // first: the executor sees a DestReceiver
  Tuplestorestate* store;
  TupleDesc out_desc;
};

void start_rows(DestReceiver* self, int, TupleDesc typeinfo) {
  auto* r = reinterpret_cast<RowsReceiver*>(self);
  if (typeinfo->natts != r->out_desc->natts)
    elog(ERROR, "pg_automl: the training query returns %d columns, not %d", typeinfo->natts,
         r->out_desc->natts);
  for (int c = 0; c < typeinfo->natts; ++c)
    if (TupleDescAttr(typeinfo, c)->atttypid != TupleDescAttr(r->out_desc, c)->atttypid)
      ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                      errmsg("column %d of the training query has type %s, not %s", c + 1,
                             format_type_be(TupleDescAttr(typeinfo, c)->atttypid),
                             format_type_be(TupleDescAttr(r->out_desc, c)->atttypid)),
                      errhint("The column definition list of _training_rows names the types "
                              "_training_shape reported.")));
}

bool receive_row(TupleTableSlot* slot, DestReceiver* self) {
  tuplestore_puttupleslot(reinterpret_cast<RowsReceiver*>(self)->store, slot);
  return true;
}

}  // namespace

// SQL access to the parse-tree check, for the INSERT trigger and describe.
AUTOML_FUNCTION(automl_check_training_query) {
  check_training_query(text_to_cstring(PG_GETARG_TEXT_PP(0)));
  PG_RETURN_VOID();
}

// (column_names text[], column_types oid[], estimated_rows float8) of a claimed
// job's training relation, planned (never executed) as its submitter.
AUTOML_FUNCTION(automl_training_shape) {
  const TrainingSource source = training_source(PG_GETARG_INT64(0), PG_GETARG_INT64(1));
  TupleDesc result_desc;
  if (get_call_result_type(fcinfo, nullptr, &result_desc) != TYPEFUNC_COMPOSITE)
    elog(ERROR, "pg_automl: _training_shape must return a row");
  MemoryContext caller_context = CurrentMemoryContext;
  const SavedIdentity saved = enter_restricted(source.submitter, source.search_path);
  SPI_connect();
  SPIPlanPtr plan = plan_as_submitter(psprintf("SELECT * FROM %s", source.from));
  auto* plansource = static_cast<CachedPlanSource*>(linitial(SPI_plan_get_plan_sources(plan)));
  TupleDesc desc = plansource->resultDesc;
  CachedPlan* cached = SPI_plan_get_cached_plan(plan);
  const double rows = linitial_node(PlannedStmt, cached->stmt_list)->planTree->plan_rows;
  ReleaseCachedPlan(cached, nullptr);
  MemoryContext old = MemoryContextSwitchTo(caller_context);
  const int n = desc->natts;
  Datum* names = static_cast<Datum*>(palloc(sizeof(Datum) * (n + 1)));
  Datum* oids = static_cast<Datum*>(palloc(sizeof(Datum) * (n + 1)));
  int kept = 0;
  for (int i = 0; i < n; ++i) {
    Form_pg_attribute a = TupleDescAttr(desc, i);
    if (a->attisdropped) continue;
    names[kept] = CStringGetTextDatum(NameStr(a->attname));
    oids[kept] = ObjectIdGetDatum(a->atttypid);
    ++kept;
  }
  Datum values[3] = {
      PointerGetDatum(construct_array(names, kept, TEXTOID, -1, false, TYPALIGN_INT)),
      PointerGetDatum(construct_array(oids, kept, OIDOID, sizeof(Oid), true, TYPALIGN_INT)),
      Float8GetDatum(rows)};
  bool nulls[3] = {false, false, false};
  HeapTuple tuple = heap_form_tuple(BlessTupleDesc(result_desc), values, nulls);
  MemoryContextSwitchTo(old);
  SPI_finish();
  leave_restricted(saved);
  PG_RETURN_DATUM(HeapTupleGetDatum(tuple));
}

// The rows of a claimed job's training relation: `columns` (in that order), at most
// row_limit of them, each kept with probability `fraction` (< 1 samples). The last
// column is the target, cast to text (a boolean reads true/false; an empty name, for
// clustering, reads NULL); the others keep
// their types, which the caller's column definition list names. The query and the
// cast run as the submitter.
AUTOML_FUNCTION(automl_training_rows) {
  if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
    ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                    errmsg("_training_rows takes no NULL argument")));
  const TrainingSource source = training_source(PG_GETARG_INT64(0), PG_GETARG_INT64(1));
  Datum* column_datums;
  bool* column_nulls;
  int n_columns;
  deconstruct_array(PG_GETARG_ARRAYTYPE_P(2), TEXTOID, -1, false, TYPALIGN_INT, &column_datums,
                    &column_nulls, &n_columns);
  const int64 row_limit = PG_GETARG_INT64(3);
  const double fraction = PG_GETARG_FLOAT8(4);
  if (n_columns < 1 || row_limit < 0 || !(fraction > 0 && fraction <= 1))
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
             errmsg("_training_rows needs columns, a row limit >= 0 and a fraction in (0, 1]")));

  InitMaterializedSRF(fcinfo, MAT_SRF_USE_EXPECTED_DESC);
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  TupleDesc out_desc = rsinfo->setDesc;
  if (out_desc->natts != n_columns)
    ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                    errmsg("_training_rows returns %d columns; the column list has %d", n_columns,
                           out_desc->natts)));
  for (int i = 0; i < n_columns; ++i)
    if (column_nulls[i])
      ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                      errmsg("_training_rows takes no NULL column name")));
  if (TupleDescAttr(out_desc, n_columns - 1)->atttypid != TEXTOID)
    ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                    errmsg("the last column of _training_rows (the target) is text")));

  StringInfoData sql;
  initStringInfo(&sql);
  appendStringInfoString(&sql, "SELECT ");
  for (int i = 0; i < n_columns; ++i) {
    const char* name = TextDatumGetCString(column_datums[i]);
    if (i == n_columns - 1 && name[0] == '\0')  // no target (clustering): a NULL column
      appendStringInfoString(&sql, i ? ", NULL::text" : "NULL::text");
    else
      appendStringInfo(&sql, "%s%s%s", i ? ", " : "", quote_identifier(name),
                       i == n_columns - 1 ? "::text" : "");
  }
  appendStringInfo(&sql, " FROM %s", source.from);
  if (fraction < 1) appendStringInfo(&sql, " WHERE pg_catalog.random() < %.17g", fraction);
  appendStringInfo(&sql, " LIMIT " INT64_FORMAT, row_limit);

  RowsReceiver receiver{};
  receiver.pub.receiveSlot = receive_row;
  receiver.pub.rStartup = start_rows;
  receiver.pub.rShutdown = [](DestReceiver*) {};
  receiver.pub.rDestroy = [](DestReceiver*) {};
  receiver.pub.mydest = DestNone;
  receiver.store = rsinfo->setResult;
  receiver.out_desc = out_desc;
  const SavedIdentity saved = enter_restricted(source.submitter, source.search_path);
  // Text as core/ parses it on every server: ISO dates, UTC, shortest exact floats.
  (void)set_config_option("TimeZone", "UTC", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0,
                          false);
  (void)set_config_option("DateStyle", "ISO, YMD", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
                          true, 0, false);
  (void)set_config_option("extra_float_digits", "1", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
                          true, 0, false);
  SPI_connect();
  SPIPlanPtr plan = plan_as_submitter(sql.data);
  // One read-only statement (plan_as_submitter checked there is one; SPI refuses a
  // statement that writes); each row goes straight to the tuplestore.
  SPIExecuteOptions options{};
  options.read_only = true;
  options.dest = &receiver.pub;
  if (SPI_execute_plan_extended(plan, &options) < 0)
    elog(ERROR, "pg_automl: reading the training relation failed: %s",
         SPI_result_code_string(SPI_result));
  SPI_finish();
  leave_restricted(saved);
  return Datum(0);
}

// A relation as the caller means it, in the caller's own search_path: a table or
// view name becomes its quoted qualified name; a query (checked like a training
// query) becomes a temporary view whose names were bound now. Lets a function with a
// pinned search_path work on what the caller named.
AUTOML_FUNCTION(automl_relation_in_caller_path) {
  const char* relation = text_to_cstring(PG_GETARG_TEXT_PP(0));
  if (is_query(relation)) {
    check_training_query(relation);
    const char* view = psprintf("automl_describe_%d", MyProcPid);
    // Newlines around the query: a trailing -- comment cannot swallow anything.
    const char* create = psprintf("CREATE TEMP VIEW %s AS\n%s\n", view, relation);
    if (list_length(raw_parser(create, RAW_PARSE_DEFAULT)) != 1)
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                      errmsg("the query must be exactly one statement")));
    SPI_connect();
    if (OidIsValid(
            RangeVarGetRelid(makeRangeVar(pstrdup("pg_temp"), pstrdup(view), -1), NoLock, true)) &&
        SPI_execute(psprintf("DROP VIEW pg_temp.%s", view), false, 0) != SPI_OK_UTILITY)
      elog(ERROR, "pg_automl: cannot drop the temporary view of the previous describe");
    if (SPI_execute(create, false, 0) != SPI_OK_UTILITY)
      elog(ERROR, "pg_automl: cannot create the temporary view for the query");
    SPI_finish();
    PG_RETURN_TEXT_P(cstring_to_text(psprintf("pg_temp.%s", view)));
  }
  RangeVar* rv = makeRangeVarFromNameList(stringToQualifiedNameList(relation));
  const Oid relid = RangeVarGetRelid(rv, NoLock, true);
  if (!OidIsValid(relid))
    ereport(
        ERROR,
        (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("relation \"%s\" does not exist", relation),
         errhint(
             "Pass a table or view name (schema-qualified if not on the search_path) or a SELECT "
             "statement.")));
  PG_RETURN_TEXT_P(cstring_to_text(quote_qualified_identifier(
      get_namespace_name(get_rel_namespace(relid)), get_rel_name(relid))));
}

}  // namespace pg_automl
