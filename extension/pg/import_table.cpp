// pg/import_table.cpp — an import job's table, created and filled as the role that
// submitted the job (docs/import.md). automl-worker calls, in the job's one final
// transaction:
//   automl_internal._import_begin(job, lease, names, types)  creates (or replaces, or
//       finds) the table the job names and returns it;
//   automl_internal._import_rows(job, lease, table, names, copy_text)  loads one chunk
//       of rows, written in COPY's text format, through COPY's own machinery
//       (BeginCopyFrom with a callback source, as file_fdw reads a file);
//   automl_internal._import_finish(job, lease, table)  swaps a replacement in;
// then finishes the job. Both run as the submitter inside a security-restricted
// operation (pg/run_as.hpp), so the table's owner, its defaults, domains and
// triggers, and every privilege check are the submitter's, never the worker's.
// Where the table goes is read from the job row, never taken from the worker.
#include "pg/claimed_job.hpp"
#include "pg/guard.hpp"
#include "pg/postgres.hpp"
#include "pg/run_as.hpp"

extern "C" {
#include "access/table.h"
#include "catalog/namespace.h"
#include "commands/copy.h"
#include "executor/executor.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parse_relation.h"
#include "parser/parse_type.h"
#include "utils/acl.h"
#include "utils/regproc.h"
#include "utils/rls.h"
}

namespace pg_automl {
namespace {

SPIPlanPtr begin_plan = nullptr;
SPIPlanPtr rows_plan = nullptr;
SPIPlanPtr finish_plan = nullptr;

// The relation the job names (stored quoted and qualified at submission), or
// InvalidOid when it does not exist.
Oid job_table(const char* into_table) {
  RangeVar* rv = makeRangeVarFromNameList(stringToQualifiedNameList(into_table));
  return RangeVarGetRelid(rv, NoLock, true);
}

// Where a replacing import loads its rows until it commits: beside the table it
// replaces, so readers of the old table wait only for the final swap.
const char* staged_table(const char* into_table, std::int64_t job_id) {
  List* parts = stringToQualifiedNameList(into_table);
  return quote_qualified_identifier(strVal(linitial(parts)),
                                    psprintf("automl_import_%lld", static_cast<long long>(job_id)));
}

// The table an import job (or a design job, which writes its runs the same way)
// names in its spec's into_table, or an error when the job read is neither.
const char* import_target(const ClaimedJobRow& job, std::int64_t job_id) {
  if (job.fields[0] == nullptr ||
      (std::strcmp(job.fields[0], "import") != 0 && std::strcmp(job.fields[0], "design") != 0) ||
      job.fields[1] == nullptr)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("job %lld is not an import or design job with a table",
                           static_cast<long long>(job_id))));
  return job.fields[1];
}

// A text[] argument as C strings; NULL elements and sizes outside 1..1600 refused.
int text_array(ArrayType* array, const char* what, char*** out) {
  Datum* values;
  bool* nulls;
  int n;
  deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &values, &nulls, &n);
  if (n < 1 || n > MaxTupleAttributeNumber)
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
             errmsg("an import needs 1 to %d %s, not %d", MaxTupleAttributeNumber, what, n)));
  *out = static_cast<char**>(palloc(sizeof(char*) * n));
  for (int i = 0; i < n; ++i) {
    if (nulls[i])
      ereport(ERROR,
              (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must not be NULL", what)));
    (*out)[i] = TextDatumGetCString(values[i]);
  }
  return n;
}

// CREATE TABLE for the columns; each type is resolved as the submitter would
// write it (parseTypeString, in the submitter's search_path) and printed back in
// canonical form, so no text from the worker reaches SQL unquoted.
const char* create_table_sql(const char* table, char** names, char** types, int n) {
  StringInfoData sql;
  initStringInfo(&sql);
  appendStringInfo(&sql, "CREATE TABLE %s (", table);
  for (int i = 0; i < n; ++i) {
    Oid type;
    int32 typmod;
    parseTypeString(types[i], &type, &typmod, false);
    appendStringInfo(&sql, "%s%s %s", i ? ", " : "", quote_identifier(names[i]),
                     format_type_with_typemod(type, typmod));
  }
  appendStringInfoChar(&sql, ')');
  return sql.data;
}

void run_ddl(const char* sql) {
  SPI_connect();
  if (SPI_execute(sql, false, 0) != SPI_OK_UTILITY) elog(ERROR, "pg_automl: \"%s\" failed", sql);
  SPI_finish();
}

// The chunk CopyFrom reads (its callback takes no argument): set for one CopyFrom.
struct ChunkSource {
  const char* data;
  size_t size;
  size_t offset;
};
ChunkSource chunk = {nullptr, 0, 0};

int read_chunk(void* out, int, int max) {
  const size_t n = std::min(static_cast<size_t>(max), chunk.size - chunk.offset);
  std::memcpy(out, chunk.data + chunk.offset, n);
  chunk.offset += n;
  return static_cast<int>(n);
}

// The checks DoCopy makes before COPY FROM, for the current (submitter's) identity:
// INSERT on the columns written, and no row-level security (COPY FROM has none).
void check_may_copy_into(ParseState* pstate, Relation rel, char** names, int n) {
  ParseNamespaceItem* item =
      addRangeTableEntryForRelation(pstate, rel, RowExclusiveLock, nullptr, false, false);
  RangeTblEntry* rte = item->p_rte;
  rte->requiredPerms = ACL_INSERT;
  for (int i = 0; i < n; ++i) {
    const AttrNumber attnum = get_attnum(RelationGetRelid(rel), names[i]);
    if (attnum == InvalidAttrNumber)
      ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                      errmsg("column \"%s\" of the file does not exist in table %s", names[i],
                             RelationGetRelationName(rel)),
                      errhint("Appending matches the file's columns to the table's by name.")));
    rte->insertedCols =
        bms_add_member(rte->insertedCols, attnum - FirstLowInvalidHeapAttributeNumber);
  }
  ExecCheckRTPerms(pstate->p_rtable, true);
  if (check_enable_rls(RelationGetRelid(rel), InvalidOid, false) == RLS_ENABLED)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("cannot import into table %s: it has row-level security enabled",
                           RelationGetRelationName(rel)),
                    errhint("COPY FROM does not apply row-level security; import into a table "
                            "without it and move the rows with INSERT … SELECT.")));
}

}  // namespace

AUTOML_FUNCTION(automl_import_begin) {
  const ClaimedJobRow job =
      read_claimed_job(PG_GETARG_INT64(0), PG_GETARG_INT64(1), &begin_plan,
                       "j.kind, j.spec ->> 'into_table', j.spec #>> '{options,if_exists}'");
  const char* into_table = import_target(job, PG_GETARG_INT64(0));
  char** names;
  char** types;
  const int n = text_array(PG_GETARG_ARRAYTYPE_P(2), "column names", &names);
  if (text_array(PG_GETARG_ARRAYTYPE_P(3), "column types", &types) != n)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("an import needs as many column types as names")));
  const char* if_exists = job.fields[2] != nullptr ? job.fields[2] : "fail";

  // Types resolve in the submitter's search_path, as in the submitter's own DDL.
  const SavedIdentity saved = enter_restricted(job.submitter, job.search_path);
  Oid table = job_table(into_table);
  if (OidIsValid(table) && std::strcmp(if_exists, "fail") == 0)
    ereport(ERROR,
            (errcode(ERRCODE_DUPLICATE_TABLE), errmsg("relation %s already exists", into_table),
             errhint("It was created after the import was queued; options.if_exists "
                     "'append' adds to it, 'replace' replaces it.")));
  const char* create = into_table;
  if (OidIsValid(table) && std::strcmp(if_exists, "replace") == 0) {
    create = staged_table(into_table, PG_GETARG_INT64(0));
    table = InvalidOid;
  }
  if (!OidIsValid(table)) {
    run_ddl(create_table_sql(create, names, types, n));
    CommandCounterIncrement();
    table = job_table(create);
  }
  leave_restricted(saved);
  PG_RETURN_OID(table);
}

AUTOML_FUNCTION(automl_import_rows) {
  const ClaimedJobRow job = read_claimed_job(PG_GETARG_INT64(0), PG_GETARG_INT64(1), &rows_plan,
                                             "j.kind, j.spec ->> 'into_table'");
  const Oid target = PG_GETARG_OID(2);
  char** names;
  const int n = text_array(PG_GETARG_ARRAYTYPE_P(3), "column names", &names);
  text* rows = PG_GETARG_TEXT_PP(4);

  const SavedIdentity saved = enter_restricted(job.submitter, kPinnedSearchPath);
  const char* into_table = import_target(job, PG_GETARG_INT64(0));
  if (job_table(into_table) != target &&
      job_table(staged_table(into_table, PG_GETARG_INT64(0))) != target)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("table %u is not the table of import job %lld", target,
                           static_cast<long long>(PG_GETARG_INT64(0)))));
  Relation rel = table_open(target, RowExclusiveLock);
  ParseState* pstate = make_parsestate(nullptr);
  check_may_copy_into(pstate, rel, names, n);
  List* columns = NIL;
  for (int i = 0; i < n; ++i) columns = lappend(columns, makeString(names[i]));
  // The chunk arrived as text, already in the database's encoding.
  List* options = list_make1(
      makeDefElem(pstrdup("encoding"),
                  reinterpret_cast<Node*>(makeString(pstrdup(GetDatabaseEncodingName()))), -1));
  chunk = {VARDATA_ANY(rows), VARSIZE_ANY_EXHDR(rows), 0};
  CopyFromState copy =
      BeginCopyFrom(pstate, rel, nullptr, nullptr, false, read_chunk, columns, options);
  const uint64 loaded = CopyFrom(copy);
  EndCopyFrom(copy);
  chunk = {nullptr, 0, 0};
  free_parsestate(pstate);
  table_close(rel, NoLock);
  leave_restricted(saved);
  PG_RETURN_INT64(static_cast<int64>(loaded));
}

// The last step before the job's success, in the same transaction: a replacing
// import's staged table takes the old one's place (dropped without CASCADE: a view
// on it fails the import and keeps the old rows).
AUTOML_FUNCTION(automl_import_finish) {
  const ClaimedJobRow job = read_claimed_job(PG_GETARG_INT64(0), PG_GETARG_INT64(1), &finish_plan,
                                             "j.kind, j.spec ->> 'into_table'");
  const Oid target = PG_GETARG_OID(2);
  const char* into_table = import_target(job, PG_GETARG_INT64(0));
  const SavedIdentity saved = enter_restricted(job.submitter, kPinnedSearchPath);
  const char* staged = staged_table(into_table, PG_GETARG_INT64(0));
  if (job_table(into_table) != target && job_table(staged) == target) {
    if (OidIsValid(job_table(into_table))) run_ddl(psprintf("DROP TABLE %s", into_table));
    List* parts = stringToQualifiedNameList(into_table);
    run_ddl(
        psprintf("ALTER TABLE %s RENAME TO %s", staged, quote_identifier(strVal(lsecond(parts)))));
  }
  leave_restricted(saved);
  PG_RETURN_VOID();
}

}  // namespace pg_automl
