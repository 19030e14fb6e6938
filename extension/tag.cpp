// tag.cpp — automl.tag(project, text | text[]): short-text tagging in the backend with
// the project's deployed CRF, or with the bundled respirator rules when the project
// has no deployed model. The CRF is parsed once per backend and model id.
#include <cstring>
#include <map>
#include <memory>

#include "automl/crf.hpp"
#include "guard.hpp"
#include "pg/spi_plan.hpp"
#include "model_cache.hpp"

extern "C" {
#include "miscadmin.h"
PG_FUNCTION_INFO_V1(automl_tag);
PG_FUNCTION_INFO_V1(automl_tag_batch);
}

namespace pg_automl {
namespace {

// Parsed taggers by model id (model rows never change), at most model_cache_size.
std::map<std::int64_t, std::unique_ptr<const automl::Crf>>& taggers() {
  static std::map<std::int64_t, std::unique_ptr<const automl::Crf>> cache;
  return cache;
}
// Bumped when a tagger leaves the cache: call sites holding its pointer re-resolve.
std::uint64_t taggers_epoch = 0;

// fn_extra: what this call site tags with in this statement, for this role.
struct TagSite {
  TimestampTz statement_start;
  LocalTransactionId transaction;
  Oid user;
  std::uint64_t epoch;
  std::int64_t model_id;  // 0: the rules
  const automl::Crf* crf;
  text* project;
};

SPIPlanPtr deployed_plan = nullptr, model_plan = nullptr;

const automl::Crf* load_tagger(std::int64_t model_id) {
  auto& cache = taggers();
  if (auto it = cache.find(model_id); it != cache.end()) return it->second.get();
  Oid types[1] = {INT8OID};
  Datum args[1] = {Int64GetDatum(model_id)};
  SPI_connect();
  SPIPlanPtr plan = prepare_once(&model_plan, "SELECT convert_from(model, 'UTF8') FROM automl.models WHERE id = $1", 1, types);
  if (SPI_execute_plan(plan, args, nullptr, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
    elog(ERROR, "pg_automl: reading tagger %lld failed", static_cast<long long>(model_id));
  bool is_null = false;
  char* json = text_to_cstring(DatumGetTextPP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &is_null)));
  char* copy = static_cast<char*>(SPI_palloc(std::strlen(json) + 1));  // outlives SPI_finish
  std::strcpy(copy, json);
  SPI_finish();
  const automl::Crf* crf = cpp_guard([&] {
    auto parsed = std::make_unique<const automl::Crf>(automl::Crf::from_json(nlohmann::json::parse(copy)));
    if (static_cast<int>(cache.size()) >= std::max(model_cache_size, kMinimumModels)) {
      cache.erase(cache.begin());
      ++taggers_epoch;
    }
    return cache.emplace(model_id, std::move(parsed)).first->second.get();
  });
  pfree(copy);
  return crf;
}

// Resolves the call site once per statement: the deployed tagger, or the rules.
const TagSite& tag_site(FunctionCallInfo fcinfo, text* project) {
  auto* site = static_cast<TagSite*>(fcinfo->flinfo->fn_extra);
  const TimestampTz statement_start = GetCurrentStatementStartTimestamp();
  const Oid user = GetUserId();
  const auto same_project = [&] {
    return site->project != nullptr && VARSIZE_ANY_EXHDR(site->project) == VARSIZE_ANY_EXHDR(project) &&
           std::memcmp(VARDATA_ANY(site->project), VARDATA_ANY(project), VARSIZE_ANY_EXHDR(project)) == 0;
  };
  if (site != nullptr && site->statement_start == statement_start && site->transaction == MyProc->lxid &&
      site->user == user && site->epoch == taggers_epoch && same_project())
    return *site;
  Oid types[1] = {TEXTOID};
  Datum args[1] = {PointerGetDatum(project)};
  SPI_connect();
  SPIPlanPtr plan = prepare_once(
      &deployed_plan,
      "SELECT d.model_id, d.task, EXISTS (SELECT 1 FROM automl.projects p WHERE p.name = $1), automl._project_exists($1)"
      "  FROM (SELECT 1) one LEFT JOIN automl.deployed_models d ON d.project = $1",
      1, types);
  if (SPI_execute_plan(plan, args, nullptr, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
    elog(ERROR, "pg_automl: looking up the tagger failed");
  bool id_null = false, task_null = false, b = false;
  const Datum id = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &id_null);
  const Datum task = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &task_null);
  const bool visible = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &b));
  const bool exists = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4, &b));
  const char* task_name = task_null ? "" : pstrdup(text_to_cstring(DatumGetTextPP(task)));
  const std::int64_t model_id = id_null ? 0 : DatumGetInt64(id);
  SPI_finish();
  if (exists && !visible)
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied for project \"%s\"", text_to_cstring(project))));
  if (model_id != 0 && std::strcmp(task_name, "tagging") != 0)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("project \"%s\" serves a %s model; automl.tag needs a tagging model", text_to_cstring(project),
                           task_name),
                    errhint("Train one with task => 'tagging', algorithm => 'crf'.")));
  const automl::Crf* crf = model_id != 0 ? load_tagger(model_id) : nullptr;
  if (site == nullptr) {
    site = static_cast<TagSite*>(MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TagSite)));
    fcinfo->flinfo->fn_extra = site;
  }
  if (site->project != nullptr) pfree(site->project);
  site->project = static_cast<text*>(MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, VARSIZE_ANY(project)));
  std::memcpy(site->project, project, VARSIZE_ANY(project));
  site->statement_start = statement_start;
  site->transaction = MyProc->lxid;
  site->user = user;
  site->epoch = taggers_epoch;
  site->model_id = model_id;
  site->crf = crf;
  return *site;
}

// One input's result as JSON (C++ land).
nlohmann::json tag_one(const TagSite& site, const std::string& input) {
  const std::vector<std::string> tokens = automl::whitespace_tokens(input);
  nlohmann::json out = {{"tokens", tokens}};
  std::vector<std::string> tags;
  if (site.crf != nullptr) {
    const automl::Crf::Tagging t = site.crf->tag(tokens);
    tags = t.tags;
    out["confidence"] = t.confidence;
    out["source"] = "crf";
    out["model_id"] = site.model_id;
  } else {
    tags = automl::respirator_rules(tokens);
    out["confidence"] = nullptr;
    out["source"] = "rules";
  }
  out["tags"] = tags;
  out["components"] = automl::tag_components(tokens, tags);
  return out;
}

Datum jsonb_from(char* json_text) {
  char* copy = pstrdup(json_text);
  std::free(json_text);
  return DirectFunctionCall1(jsonb_in, CStringGetDatum(copy));
}

}  // namespace
}  // namespace pg_automl

using namespace pg_automl;

extern "C" Datum automl_tag(PG_FUNCTION_ARGS) {
  text* project = PG_GETARG_TEXT_PP(0);
  const char* input = text_to_cstring(PG_GETARG_TEXT_PP(1));
  const TagSite& site = tag_site(fcinfo, project);
  char* json = cpp_guard([&] { return malloc_copy(tag_one(site, input).dump()); });
  PG_RETURN_DATUM(jsonb_from(json));
}

// A batch: one result per element, in order; NULL elements give JSON null.
extern "C" Datum automl_tag_batch(PG_FUNCTION_ARGS) {
  text* project = PG_GETARG_TEXT_PP(0);
  ArrayType* inputs = PG_GETARG_ARRAYTYPE_P(1);
  if (ARR_NDIM(inputs) > 1)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("automl.tag takes a one-dimensional text[]")));
  Datum* values;
  bool* nulls;
  int n;
  deconstruct_array(inputs, TEXTOID, -1, false, TYPALIGN_INT, &values, &nulls, &n);
  const char** texts = static_cast<const char**>(palloc0(sizeof(char*) * static_cast<size_t>(n + 1)));
  for (int i = 0; i < n; ++i) texts[i] = nulls[i] ? nullptr : text_to_cstring(DatumGetTextPP(values[i]));
  const TagSite& site = tag_site(fcinfo, project);
  char* json = cpp_guard([&] {
    nlohmann::json out = nlohmann::json::array();
    for (int i = 0; i < n; ++i) out.push_back(texts[i] == nullptr ? nlohmann::json(nullptr) : tag_one(site, texts[i]));
    return malloc_copy(out.dump());
  });
  PG_RETURN_DATUM(jsonb_from(json));
}
