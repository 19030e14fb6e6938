// spec_functions.cpp — SQL access to core/'s job-spec validation and metric
// catalogue, so the INSERT trigger and the worker apply the same rules.
#include <cstdlib>
#include <cstring>
#include <string>

#include "automl/metrics.hpp"
#include "automl/train_spec.hpp"
#include "guard.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(automl_normalize_job_spec);
PG_FUNCTION_INFO_V1(automl_metric_higher_is_better);
}

using namespace pg_automl;

// Validates a job's spec; returns it normalised (defaults filled in).
extern "C" Datum automl_normalize_job_spec(PG_FUNCTION_ARGS) {
  if (PG_ARGISNULL(0))
    ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("job kind must not be NULL")));
  const char* kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
  const char* spec = "{}";
  if (!PG_ARGISNULL(1)) {
    Jsonb* jb = PG_GETARG_JSONB_P(1);
    spec = JsonbToCString(nullptr, &jb->root, VARSIZE(jb));
  }
  // The result crosses the guard as malloc'd C text: no C++ object outlives it.
  char* normalized = cpp_guard([&] {
    const auto parsed = nlohmann::json::parse(spec);
    const std::string out = automl::normalize_job_spec(kind, parsed).dump();
    return malloc_copy(out);
  });
  char* text = pstrdup(normalized);
  std::free(normalized);
  PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));
}

extern "C" Datum automl_metric_higher_is_better(PG_FUNCTION_ARGS) {
  const char* metric = text_to_cstring(PG_GETARG_TEXT_PP(0));
  PG_RETURN_BOOL(cpp_guard([&] { return automl::metric_higher_is_better(metric); }));
}

extern "C" {
#include "nodes/parsenodes.h"
#include "parser/parser.h"
PG_FUNCTION_INFO_V1(automl_check_training_query);
}

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

}  // namespace

// A training "relation" given as SQL must be exactly one SELECT (or VALUES / TABLE)
// statement that reads: no second statement after a semicolon, no data-modifying
// WITH, no SELECT INTO, no row locks. Checked on PostgreSQL's own parse tree, so
// comments, quoting and dollar quotes cannot hide anything.
extern "C" Datum automl_check_training_query(PG_FUNCTION_ARGS) {
  const char* query = text_to_cstring(PG_GETARG_TEXT_PP(0));
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
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("the training query is refused: %s", problem),
                    errhint("Pass a table or view name, or one read-only SELECT statement.")));
  PG_RETURN_VOID();
}
