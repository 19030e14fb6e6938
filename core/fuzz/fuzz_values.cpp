// fuzz_values.cpp — libFuzzer: the text parsers every training value and every
// jsonb string passes through (COPY text output, CSV-like): numbers, booleans,
// dates, timestamps and number arrays. They return nullopt/false, never crash.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "automl/values.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)automl::parse_number(text);
  (void)automl::parse_boolean(text);
  if (const auto d = automl::parse_date(text)) (void)automl::calendar_parts(*d);
  if (const auto t = automl::parse_timestamp(text)) (void)automl::calendar_parts(*t);
  std::vector<double> array;
  (void)automl::parse_number_array(text, array);
  std::vector<std::string> words;
  (void)automl::parse_text_array(text, words);
  if (const auto x = automl::parse_number(text)) (void)automl::number_to_text(*x);
  return 0;
}
