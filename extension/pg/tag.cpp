// pg/tag.cpp — automl.tag(project, text | text[]): short-text tagging in the backend
// with the project's deployed CRF, or with the bundled respirator rules when the
// project has no deployed model. The CRF is parsed once per backend and model id.
#include "serve/answers.hpp"
#include "serve/model_cache.hpp"
#include "serve/served.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/call_site.hpp"
#include "pg/deployments.hpp"
#include "pg/guard.hpp"
#include "pg/model_files.hpp"

namespace pg_automl {
namespace {

// fn_extra: what this call site tags with in this statement, for this role.
struct TagSite {
  SiteKey key;
  std::int64_t model_id;  // 0: the rules
  const automl::Crf* crf;
};

// The deployed model as a tagger, parsed once per backend; a tabular model → 22023.
const automl::Crf* load_tagger(std::int64_t model_id, text* project) {
  if (const automl::Crf* cached = tagger_cache().find(model_id)) return cached;
  std::size_t size = 0;
  char* bytes = read_model_file(model_id, &size);
  const char* name = text_to_cstring(project);
  const automl::Crf* crf =
      cpp_guard([&] { return tagger_cache().insert(model_id, parse_tagger(bytes, size, name)); });
  pfree(bytes);
  return crf;
}

// Resolves the call site once per statement: the deployed tagger (through the
// backend's deployment cache, like predict), or the rules.
const TagSite& tag_site(FunctionCallInfo fcinfo, text* project) {
  auto* site = static_cast<TagSite*>(fcinfo->flinfo->fn_extra);
  if (site != nullptr && site_matches(site->key, project, tagger_cache().epoch())) return *site;
  Deployment d;
  const bool deployed = find_deployment(project, &d) == DeploymentStatus::Deployed;
  const automl::Crf* crf = deployed ? load_tagger(d.model_ids[0], project) : nullptr;
  if (site == nullptr) {
    site = static_cast<TagSite*>(MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TagSite)));
    fcinfo->flinfo->fn_extra = site;
  }
  set_site_key(&site->key, fcinfo, project, tagger_cache().epoch());
  site->model_id = deployed ? d.model_ids[0] : 0;
  site->crf = crf;
  return *site;
}

Datum jsonb_datum(const char* json) { return DirectFunctionCall1(jsonb_in, CStringGetDatum(json)); }

}  // namespace

AUTOML_FUNCTION(automl_tag) {
  text* project = PG_GETARG_TEXT_PP(0);
  const char* input = text_to_cstring(PG_GETARG_TEXT_PP(1));
  const TagSite& site = tag_site(fcinfo, project);
  PG_RETURN_DATUM(jsonb_datum(cpp_guard([&] { return tag_json(site.crf, site.model_id, input); })));
}

// A batch: one result per element, in order; NULL elements give JSON null.
AUTOML_FUNCTION(automl_tag_batch) {
  text* project = PG_GETARG_TEXT_PP(0);
  ArrayType* inputs = PG_GETARG_ARRAYTYPE_P(1);
  if (ARR_NDIM(inputs) > 1)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("automl.tag takes a one-dimensional text[]")));
  Datum* values;
  bool* nulls;
  int n;
  deconstruct_array(inputs, TEXTOID, -1, false, TYPALIGN_INT, &values, &nulls, &n);
  const char** texts =
      static_cast<const char**>(palloc0(sizeof(char*) * static_cast<size_t>(n + 1)));
  for (int i = 0; i < n; ++i)
    texts[i] = nulls[i] ? nullptr : text_to_cstring(DatumGetTextPP(values[i]));
  const TagSite& site = tag_site(fcinfo, project);
  PG_RETURN_DATUM(
      jsonb_datum(cpp_guard([&] { return tag_batch_json(site.crf, site.model_id, texts, n); })));
}

}  // namespace pg_automl
