// column_profile.cpp — the training rows' profile stored with a model: per input
// column (and the target) the counts, moments, quartiles and a histogram or top
// values that the model report shows, in the shape of automl.describe's rows.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "automl/drift_reference.hpp"
#include "automl/evaluation.hpp"
#include "automl/values.hpp"

namespace automl {
namespace {

constexpr size_t kTopValues = 10;

std::string date_text(double seconds, bool with_time) {
  const CalendarParts p = calendar_parts(seconds);
  const double in_day = seconds - std::floor(seconds / 86400.0) * 86400.0;
  char text[48];
  if (with_time)
    std::snprintf(text, sizeof text, "%04.0f-%02.0f-%02.0f %02.0f:%02d:%02d", p.year, p.month,
                  p.day, p.hour, static_cast<int>(std::fmod(in_day, 3600.0) / 60),
                  static_cast<int>(std::fmod(in_day, 60.0)));
  else
    std::snprintf(text, sizeof text, "%04.0f-%02.0f-%02.0f", p.year, p.month, p.day);
  return text;
}

nlohmann::json top_of(const std::map<std::string, long long>& counts) {
  std::vector<std::pair<std::string, long long>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (sorted.size() > kTopValues) sorted.resize(kTopValues);
  nlohmann::json top = nlohmann::json::array();
  for (const auto& [value, count] : sorted) top.push_back({{"value", value}, {"count", count}});
  return top;
}

// Numbers (numeric, boolean, date, timestamp): moments and extremes over every row,
// distinct values and quartiles over the sample; a histogram, or for booleans the
// counts of true and false.
void profile_numbers(const std::vector<double>& all, const std::vector<double>& sampled,
                     ColumnType type, nlohmann::json& out) {
  double sum = 0, sum_sq = 0, lo = INFINITY, hi = -INFINITY;
  long long present = 0;
  for (double x : all)
    if (!std::isnan(x)) ++present, sum += x, lo = std::min(lo, x), hi = std::max(hi, x);
  const double mean = present ? sum / present : NAN;
  for (double x : all)
    if (!std::isnan(x)) sum_sq += (x - mean) * (x - mean);
  out["nulls"] = static_cast<long long>(all.size()) - present;
  std::vector<double> sorted;
  for (double x : sampled)
    if (!std::isnan(x)) sorted.push_back(x);
  std::sort(sorted.begin(), sorted.end());
  long long distinct = 0;
  for (size_t i = 0; i < sorted.size(); ++i) distinct += i == 0 || sorted[i] != sorted[i - 1];
  out["distinct"] = distinct;
  if (present == 0) {
    out["drift"] = nlohmann::json::object({{"null_rate", all.empty() ? 0.0 : 1.0}});
    return;
  }
  const bool dates = type == ColumnType::Date || type == ColumnType::Timestamp;
  out["min"] = dates ? date_text(lo, type == ColumnType::Timestamp) : number_to_text(lo);
  out["max"] = dates ? date_text(hi, type == ColumnType::Timestamp) : number_to_text(hi);
  if (type == ColumnType::Boolean) {
    std::map<std::string, long long> counts;
    for (double x : all)
      if (!std::isnan(x)) ++counts[x != 0 ? "true" : "false"];
    out["mean"] = mean;
    out["top"] = top_of(counts);
    out["drift"] = category_drift_reference(counts, static_cast<long long>(all.size()) - present,
                                            static_cast<long long>(all.size()));
    return;
  }
  if (!dates) {
    out["mean"] = mean;
    out["stddev"] = present > 1 ? std::sqrt(sum_sq / (present - 1)) : NAN;
    out["q1"] = quantile_of_sorted(sorted, 0.25);
    out["median"] = quantile_of_sorted(sorted, 0.5);
    out["q3"] = quantile_of_sorted(sorted, 0.75);
  }
  out["histogram"] = histogram_of(all, 20);
  out["drift"] = numeric_drift_reference(all, sorted);
}

void profile_texts(const Column& c, const std::vector<Eigen::Index>& rows,
                   const std::vector<Eigen::Index>& sample, nlohmann::json& out) {
  long long nulls = 0;
  for (Eigen::Index r : rows) nulls += c.nulls[static_cast<size_t>(r)] != 0;
  std::map<std::string, long long> counts;
  for (Eigen::Index r : sample)
    if (!c.nulls[static_cast<size_t>(r)]) ++counts[c.texts[static_cast<size_t>(r)]];
  out["nulls"] = nulls;
  out["distinct"] = counts.size();
  out["top"] = top_of(counts);
  out["drift"] = category_drift_reference(counts, nulls, static_cast<long long>(rows.size()));
}

std::vector<double> numbers_at(const std::vector<double>& numbers,
                               const std::vector<Eigen::Index>& rows) {
  std::vector<double> out;
  out.reserve(rows.size());
  for (Eigen::Index r : rows) out.push_back(numbers[static_cast<size_t>(r)]);
  return out;
}

nlohmann::json profile_column(const Column& c, const std::vector<Eigen::Index>& rows,
                              const std::vector<Eigen::Index>& sample) {
  nlohmann::json out = {{"name", c.schema.name},
                        {"type", to_string(c.schema.type)},
                        {"sql_type", c.schema.sql_type},
                        {"rows", rows.size()}};
  if (c.schema.type == ColumnType::Categorical) {
    profile_texts(c, rows, sample, out);
  } else if (c.schema.type == ColumnType::NumericArray) {
    out["width"] = c.schema.width;
  } else {
    profile_numbers(numbers_at(c.numbers, rows), numbers_at(c.numbers, sample), c.schema.type, out);
  }
  return out;
}

// The target as text (classes) or as numbers (regression).
nlohmann::json profile_target(const Dataset& data, const std::vector<Eigen::Index>& rows,
                              const std::vector<Eigen::Index>& sample, bool numeric) {
  Column c;
  c.schema = {data.target_name, numeric ? ColumnType::Numeric : ColumnType::Categorical, 1,
              to_string(data.target_kind)};
  for (const std::string& value : data.target) {
    if (numeric) {
      const std::optional<double> x = parse_number(value);
      c.numbers.push_back(x ? *x : NAN);
    } else {
      c.texts.push_back(value);
      c.nulls.push_back(0);
    }
  }
  nlohmann::json out = profile_column(c, rows, sample);
  out["target"] = true;
  return out;
}

}  // namespace

nlohmann::json column_profiles(const Dataset& data, const std::vector<Eigen::Index>& rows,
                               bool numeric_target) {
  const std::vector<Eigen::Index> sample = evenly_spaced(rows, kProfileSampleRows);
  nlohmann::json out = nlohmann::json::array();
  for (const Column& c : data.columns) out.push_back(profile_column(c, rows, sample));
  if (!data.target.empty())  // clustering data has no target
    out.push_back(profile_target(data, rows, sample, numeric_target));
  return out;
}

}  // namespace automl
