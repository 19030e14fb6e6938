// fuzz_model_parse.cpp — libFuzzer: any bytes as a stored model (automl.models.model —
// tabular or a CRF tagger —
// or the "model" of an import document). Parsing either succeeds or throws
// automl::Error; a model that parses must then predict on any row without crashing
// (tree indices, coefficient shapes and class lists are all checked at parse time).
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "automl/crf.hpp"
#include "automl/error.hpp"
#include "automl/model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A tagging model (CRF) file: parse, then tag a few token lists.
  const nlohmann::json doc = nlohmann::json::parse(data, data + size, nullptr, false);
  if (doc.is_object() && doc.contains("type") && doc["type"] == "crf") {
    try {
      const automl::Crf crf = automl::Crf::from_json(doc);
      const auto tagging = crf.tag({"3M", "Aura", "9205+", "N95"});
      if (!(tagging.confidence > 0 && tagging.confidence <= 1)) __builtin_trap();
      (void)crf.tag({"x"});
    } catch (const automl::Error&) {
    }
    return 0;
  }
  std::optional<automl::Model> parsed;
  try {
    parsed.emplace(
        automl::Model::parse(std::string_view(reinterpret_cast<const char*>(data), size)));
  } catch (const automl::Error&) {
    return 0;  // refused with a SQLSTATE: what import_model reports as 22023
  }
  const automl::Model& model = *parsed;
  const std::size_t n = static_cast<std::size_t>(model.n_features());
  if (n > 100000) return 0;
  // A row of each kind predict may receive: numbers, NULLs, text, arrays.
  const double numbers[3] = {0.5, -1e300, NAN};
  std::vector<automl::InputValue> row(n);
  for (std::size_t i = 0; i < n; ++i) {
    switch (i % 4) {
      case 0:
        row[i] = automl::InputValue::of(1.0 * static_cast<double>(i));
        break;
      case 1:
        row[i] = automl::InputValue::null();
        break;
      case 2:
        row[i] = automl::InputValue::of(std::string_view("2024-05-01"));
        break;
      default:
        row[i] = automl::InputValue::of(numbers, 3);
        break;
    }
  }
  try {
    (void)model.predict(row.data());
    if (model.task() == automl::Task::Classification) {
      std::vector<double> proba(static_cast<std::size_t>(model.n_classes()));
      model.predict_proba(row.data(), proba.data());
      (void)model.predict_class(row.data());
    }
    (void)model.explain(row.data());
  } catch (const automl::Error&) {
  }
  return 0;
}
