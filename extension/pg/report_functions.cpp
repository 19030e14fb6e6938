// pg/report_functions.cpp — SQL access to core/'s report renderer: the document
// automl.report or automl.describe_report gathered, as one HTML page.
#include <nlohmann/json.hpp>
#include <string>

#include "automl/error.hpp"
#include "automl/report.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/guard.hpp"

namespace pg_automl {
namespace {

std::string render(const std::string& kind, const char* document) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(document);
  } catch (const nlohmann::json::exception& e) {  // e.g. a number out of double's range
    throw automl::Error(automl::sqlstate::kInvalidParameterValue,
                        "the report document cannot be read", e.what());
  }
  if (kind == "model") return automl::render_model_report(doc);
  if (kind == "data") return automl::render_data_report(doc);
  throw automl::Error(automl::sqlstate::kInvalidParameterValue,
                      "unknown report kind \"" + kind + "\"", "", "use 'model' or 'data'");
}

}  // namespace

AUTOML_FUNCTION(automl_render_report) {
  const char* kind = text_to_cstring(PG_GETARG_TEXT_PP(0));
  Jsonb* jb = PG_GETARG_JSONB_P(1);
  const char* document = JsonbToCString(nullptr, &jb->root, VARSIZE(jb));
  const char* page = cpp_guard([&] { return render(kind, document); });
  PG_RETURN_TEXT_P(cstring_to_text(page));
}

}  // namespace pg_automl
