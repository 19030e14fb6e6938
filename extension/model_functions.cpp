// model_functions.cpp — SQL access to core/'s model file reader, so that an
// imported model is checked by the very parser that will serve it.
#include <cstdlib>
#include <cstring>
#include <string>

#include "automl/crf.hpp"
#include "automl/model.hpp"
#include "guard.hpp"
#include "serving_limits.hpp"

extern "C" {
PG_FUNCTION_INFO_V1(automl_model_summary);
}

using namespace pg_automl;

// Parses model bytes (XX001 / 0A000 when they are not a model this version reads)
// and returns what the catalogue stores about it.
extern "C" Datum automl_model_summary(PG_FUNCTION_ARGS) {
  bytea* bytes = PG_GETARG_BYTEA_PP(0);
  const char* data = VARDATA_ANY(bytes);
  const size_t size = VARSIZE_ANY_EXHDR(bytes);
  if (model_too_large(size))
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("the model file is %zu MB; this server loads at most %d MB (automl.max_model_mb)",
                           size >> 20, max_model_mb)));
  // The result crosses the guard as malloc'd C text: no C++ object outlives it.
  char* summary = cpp_guard([&] {
    // A tagger (CRF) is checked by the parser that serves automl.tag.
    const nlohmann::json doc = nlohmann::json::parse(data, data + size, nullptr, false);
    if (doc.is_object() && doc.contains("type") && doc["type"] == "crf") {
      const automl::Crf crf = automl::Crf::from_json(doc);
      check_labels(crf.labels().size(), "the tagger");
      if (!doc.contains("tokens_column") || !doc["tokens_column"].is_string() || !doc.contains("target") ||
          !doc["target"].is_string())
        throw automl::Error(automl::sqlstate::kDataCorrupted, "model file: a CRF without its tokens and target columns");
      const nlohmann::json j = {{"task", "tagging"}, {"algorithm", "crf"}, {"hyperparams", nlohmann::json::object()},
                                {"feature_names", {doc["tokens_column"]}}, {"feature_version", nullptr},
                                {"target", doc["target"]}, {"format_version", 1}, {"classes", crf.labels()}};
      return malloc_copy(j.dump());
    }
    const automl::Model m = automl::Model::parse(std::string_view(data, size));
    if (m.task() == automl::Task::Classification) check_labels(m.labels().classes().size(), "the model");
    nlohmann::json j = {{"task", automl::to_string(m.task())}, {"algorithm", m.algorithm()},
                        {"hyperparams", m.hyperparams()}, {"feature_names", m.feature_names()},
                        {"feature_version", m.feature_version()}, {"target", m.target()},
                        {"format_version", automl::Model::kFormatVersion}};
    j["classes"] = m.task() == automl::Task::Classification ? nlohmann::json(m.labels().classes()) : nlohmann::json();
    const std::string out = j.dump();
    return malloc_copy(out);
  });
  char* text = pstrdup(summary);
  std::free(summary);
  PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));
}
