// preprocessor.cpp — the layout of a fitted Preprocessor's outputs: their names,
// the input column each comes from, the calendar parts of a date and the feature
// version. Fitting, applying and storage have a file each (preprocessor_*.cpp).
#include "automl/preprocessor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "preprocessor_internal.hpp"

namespace automl {
namespace {

using preprocessor_internal::kCalendarParts;
using preprocessor_internal::kOther;
using preprocessor_internal::parts_per_value;

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

void Preprocessor::parts_of(size_t column, double raw, double* out) const {
  const CalendarParts c = calendar_parts(raw);
  out[0] = c.year;
  out[1] = c.month;
  out[2] = c.day;
  out[3] = c.day_of_week;
  out[4] = c.day_of_year;
  out[5] = std::floor(raw / 86400.0);  // days since 1970: the trend
  if (inputs_[column].type == ColumnType::Timestamp) out[6] = c.hour;
}

void Preprocessor::finish() {
  output_names_.clear();
  output_sources_.clear();
  for (size_t c = 0; c < inputs_.size(); ++c) {
    const ColumnSchema& s = inputs_[c];
    switch (s.type) {
      case ColumnType::Numeric:
      case ColumnType::Boolean:
        output_names_.push_back(s.name);
        break;
      case ColumnType::Categorical:
        for (const auto& value : steps_[c].categories)
          output_names_.push_back(s.name + "=" + value);
        if (steps_[c].has_other) output_names_.push_back(s.name + "=" + kOther);
        // Target encodings: one for a number or two classes, else one per class.
        for (size_t k = 0; k < steps_[c].prior.size(); ++k)
          output_names_.push_back(
              s.name + ".target_mean" +
              (steps_[c].prior.size() == 1 ? std::string() : "[" + std::to_string(k + 1) + "]"));
        break;
      case ColumnType::Date:
      case ColumnType::Timestamp:
        for (int k = 0; k < parts_per_value(s.type); ++k)
          output_names_.push_back(s.name + "." + kCalendarParts[k]);
        break;
      case ColumnType::NumericArray:
        for (int e = 1; e <= s.width; ++e)
          output_names_.push_back(s.name + "[" + std::to_string(e) + "]");
        break;
    }
    output_sources_.resize(output_names_.size(), static_cast<int>(c));
  }
  for (const Ratio& r : ratios_)
    output_names_.push_back(inputs_[r.a].name + "/" + inputs_[r.b].name);
  output_sources_.resize(output_names_.size(), -1);
  for (const ZScore& z : zscores_) {
    output_names_.push_back(inputs_[z.column].name + ".z");
    output_sources_.push_back(static_cast<int>(z.column));
  }

  numbers_only_ = std::all_of(inputs_.begin(), inputs_.end(), [](const ColumnSchema& s) {
    return s.type == ColumnType::Numeric || s.type == ColumnType::Boolean;
  });
  nlohmann::json schema = nlohmann::json::array();
  for (const auto& s : inputs_) schema.push_back({s.name, to_string(s.type), s.width});
  char hex[17];
  std::snprintf(
      hex, sizeof hex, "%016llx",
      static_cast<unsigned long long>(fnv1a(nlohmann::json{schema, output_names_}.dump())));
  feature_version_ = hex;
}

}  // namespace automl
