// fuzz_job_spec.cpp — libFuzzer: any text as the spec of an INSERT INTO automl.jobs.
// The first byte picks the kind; the rest is JSON. Validation either returns a
// normalised spec or throws automl::Error (what the INSERT trigger reports).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "automl/error.hpp"
#include "automl/train_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kinds[] = {"train", "noop", "import", "design", "", "train\n"};
  const std::string kind = kinds[data[0] % 6];
  const nlohmann::json spec = nlohmann::json::parse(data + 1, data + size, nullptr, false);
  if (spec.is_discarded()) return 0;  // not JSON: jsonb_in refuses it before we see it
  try {
    const nlohmann::json normalized = automl::normalize_job_spec(kind, spec);
    // What is normalised must stay valid: the worker parses the stored spec again.
    (void)automl::normalize_job_spec(kind, normalized);
  } catch (const automl::Error&) {
  }
  return 0;
}
