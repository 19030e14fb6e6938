// preprocessor_fit.cpp — Preprocessor::fit: what the feature pipeline learns from the
// training split. Fill values first, then the scalings of the imputed (and expanded)
// values, then the ratio and z-score features; nothing here looks at the test split.
#include <algorithm>
#include <cmath>
#include <map>

#include "automl/error.hpp"
#include "automl/feature_statistics.hpp"
#include "automl/preprocessor.hpp"
#include "preprocessor_internal.hpp"

namespace automl {
namespace {

using preprocessor_internal::in_quotes;
using preprocessor_internal::kMissing;
using preprocessor_internal::parts_per_value;

// A column's imputation strategy: its own, else most_frequent for booleans and
// categories, else the numeric default.
std::string strategy_for(const ColumnSchema& schema, const PreprocessOptions& options) {
  const auto it = options.impute_columns.find(schema.name);
  if (it != options.impute_columns.end()) return it->second;
  if (schema.type == ColumnType::Boolean || schema.type == ColumnType::Categorical)
    return "most_frequent";
  return options.impute;
}

}  // namespace

Preprocessor Preprocessor::fit(const Dataset& data, const std::vector<Eigen::Index>& rows,
                               const PreprocessOptions& options, const EncodingTarget& target) {
  Preprocessor p;
  std::map<std::string, size_t> index;
  for (const Column& column : data.columns) {
    if (index.count(column.schema.name))
      invalid("more than one column is named " + in_quotes(column.schema.name));
    index[column.schema.name] = p.inputs_.size();
    p.inputs_.push_back(column.schema);
  }
  for (const auto& [column, strategy] : options.impute_columns)
    if (!index.count(column) || column == data.target_name)
      invalid("preprocess.impute names " + in_quotes(column) + ", which is not a feature column");

  for (const Column& column : data.columns) {
    const std::string impute = strategy_for(column.schema, options);
    p.steps_.push_back(column.schema.type == ColumnType::Categorical
                           ? fit_categories(column, rows, impute, options.max_categories)
                           : fit_fills(column, rows, impute));
  }
  for (size_t c = 0; c < p.inputs_.size(); ++c)
    if (p.inputs_[c].type != ColumnType::Categorical)
      p.fit_scalings(c, data.columns[c], rows, options.scale);
  p.fit_ratios_and_zscores(data, rows, options, index);
  p.fit_target_encodings(data, rows, options, target, index);
  p.finish();
  return p;
}

// The one-hot columns of a categorical input: the max_categories - 1 most frequent
// values (NULLs counted as their fill) and "other", or every value when they fit.
Preprocessor::Step Preprocessor::fit_categories(const Column& column,
                                                const std::vector<Eigen::Index>& rows,
                                                const std::string& impute, int max_categories) {
  Step step;
  step.impute = impute;
  std::map<std::string, size_t> counts;
  size_t nulls = 0;
  for (Eigen::Index r : rows) {
    if (column.nulls[static_cast<size_t>(r)])
      ++nulls;
    else
      ++counts[column.texts[static_cast<size_t>(r)]];
  }
  if (step.impute == "constant" || counts.empty()) {
    step.fill_text = kMissing;
  } else if (step.impute != "most_frequent") {
    invalid("categorical column " + in_quotes(column.schema.name) +
            " can only be imputed by most_frequent or constant");
  } else {
    size_t best = 0;
    for (const auto& [value, c] : counts)
      if (c > best) step.fill_text = value, best = c;
  }
  if (nulls) counts[step.fill_text] += nulls;
  std::vector<std::pair<std::string, size_t>> by_count(counts.begin(), counts.end());
  if (by_count.size() > static_cast<size_t>(max_categories)) {
    std::stable_sort(by_count.begin(), by_count.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    by_count.resize(static_cast<size_t>(max_categories - 1));
    step.has_other = true;
  }
  for (const auto& [value, c] : by_count) step.categories.push_back(value);
  std::sort(step.categories.begin(), step.categories.end());
  return step;
}

// The fill value of each element (one, or one per array element) from the present values.
Preprocessor::Step Preprocessor::fit_fills(const Column& column,
                                           const std::vector<Eigen::Index>& rows,
                                           const std::string& impute) {
  Step step;
  step.impute = impute;
  const int width = column.schema.type == ColumnType::NumericArray ? column.schema.width : 1;
  for (int e = 0; e < width; ++e) {
    std::vector<double> present;
    present.reserve(rows.size());
    for (Eigen::Index r : rows) {
      const double x = column.numbers[static_cast<size_t>(r) * static_cast<size_t>(width) +
                                      static_cast<size_t>(e)];
      if (!std::isnan(x)) present.push_back(x);
    }
    step.fills.push_back(fill_value(step.impute, present));
  }
  return step;
}

// Scalings of a non-categorical column, fitted on its imputed (and expanded)
// training values; identity scalings when `scale` is false.
void Preprocessor::fit_scalings(size_t c, const Column& column,
                                const std::vector<Eigen::Index>& rows, bool scale) {
  const size_t n = rows.size();
  const ColumnSchema& schema = inputs_[c];
  Step& step = steps_[c];
  const int width = schema.type == ColumnType::NumericArray ? schema.width : 1;
  const int parts = parts_per_value(schema.type);
  const size_t stride = static_cast<size_t>(width * parts);
  std::vector<double> values(n * stride);
  for (size_t i = 0; i < n; ++i) {
    const size_t r = static_cast<size_t>(rows[i]);
    for (int e = 0; e < width; ++e) {
      double x = column.numbers[r * static_cast<size_t>(width) + static_cast<size_t>(e)];
      if (std::isnan(x)) x = step.fills[static_cast<size_t>(e)];
      if (parts == 1)
        values[i * stride + static_cast<size_t>(e)] = x;
      else
        parts_of(c, x, &values[i * stride]);
    }
  }
  for (size_t k = 0; k < stride; ++k) {
    Scaling s;
    if (scale)
      std::tie(s.mean, s.scale) =
          mean_and_scale([&](size_t i) { return values[i * stride + k]; }, n);
    step.scalings.push_back(s);
  }
}

// The extra features a / b (non-finite quotients imputed by the mean of the finite
// ones) and z-scores of imputed numeric columns.
void Preprocessor::fit_ratios_and_zscores(const Dataset& data,
                                          const std::vector<Eigen::Index>& rows,
                                          const PreprocessOptions& options,
                                          const std::map<std::string, size_t>& index) {
  const size_t n = rows.size();
  auto numeric_input = [&](const std::string& name, const char* what) {
    auto found = index.find(name);
    if (found == index.end() || inputs_[found->second].type != ColumnType::Numeric)
      invalid(std::string(what) + " names " + in_quotes(name) +
              ", which is not a numeric feature column");
    return found->second;
  };
  auto imputed = [&](size_t c, size_t r) {
    const double x = data.columns[c].numbers[r];
    return std::isnan(x) ? steps_[c].fills[0] : x;
  };
  for (const auto& [a_name, b_name] : options.ratios) {
    Ratio ratio{numeric_input(a_name, "preprocess.ratios"),
                numeric_input(b_name, "preprocess.ratios"),
                0,
                {}};
    std::vector<double> values(n);
    std::vector<double> finite;
    for (size_t i = 0; i < n; ++i) {
      const size_t r = static_cast<size_t>(rows[i]);
      values[i] = imputed(ratio.a, r) / imputed(ratio.b, r);
      if (std::isfinite(values[i])) finite.push_back(values[i]);
    }
    ratio.fill = fill_value("mean", finite);
    for (double& v : values)
      if (!std::isfinite(v)) v = ratio.fill;
    if (options.scale)
      std::tie(ratio.scaling.mean, ratio.scaling.scale) =
          mean_and_scale([&](size_t i) { return values[i]; }, n);
    ratios_.push_back(ratio);
  }
  for (const auto& name : options.zscores) {
    ZScore z{numeric_input(name, "preprocess.zscores"), {}};
    std::tie(z.scaling.mean, z.scaling.scale) = mean_and_scale(
        [&](size_t i) { return imputed(z.column, static_cast<size_t>(rows[i])); }, n);
    zscores_.push_back(z);
  }
}

}  // namespace automl
