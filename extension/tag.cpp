// tag.cpp — automl.tag(project, text | text[]): short-text tagging in the backend with
// the project's deployed CRF, or with the bundled respirator rules when the project
// has no deployed model. The CRF is parsed once per backend and model id.
#include <cstring>

#include "automl/crf.hpp"
#include "automl/interrupt.hpp"
#include "guard.hpp"
#include "model_cache.hpp"
#include "model_catalog.hpp"
#include "serving_limits.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(automl_tag);
PG_FUNCTION_INFO_V1(automl_tag_batch);
}

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
  const automl::Crf* crf = cpp_guard([&] {
    const nlohmann::json doc = nlohmann::json::parse(bytes, bytes + size, nullptr, false);
    if (!doc.is_object() || !doc.contains("type") || doc["type"] != "crf")
      throw automl::Error(automl::sqlstate::kInvalidParameterValue,
                          std::string("project \"") + name + "\" serves a tabular model; automl.tag needs a tagging model",
                          "train one with task => 'tagging', algorithm => 'crf'");
    automl::Crf crf = automl::Crf::from_json(doc);
    check_labels(crf.labels().size(), "the tagger of project \"" + std::string(name) + "\"");
    return tagger_cache().insert(model_id, std::move(crf));
  });
  pfree(bytes);
  return crf;
}

// Resolves the call site once per statement: the deployed tagger (through the
// backend's deployment cache, like predict), or the rules.
const TagSite& tag_site(FunctionCallInfo fcinfo, text* project) {
  auto* site = static_cast<TagSite*>(fcinfo->flinfo->fn_extra);
  if (site != nullptr && site->key.matches(project, tagger_cache().epoch())) return *site;
  Deployment d;
  const bool deployed = find_deployment(project, &d) == DeploymentStatus::Deployed;
  const automl::Crf* crf = deployed ? load_tagger(d.model_ids[0], project) : nullptr;
  if (site == nullptr) {
    site = static_cast<TagSite*>(MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TagSite)));
    fcinfo->flinfo->fn_extra = site;
  }
  site->key.set(fcinfo, project, tagger_cache().epoch());
  site->model_id = deployed ? d.model_ids[0] : 0;
  site->crf = crf;
  return *site;
}

// One input's result as JSON (C++ land).
nlohmann::json tag_one(const TagSite& site, const std::string& input) {
  const std::vector<std::string> tokens = automl::whitespace_tokens(input);
  check_tag_tokens(tokens.size());
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
    for (int i = 0; i < n; ++i) {
      automl::check_interrupt();
      out.push_back(texts[i] == nullptr ? nlohmann::json(nullptr) : tag_one(site, texts[i]));
    }
    return malloc_copy(out.dump());
  });
  PG_RETURN_DATUM(jsonb_from(json));
}
