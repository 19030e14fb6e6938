// preprocessor.cpp — fitting and applying the feature pipeline.
#include "automl/preprocessor.hpp"

#include "json_numbers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <unordered_map>

#include "automl/error.hpp"

namespace automl {
namespace {

const char* kOther = "__other__";
const char* kMissing = "__missing__";
const std::set<std::string> kStrategies = {"mean", "median", "most_frequent", "constant"};

int parts_per_value(ColumnType type) {
  return type == ColumnType::Date ? 6 : type == ColumnType::Timestamp ? 7 : 1;
}

double median_of(std::vector<double> v) {
  const size_t n = v.size();
  std::nth_element(v.begin(), v.begin() + static_cast<long>(n / 2), v.end());
  const double hi = v[n / 2];
  if (n % 2) return hi;
  return (*std::max_element(v.begin(), v.begin() + static_cast<long>(n / 2)) + hi) / 2;
}

double most_frequent_of(const std::vector<double>& v) {
  std::map<double, size_t> counts;  // ordered: ties go to the smallest value, like scikit-learn
  for (double x : v) ++counts[x];
  double best = 0;
  size_t best_count = 0;
  for (const auto& [x, c] : counts)
    if (c > best_count) best = x, best_count = c;
  return best;
}

double fill_value(const std::string& strategy, const std::vector<double>& present) {
  if (present.empty() || strategy == "constant") return 0;  // an all-NULL column is constant 0
  if (strategy == "median") return median_of(present);
  if (strategy == "most_frequent") return most_frequent_of(present);
  double sum = 0;
  for (double x : present) sum += x;
  return sum / static_cast<double>(present.size());
}

// Population mean and standard deviation, like scikit-learn's StandardScaler; a
// constant feature keeps scale 1 (it is only centred).
template <typename Values>
std::pair<double, double> mean_and_scale(const Values& values, size_t n) {
  if (n == 0) return {0, 1};
  double mean = 0;
  for (size_t i = 0; i < n; ++i) mean += values(i);
  mean /= static_cast<double>(n);
  double var = 0;
  for (size_t i = 0; i < n; ++i) var += (values(i) - mean) * (values(i) - mean);
  var /= static_cast<double>(n);
  const double sd = std::sqrt(var);
  return {mean, sd > 1e-12 * std::max(1.0, std::abs(mean)) ? sd : 1.0};
}

std::string in_quotes(const std::string& name) { return "\"" + name + "\""; }

[[noreturn]] void wrong_type(const ColumnSchema& c, const std::string& expected, const std::string& got) {
  throw Error(sqlstate::kInvalidTextRepresentation,
              "feature " + in_quotes(c.name) + " must be " + expected + ", got " + got);
}

std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

}  // namespace

// ---------------------------------------------------------------------------
// Options

PreprocessOptions PreprocessOptions::parse(const nlohmann::json& j) {
  PreprocessOptions o;
  if (j.is_null()) return o;
  if (!j.is_object()) invalid("preprocess must be a JSON object", "got " + j.dump());
  const std::set<std::string> keys = {"impute", "max_categories", "scale", "ratios", "zscores",
                                      "exclude", "skip_unsupported", "max_auto_classes"};
  for (const auto& [key, value] : j.items()) {
    if (!keys.count(key))
      invalid("unknown key \"" + key + "\" in preprocess",
              "accepted keys: impute, max_categories, scale, ratios, zscores, exclude, skip_unsupported, "
              "max_auto_classes");
    if (key == "impute") {
      auto check = [](const std::string& s) {
        if (!kStrategies.count(s))
          invalid("unknown imputation strategy \"" + s + "\"", "strategies: mean, median, most_frequent, constant");
      };
      if (value.is_string()) {
        check(o.impute = value.get<std::string>());
      } else if (value.is_object()) {
        for (const auto& [column, strategy] : value.items()) {
          if (!strategy.is_string()) invalid("preprocess.impute." + column + " must be a string");
          check(strategy.get<std::string>());
          if (column == "*") o.impute = strategy.get<std::string>();
          else o.impute_columns[column] = strategy.get<std::string>();
        }
      } else {
        invalid("preprocess.impute must be a strategy or an object of column: strategy");
      }
    } else if (key == "max_categories") {
      if (!value.is_number_integer() || value.get<long long>() < 2 || value.get<long long>() > 1000)
        invalid("preprocess.max_categories must be an integer from 2 to 1000", "got " + value.dump());
      o.max_categories = value.get<int>();
    } else if (key == "scale") {
      if (!value.is_boolean()) invalid("preprocess.scale must be true or false", "got " + value.dump());
      o.scale = value.get<bool>();
    } else if (key == "ratios") {
      if (!value.is_array()) invalid("preprocess.ratios must be an array of [numerator, denominator] pairs");
      for (const auto& pair : value) {
        if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
          invalid("preprocess.ratios must be an array of [numerator, denominator] pairs", "got " + pair.dump());
        o.ratios.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
      }
    } else if (key == "zscores" || key == "exclude") {
      auto& names = key == "zscores" ? o.zscores : o.exclude;
      if (!value.is_array()) invalid("preprocess." + key + " must be an array of column names");
      for (const auto& name : value) {
        if (!name.is_string()) invalid("preprocess." + key + " must be an array of column names", "got " + name.dump());
        names.push_back(name.get<std::string>());
      }
    } else if (key == "skip_unsupported") {
      if (!value.is_boolean()) invalid("preprocess.skip_unsupported must be true or false", "got " + value.dump());
      o.skip_unsupported = value.get<bool>();
    } else if (key == "max_auto_classes") {
      if (!value.is_number_integer() || value.get<long long>() < 2 || value.get<long long>() > 1000)
        invalid("preprocess.max_auto_classes must be an integer from 2 to 1000", "got " + value.dump());
      o.max_auto_classes = value.get<int>();
    }
  }
  return o;
}

nlohmann::json PreprocessOptions::to_json() const {
  nlohmann::json impute_json = impute;
  if (!impute_columns.empty()) {
    impute_json = nlohmann::json::object({{"*", impute}});
    for (const auto& [c, s] : impute_columns) impute_json[c] = s;
  }
  nlohmann::json r = nlohmann::json::array();
  for (const auto& [a, b] : ratios) r.push_back({a, b});
  return {{"impute", impute_json}, {"max_categories", max_categories}, {"scale", scale}, {"ratios", r},
          {"zscores", zscores}, {"exclude", exclude}, {"skip_unsupported", skip_unsupported},
          {"max_auto_classes", max_auto_classes}};
}

// ---------------------------------------------------------------------------
// Fitting

Preprocessor Preprocessor::fit(const Dataset& data, const std::vector<Eigen::Index>& rows,
                               const PreprocessOptions& options) {
  Preprocessor p;
  const size_t n = rows.size();
  std::map<std::string, size_t> index;
  for (const Column& column : data.columns) {
    if (index.count(column.schema.name)) invalid("more than one column is named " + in_quotes(column.schema.name));
    index[column.schema.name] = p.inputs_.size();
    p.inputs_.push_back(column.schema);
  }
  for (const auto& [column, strategy] : options.impute_columns)
    if (!index.count(column) || column == data.target_name)
      invalid("preprocess.impute names " + in_quotes(column) + ", which is not a feature column");

  for (const Column& column : data.columns) {
    const ColumnSchema& schema = column.schema;
    Step step;
    auto it = options.impute_columns.find(schema.name);
    step.impute = it != options.impute_columns.end() ? it->second
                  : schema.type == ColumnType::Boolean || schema.type == ColumnType::Categorical ? "most_frequent"
                                                                                                 : options.impute;
    if (schema.type == ColumnType::Categorical) {
      std::map<std::string, size_t> counts;
      size_t nulls = 0;
      for (Eigen::Index r : rows) {
        if (column.nulls[static_cast<size_t>(r)]) ++nulls;
        else ++counts[column.texts[static_cast<size_t>(r)]];
      }
      if (step.impute == "constant" || counts.empty()) {
        step.fill_text = kMissing;
      } else if (step.impute != "most_frequent") {
        invalid("categorical column " + in_quotes(schema.name) + " can only be imputed by most_frequent or constant");
      } else {
        size_t best = 0;
        for (const auto& [value, c] : counts)
          if (c > best) step.fill_text = value, best = c;
      }
      if (nulls) counts[step.fill_text] += nulls;
      std::vector<std::pair<std::string, size_t>> by_count(counts.begin(), counts.end());
      if (by_count.size() > static_cast<size_t>(options.max_categories)) {
        std::stable_sort(by_count.begin(), by_count.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        by_count.resize(static_cast<size_t>(options.max_categories - 1));
        step.has_other = true;
      }
      for (const auto& [value, c] : by_count) step.categories.push_back(value);
      std::sort(step.categories.begin(), step.categories.end());
      p.steps_.push_back(std::move(step));
      continue;
    }

    const int width = schema.type == ColumnType::NumericArray ? schema.width : 1;
    for (int e = 0; e < width; ++e) {
      std::vector<double> present;
      present.reserve(n);
      for (Eigen::Index r : rows) {
        const double x = column.numbers[static_cast<size_t>(r) * static_cast<size_t>(width) + static_cast<size_t>(e)];
        if (!std::isnan(x)) present.push_back(x);
      }
      step.fills.push_back(fill_value(step.impute, present));
    }
    p.steps_.push_back(std::move(step));
  }

  // Scaling, fitted on the imputed (and expanded) training values.
  const size_t columns = p.inputs_.size();
  for (size_t c = 0; c < columns; ++c) {
    const ColumnSchema& schema = p.inputs_[c];
    Step& step = p.steps_[c];
    if (schema.type == ColumnType::Categorical) continue;
    const Column& column = data.columns[c];
    const int width = schema.type == ColumnType::NumericArray ? schema.width : 1;
    const int parts = parts_per_value(schema.type);
    std::vector<double> values(n * static_cast<size_t>(width * parts));
    const size_t stride = static_cast<size_t>(width * parts);
    for (size_t i = 0; i < n; ++i) {
      const size_t r = static_cast<size_t>(rows[i]);
      for (int e = 0; e < width; ++e) {
        double x = column.numbers[r * static_cast<size_t>(width) + static_cast<size_t>(e)];
        if (std::isnan(x)) x = step.fills[static_cast<size_t>(e)];
        if (parts == 1) values[i * stride + static_cast<size_t>(e)] = x;
        else p.parts_of(c, x, &values[i * stride]);
      }
    }
    for (size_t k = 0; k < stride; ++k) {
      Scaling s;
      if (options.scale) std::tie(s.mean, s.scale) = mean_and_scale([&](size_t i) { return values[i * stride + k]; }, n);
      step.scalings.push_back(s);
    }
  }

  auto numeric_input = [&](const std::string& name, const char* what) {
    auto found = index.find(name);
    if (found == index.end() || p.inputs_[found->second].type != ColumnType::Numeric)
      invalid(std::string(what) + " names " + in_quotes(name) + ", which is not a numeric feature column");
    return found->second;
  };
  auto imputed = [&](size_t c, size_t r) {
    const double x = data.columns[c].numbers[r];
    return std::isnan(x) ? p.steps_[c].fills[0] : x;
  };
  for (const auto& [a_name, b_name] : options.ratios) {
    Ratio ratio{numeric_input(a_name, "preprocess.ratios"), numeric_input(b_name, "preprocess.ratios"), 0, {}};
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
    if (options.scale) std::tie(ratio.scaling.mean, ratio.scaling.scale) = mean_and_scale([&](size_t i) { return values[i]; }, n);
    p.ratios_.push_back(ratio);
  }
  for (const auto& name : options.zscores) {
    ZScore z{numeric_input(name, "preprocess.zscores"), {}};
    std::tie(z.scaling.mean, z.scaling.scale) =
        mean_and_scale([&](size_t i) { return imputed(z.column, static_cast<size_t>(rows[i])); }, n);
    p.zscores_.push_back(z);
  }
  p.finish();
  return p;
}

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
  static const char* kParts[] = {"year", "month", "day", "dow", "doy", "epoch_days", "hour"};
  for (size_t c = 0; c < inputs_.size(); ++c) {
    const ColumnSchema& s = inputs_[c];
    switch (s.type) {
      case ColumnType::Numeric:
      case ColumnType::Boolean: output_names_.push_back(s.name); break;
      case ColumnType::Categorical:
        for (const auto& value : steps_[c].categories) output_names_.push_back(s.name + "=" + value);
        if (steps_[c].has_other) output_names_.push_back(s.name + "=" + kOther);
        break;
      case ColumnType::Date:
      case ColumnType::Timestamp:
        for (int k = 0; k < parts_per_value(s.type); ++k) output_names_.push_back(s.name + "." + kParts[k]);
        break;
      case ColumnType::NumericArray:
        for (int e = 1; e <= s.width; ++e) output_names_.push_back(s.name + "[" + std::to_string(e) + "]");
        break;
    }
    output_sources_.resize(output_names_.size(), static_cast<int>(c));
  }
  for (const Ratio& r : ratios_) output_names_.push_back(inputs_[r.a].name + "/" + inputs_[r.b].name);
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
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(fnv1a(nlohmann::json{schema, output_names_}.dump())));
  feature_version_ = hex;
}


// ---------------------------------------------------------------------------
// Applying

double Preprocessor::number_of(size_t column, const InputValue& v) const {
  const ColumnSchema& s = inputs_[column];
  const double fill = steps_[column].fills[0];
  double x = fill;
  switch (v.kind) {
    case InputValue::Kind::Null: return fill;
    case InputValue::Kind::Array: wrong_type(s, "a single value", "an array");
    case InputValue::Kind::Number: x = v.number; break;
    case InputValue::Kind::Text: {
      std::optional<double> parsed;
      if (s.type == ColumnType::Boolean) {
        if (auto b = parse_boolean(v.text)) parsed = *b ? 1.0 : 0.0;
      } else if (s.type == ColumnType::Date || s.type == ColumnType::Timestamp) {
        parsed = parse_timestamp(v.text);
        if (parsed && s.type == ColumnType::Date) parsed = std::floor(*parsed / 86400.0) * 86400.0;
      } else {
        parsed = parse_number(v.text);
      }
      if (!parsed)
        wrong_type(s, s.type == ColumnType::Boolean ? "a boolean" : s.type == ColumnType::Numeric ? "a number" : "a date",
                   "\"" + std::string(v.text) + "\"");
      x = *parsed;
      break;
    }
  }
  if (std::isnan(x)) return fill;
  if (!std::isfinite(x)) invalid("feature " + in_quotes(s.name) + " is infinite");
  if (s.type == ColumnType::Boolean && x != 0 && x != 1)
    wrong_type(s, "a boolean", number_to_text(x));
  return x;
}

int Preprocessor::category_of(size_t column, const InputValue& v) const {
  const Step& step = steps_[column];
  std::string buffer;
  std::string_view text;
  switch (v.kind) {
    case InputValue::Kind::Null: text = step.fill_text; break;
    case InputValue::Kind::Text: text = v.text; break;
    case InputValue::Kind::Number: buffer = number_to_text(v.number), text = buffer; break;
    case InputValue::Kind::Array: wrong_type(inputs_[column], "a single value", "an array");
  }
  const auto it = std::lower_bound(step.categories.begin(), step.categories.end(), text,
                                   [](const std::string& a, std::string_view b) { return a < b; });
  if (it != step.categories.end() && *it == text) return static_cast<int>(it - step.categories.begin());
  // Rare at training or never seen: the "other" column, or no column at all.
  return step.has_other ? static_cast<int>(step.categories.size()) : -1;
}

void Preprocessor::transform_row(const InputValue* values, double* out) const {
  double parts[7];
  for (size_t c = 0; c < inputs_.size(); ++c) {
    const ColumnSchema& s = inputs_[c];
    const Step& step = steps_[c];
    switch (s.type) {
      case ColumnType::Numeric:
      case ColumnType::Boolean:
        *out++ = (number_of(c, values[c]) - step.scalings[0].mean) / step.scalings[0].scale;
        break;
      case ColumnType::Date:
      case ColumnType::Timestamp: {
        parts_of(c, number_of(c, values[c]), parts);
        for (int k = 0; k < parts_per_value(s.type); ++k)
          *out++ = (parts[k] - step.scalings[static_cast<size_t>(k)].mean) / step.scalings[static_cast<size_t>(k)].scale;
        break;
      }
      case ColumnType::Categorical: {
        const int width = static_cast<int>(step.categories.size()) + (step.has_other ? 1 : 0);
        const int hot = category_of(c, values[c]);
        for (int k = 0; k < width; ++k) out[k] = k == hot ? 1.0 : 0.0;
        out += width;
        break;
      }
      case ColumnType::NumericArray: {
        const InputValue& v = values[c];
        std::vector<double> parsed;
        const double* elements = nullptr;
        if (v.kind == InputValue::Kind::Array) {
          if (v.length != s.width)
            invalid("feature " + in_quotes(s.name) + " must have " + std::to_string(s.width) + " elements",
                    "got " + std::to_string(v.length));
          elements = v.array;
        } else if (v.kind == InputValue::Kind::Text) {
          if (!parse_number_array(v.text, parsed)) wrong_type(s, "an array of numbers", "\"" + std::string(v.text) + "\"");
          if (static_cast<int>(parsed.size()) != s.width)
            invalid("feature " + in_quotes(s.name) + " must have " + std::to_string(s.width) + " elements",
                    "got " + std::to_string(parsed.size()));
          elements = parsed.data();
        } else if (v.kind == InputValue::Kind::Number) {
          wrong_type(s, "an array", "a number");
        }
        for (int e = 0; e < s.width; ++e) {
          double x = elements ? elements[e] : std::nan("");
          if (std::isnan(x)) x = step.fills[static_cast<size_t>(e)];
          if (!std::isfinite(x)) invalid("feature " + in_quotes(s.name) + " has an infinite element");
          *out++ = (x - step.scalings[static_cast<size_t>(e)].mean) / step.scalings[static_cast<size_t>(e)].scale;
        }
        break;
      }
    }
  }
  for (const Ratio& r : ratios_) {
    double x = number_of(r.a, values[r.a]) / number_of(r.b, values[r.b]);
    if (!std::isfinite(x)) x = r.fill;
    *out++ = (x - r.scaling.mean) / r.scaling.scale;
  }
  for (const ZScore& z : zscores_) *out++ = (number_of(z.column, values[z.column]) - z.scaling.mean) / z.scaling.scale;
}

// Column by column over the whole table: the same arithmetic as transform_row,
// written so that training on millions of rows stays memory-bound.
Eigen::MatrixXd Preprocessor::transform(const Dataset& data, const std::vector<Eigen::Index>& rows) const {
  if (data.columns.size() != inputs_.size()) invalid("the data has another number of columns than the model");
  const Eigen::Index n = rows.empty() ? data.rows() : static_cast<Eigen::Index>(rows.size());
  auto row_of = [&](Eigen::Index i) { return static_cast<size_t>(rows.empty() ? i : rows[static_cast<size_t>(i)]); };
  Eigen::MatrixXd X(n, n_outputs());
  Eigen::Index k = 0;  // next output column
  auto scaled = [](double x, const Scaling& s) { return (x - s.mean) / s.scale; };
  auto finite_or_fail = [&](double x, size_t c) {
    if (std::isinf(x)) invalid("feature " + in_quotes(inputs_[c].name) + " is infinite");
  };
  for (size_t c = 0; c < inputs_.size(); ++c) {
    const ColumnSchema& s = inputs_[c];
    const Step& step = steps_[c];
    const Column& column = data.columns[c];
    switch (s.type) {
      case ColumnType::Numeric:
      case ColumnType::Boolean: {
        double* out = X.col(k).data();
        for (Eigen::Index i = 0; i < n; ++i) {
          double x = column.numbers[row_of(i)];
          if (std::isnan(x)) x = step.fills[0];
          finite_or_fail(x, c);
          out[i] = scaled(x, step.scalings[0]);
        }
        k += 1;
        break;
      }
      case ColumnType::Date:
      case ColumnType::Timestamp: {
        const int parts = parts_per_value(s.type);
        double values[7];
        for (Eigen::Index i = 0; i < n; ++i) {
          double x = column.numbers[row_of(i)];
          if (std::isnan(x)) x = step.fills[0];
          finite_or_fail(x, c);
          parts_of(c, x, values);
          for (int p = 0; p < parts; ++p) X(i, k + p) = scaled(values[p], step.scalings[static_cast<size_t>(p)]);
        }
        k += parts;
        break;
      }
      case ColumnType::Categorical: {
        const Eigen::Index width = static_cast<Eigen::Index>(step.categories.size()) + (step.has_other ? 1 : 0);
        X.middleCols(k, width).setZero();
        std::unordered_map<std::string_view, int> index;
        for (size_t j = 0; j < step.categories.size(); ++j) index.emplace(step.categories[j], static_cast<int>(j));
        const int other = step.has_other ? static_cast<int>(step.categories.size()) : -1;
        const auto fill = index.find(step.fill_text);
        const int fill_index = fill != index.end() ? fill->second : other;
        for (Eigen::Index i = 0; i < n; ++i) {
          const size_t r = row_of(i);
          int hot = fill_index;
          if (!column.nulls[r]) {
            const auto it = index.find(column.texts[r]);
            hot = it != index.end() ? it->second : other;
          }
          if (hot >= 0) X(i, k + hot) = 1.0;
        }
        k += width;
        break;
      }
      case ColumnType::NumericArray: {
        const size_t width = static_cast<size_t>(s.width);
        for (Eigen::Index i = 0; i < n; ++i) {
          const size_t r = row_of(i);
          for (size_t e = 0; e < width; ++e) {
            double x = column.nulls[r] ? std::nan("") : column.numbers[r * width + e];
            if (std::isnan(x)) x = step.fills[e];
            finite_or_fail(x, c);
            X(i, k + static_cast<Eigen::Index>(e)) = scaled(x, step.scalings[e]);
          }
        }
        k += static_cast<Eigen::Index>(width);
        break;
      }
    }
  }
  auto imputed = [&](size_t c, size_t r) {
    const double x = data.columns[c].numbers[r];
    return std::isnan(x) ? steps_[c].fills[0] : x;
  };
  for (const Ratio& ratio : ratios_) {
    for (Eigen::Index i = 0; i < n; ++i) {
      double x = imputed(ratio.a, row_of(i)) / imputed(ratio.b, row_of(i));
      if (!std::isfinite(x)) x = ratio.fill;
      X(i, k) = scaled(x, ratio.scaling);
    }
    ++k;
  }
  for (const ZScore& z : zscores_) {
    for (Eigen::Index i = 0; i < n; ++i) X(i, k) = scaled(imputed(z.column, row_of(i)), z.scaling);
    ++k;
  }
  return X;
}

// ---------------------------------------------------------------------------
// Storage

nlohmann::json Preprocessor::to_json() const {
  nlohmann::json inputs = nlohmann::json::array(), steps = nlohmann::json::array();
  auto scaling_json = [](const Scaling& s) { return nlohmann::json::array({s.mean, s.scale}); };
  for (size_t c = 0; c < inputs_.size(); ++c) {
    const auto& s = inputs_[c];
    inputs.push_back({{"name", s.name}, {"type", to_string(s.type)}, {"width", s.width}, {"sql_type", s.sql_type}});
    const Step& step = steps_[c];
    nlohmann::json scalings = nlohmann::json::array();
    for (const auto& sc : step.scalings) scalings.push_back(scaling_json(sc));
    nlohmann::json j = {{"impute", step.impute}, {"scalings", scalings}};
    if (s.type == ColumnType::Categorical) {
      j["categories"] = step.categories;
      j["other"] = step.has_other;
      j["fill"] = step.fill_text;
    } else {
      j["fills"] = step.fills;
    }
    steps.push_back(j);
  }
  nlohmann::json ratios = nlohmann::json::array(), zscores = nlohmann::json::array();
  for (const Ratio& r : ratios_)
    ratios.push_back({{"a", r.a}, {"b", r.b}, {"fill", r.fill}, {"scaling", scaling_json(r.scaling)}});
  for (const ZScore& z : zscores_) zscores.push_back({{"column", z.column}, {"scaling", scaling_json(z.scaling)}});
  return {{"inputs", inputs}, {"steps", steps}, {"ratios", ratios}, {"zscores", zscores},
          {"feature_version", feature_version_}};
}

Preprocessor Preprocessor::from_json(const nlohmann::json& j) {
  Preprocessor p;
  auto scaling_from = [](const nlohmann::json& a) {
    Scaling s{a.at(0).get<double>(), a.at(1).get<double>()};
    if (!std::isfinite(s.mean) || !std::isfinite(s.scale) || s.scale == 0) invalid("model file: bad scaling");
    return s;
  };
  const auto& inputs = j.at("inputs");
  const auto& steps = j.at("steps");
  if (!inputs.is_array() || inputs.empty() || !steps.is_array() || steps.size() != inputs.size())
    invalid("model file: preprocessing inputs and steps do not match");
  for (size_t c = 0; c < inputs.size(); ++c) {
    ColumnSchema s;
    s.name = inputs[c].at("name").get<std::string>();
    s.type = column_type_from_string(inputs[c].at("type").get<std::string>());
    s.width = inputs[c].contains("width") ? checked_number<int>(inputs[c]["width"], "a column width") : 1;
    s.sql_type = inputs[c].value("sql_type", "");
    if (s.width < 1 || s.width > 100000 || (s.type != ColumnType::NumericArray && s.width != 1))
      invalid("model file: bad width of " + in_quotes(s.name));
    Step step;
    const auto& sj = steps[c];
    step.impute = sj.value("impute", "mean");
    for (const auto& sc : sj.at("scalings")) step.scalings.push_back(scaling_from(sc));
    size_t expected_scalings = 0;
    if (s.type == ColumnType::Categorical) {
      step.categories = sj.at("categories").get<std::vector<std::string>>();
      step.has_other = sj.at("other").get<bool>();
      step.fill_text = sj.at("fill").get<std::string>();
      if (!std::is_sorted(step.categories.begin(), step.categories.end()) ||
          std::adjacent_find(step.categories.begin(), step.categories.end()) != step.categories.end())
        invalid("model file: categories of " + in_quotes(s.name) + " are not sorted and distinct");
    } else {
      step.fills = sj.at("fills").get<std::vector<double>>();
      if (step.fills.size() != static_cast<size_t>(s.width)) invalid("model file: fills of " + in_quotes(s.name));
      for (double f : step.fills)
        if (!std::isfinite(f)) invalid("model file: fills of " + in_quotes(s.name));
      expected_scalings = static_cast<size_t>(s.width * parts_per_value(s.type));
    }
    if (step.scalings.size() != expected_scalings) invalid("model file: scalings of " + in_quotes(s.name));
    p.inputs_.push_back(std::move(s));
    p.steps_.push_back(std::move(step));
  }
  auto numeric_index = [&](const nlohmann::json& v) {
    const size_t c = checked_number<size_t>(v, "a ratio or z-score column");
    if (c >= p.inputs_.size() || p.inputs_[c].type != ColumnType::Numeric) invalid("model file: bad ratio or z-score column");
    return c;
  };
  for (const auto& r : j.value("ratios", nlohmann::json::array()))
    p.ratios_.push_back({numeric_index(r.at("a")), numeric_index(r.at("b")), r.at("fill").get<double>(),
                         scaling_from(r.at("scaling"))});
  for (const auto& z : j.value("zscores", nlohmann::json::array()))
    p.zscores_.push_back({numeric_index(z.at("column")), scaling_from(z.at("scaling"))});
  p.finish();
  if (j.contains("feature_version") && j.at("feature_version").get<std::string>() != p.feature_version_)
    invalid("model file: feature_version does not match its preprocessing");
  return p;
}

Preprocessor Preprocessor::numeric_scaler(std::vector<std::string> names, const Eigen::VectorXd& mean,
                                          const Eigen::VectorXd& scale) {
  Preprocessor p;
  for (size_t c = 0; c < names.size(); ++c) {
    p.inputs_.push_back({names[c], ColumnType::Numeric, 1, "float8"});
    Step step;
    step.impute = "mean";
    step.fills = {mean[static_cast<Eigen::Index>(c)]};
    step.scalings = {{mean[static_cast<Eigen::Index>(c)], scale[static_cast<Eigen::Index>(c)]}};
    p.steps_.push_back(std::move(step));
  }
  p.finish();
  return p;
}

}  // namespace automl
