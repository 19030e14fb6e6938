// preprocessor_apply.cpp — applying a fitted Preprocessor: one row at predict time
// (transform_row, through number_of and category_of) and whole tables at training
// and evaluation time (transform, column by column). Both do the same arithmetic.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string_view>
#include <unordered_map>

#include "automl/error.hpp"
#include "automl/preprocessor.hpp"
#include "preprocessor_internal.hpp"

namespace automl {
namespace {

using preprocessor_internal::in_quotes;
using preprocessor_internal::parts_per_value;
using preprocessor_internal::wrong_type;

// The row of the table behind output row i: all rows when `rows` is empty.
size_t row_at(const std::vector<Eigen::Index>& rows, Eigen::Index i) {
  return static_cast<size_t>(rows.empty() ? i : rows[static_cast<size_t>(i)]);
}

// A value after standard scaling by a fitted Preprocessor's Scaling.
template <typename Scaling>
double scaled(double x, const Scaling& s) {
  return (x - s.mean) / s.scale;
}

}  // namespace

double Preprocessor::number_of(size_t column, const InputValue& v) const {
  const ColumnSchema& s = inputs_[column];
  double x = 0;
  switch (v.kind) {
    case InputValue::Kind::Null:
      return steps_[column].fills[0];
    case InputValue::Kind::Array:
      wrong_type(s, "a single value", "an array");
    case InputValue::Kind::Number:
      return number_of(column, v.number);
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
        wrong_type(s,
                   s.type == ColumnType::Boolean   ? "a boolean"
                   : s.type == ColumnType::Numeric ? "a number"
                                                   : "a date",
                   "\"" + std::string(v.text) + "\"");
      x = *parsed;
      break;
    }
  }
  return number_of(column, x);
}

double Preprocessor::number_of(size_t column, double x) const {
  const ColumnSchema& s = inputs_[column];
  if (std::isnan(x)) return steps_[column].fills[0];
  if (!std::isfinite(x)) invalid("feature " + in_quotes(s.name) + " is infinite");
  if (s.type == ColumnType::Boolean && x != 0 && x != 1)
    wrong_type(s, "a boolean", number_to_text(x));
  return x;
}

void Preprocessor::transform_numbers(const double* values, double* out) const {
  for (size_t c = 0; c < inputs_.size(); ++c) {
    // A finite number of a numeric column is itself: number_of only for the rest.
    const double x = values[c];
    const bool plain = std::isfinite(x) && inputs_[c].type != ColumnType::Boolean;
    *out++ = scaled(plain ? x : number_of(c, x), steps_[c].scalings[0]);
  }
  for (const Ratio& r : ratios_) {
    double x = number_of(r.a, values[r.a]) / number_of(r.b, values[r.b]);
    if (!std::isfinite(x)) x = r.fill;
    *out++ = scaled(x, r.scaling);
  }
  for (const ZScore& z : zscores_)
    *out++ = scaled(number_of(z.column, values[z.column]), z.scaling);
}

std::string_view Preprocessor::text_of(size_t column, const InputValue& v,
                                       std::string& buffer) const {
  switch (v.kind) {
    case InputValue::Kind::Null:
      return steps_[column].fill_text;
    case InputValue::Kind::Text:
      return v.text;
    case InputValue::Kind::Number:
      return buffer = number_to_text(v.number);
    case InputValue::Kind::Array:
      break;
  }
  wrong_type(inputs_[column], "a single value", "an array");
}

int Preprocessor::category_of(size_t column, std::string_view text) const {
  const Step& step = steps_[column];
  const auto it = std::lower_bound(step.categories.begin(), step.categories.end(), text,
                                   [](const std::string& a, std::string_view b) { return a < b; });
  if (it != step.categories.end() && *it == text)
    return static_cast<int>(it - step.categories.begin());
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
        *out++ = scaled(number_of(c, values[c]), step.scalings[0]);
        break;
      case ColumnType::Date:
      case ColumnType::Timestamp: {
        parts_of(c, number_of(c, values[c]), parts);
        for (int k = 0; k < parts_per_value(s.type); ++k)
          *out++ = scaled(parts[k], step.scalings[static_cast<size_t>(k)]);
        break;
      }
      case ColumnType::Categorical: {
        std::string buffer;
        const std::string_view text = text_of(c, values[c], buffer);
        const int width = static_cast<int>(step.categories.size()) + (step.has_other ? 1 : 0);
        const int hot = category_of(c, text);
        for (int k = 0; k < width; ++k) out[k] = k == hot ? 1.0 : 0.0;
        out += width;
        if (!step.prior.empty()) {
          encoding_of(c, text, out);
          out += static_cast<std::ptrdiff_t>(step.prior.size());
        }
        break;
      }
      case ColumnType::NumericArray:
        array_row(c, values[c], out);
        break;
    }
  }
  for (const Ratio& r : ratios_) {
    double x = number_of(r.a, values[r.a]) / number_of(r.b, values[r.b]);
    if (!std::isfinite(x)) x = r.fill;
    *out++ = scaled(x, r.scaling);
  }
  for (const ZScore& z : zscores_)
    *out++ = scaled(number_of(z.column, values[z.column]), z.scaling);
}

// One array value (a float8[] or its text form) of width elements; NULL elements imputed.
void Preprocessor::array_row(size_t c, const InputValue& v, double*& out) const {
  const ColumnSchema& s = inputs_[c];
  const Step& step = steps_[c];
  std::vector<double> parsed;
  const double* elements = nullptr;
  if (v.kind == InputValue::Kind::Array) {
    if (v.length != s.width)
      invalid(
          "feature " + in_quotes(s.name) + " must have " + std::to_string(s.width) + " elements",
          "got " + std::to_string(v.length));
    elements = v.array;
  } else if (v.kind == InputValue::Kind::Text) {
    if (!parse_number_array(v.text, parsed))
      wrong_type(s, "an array of numbers", "\"" + std::string(v.text) + "\"");
    if (static_cast<int>(parsed.size()) != s.width)
      invalid(
          "feature " + in_quotes(s.name) + " must have " + std::to_string(s.width) + " elements",
          "got " + std::to_string(parsed.size()));
    elements = parsed.data();
  } else if (v.kind == InputValue::Kind::Number) {
    wrong_type(s, "an array", "a number");
  }
  for (int e = 0; e < s.width; ++e) {
    double x = elements ? elements[e] : std::nan("");
    if (std::isnan(x)) x = step.fills[static_cast<size_t>(e)];
    if (!std::isfinite(x)) invalid("feature " + in_quotes(s.name) + " has an infinite element");
    *out++ = scaled(x, step.scalings[static_cast<size_t>(e)]);
  }
}

// Column by column over the whole table: the same arithmetic as transform_row,
// written so that training on millions of rows stays memory-bound.
Eigen::MatrixXd Preprocessor::transform(const Dataset& data,
                                        const std::vector<Eigen::Index>& rows) const {
  if (data.columns.size() != inputs_.size())
    invalid("the data has another number of columns than the model");
  const Eigen::Index n = rows.empty() ? data.rows() : static_cast<Eigen::Index>(rows.size());
  Eigen::MatrixXd X(n, n_outputs());
  Eigen::Index k = 0;  // next output column
  for (size_t c = 0; c < inputs_.size(); ++c)
    k += inputs_[c].type == ColumnType::Categorical
             ? encode_categories(c, data.columns[c], rows, X, k)
             : encode_numbers(c, data.columns[c], rows, X, k);
  encode_ratios_and_zscores(data, rows, X, k);
  return X;
}

// The scaled outputs of a numeric, boolean, calendar or array column from output
// column k on; returns how many it wrote.
Eigen::Index Preprocessor::encode_numbers(size_t c, const Column& column,
                                          const std::vector<Eigen::Index>& rows, Eigen::MatrixXd& X,
                                          Eigen::Index k) const {
  const ColumnSchema& s = inputs_[c];
  const Step& step = steps_[c];
  const Eigen::Index n = X.rows();
  auto finite_or_fail = [&](double x) {
    if (std::isinf(x)) invalid("feature " + in_quotes(s.name) + " is infinite");
  };
  if (s.type == ColumnType::NumericArray) {
    const size_t width = static_cast<size_t>(s.width);
    for (Eigen::Index i = 0; i < n; ++i) {
      const size_t r = row_at(rows, i);
      for (size_t e = 0; e < width; ++e) {
        double x = column.nulls[r] ? std::nan("") : column.numbers[r * width + e];
        if (std::isnan(x)) x = step.fills[e];
        finite_or_fail(x);
        X(i, k + static_cast<Eigen::Index>(e)) = scaled(x, step.scalings[e]);
      }
    }
    return static_cast<Eigen::Index>(width);
  }
  const int parts = parts_per_value(s.type);
  double values[7];
  for (Eigen::Index i = 0; i < n; ++i) {
    double x = column.numbers[row_at(rows, i)];
    if (std::isnan(x)) x = step.fills[0];
    finite_or_fail(x);
    if (parts == 1) {
      X(i, k) = scaled(x, step.scalings[0]);
      continue;
    }
    parts_of(c, x, values);
    for (int p = 0; p < parts; ++p)
      X(i, k + p) = scaled(values[p], step.scalings[static_cast<size_t>(p)]);
  }
  return parts;
}

// The one-hot columns of a categorical input (a NULL takes its fill's column, an
// unseen value "other" or none), then its target encodings.
Eigen::Index Preprocessor::encode_categories(size_t c, const Column& column,
                                             const std::vector<Eigen::Index>& rows,
                                             Eigen::MatrixXd& X, Eigen::Index k) const {
  const Step& step = steps_[c];
  const Eigen::Index width =
      static_cast<Eigen::Index>(step.categories.size()) + (step.has_other ? 1 : 0);
  X.middleCols(k, width).setZero();
  std::unordered_map<std::string_view, int> index;
  for (size_t j = 0; j < step.categories.size(); ++j)
    index.emplace(step.categories[j], static_cast<int>(j));
  const int other = step.has_other ? static_cast<int>(step.categories.size()) : -1;
  const auto fill = index.find(step.fill_text);
  const int fill_index = fill != index.end() ? fill->second : other;
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    const size_t r = row_at(rows, i);
    int hot = fill_index;
    if (!column.nulls[r]) {
      const auto it = index.find(column.texts[r]);
      hot = it != index.end() ? it->second : other;
    }
    if (hot >= 0) X(i, k + hot) = 1.0;
  }
  const size_t encodings = step.prior.size();
  if (encodings) {
    // Each category's encodings once, then a copy per row.
    std::unordered_map<std::string_view, std::vector<double>> cache;
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      const size_t r = row_at(rows, i);
      const std::string_view text =
          column.nulls[r] ? std::string_view(step.fill_text) : std::string_view(column.texts[r]);
      auto [it, fresh] = cache.try_emplace(text);
      if (fresh) {
        it->second.resize(encodings);
        encoding_of(c, text, it->second.data());
      }
      for (size_t e = 0; e < encodings; ++e)
        X(i, k + width + static_cast<Eigen::Index>(e)) = it->second[e];
    }
  }
  return width + static_cast<Eigen::Index>(encodings);
}

void Preprocessor::encode_ratios_and_zscores(const Dataset& data,
                                             const std::vector<Eigen::Index>& rows,
                                             Eigen::MatrixXd& X, Eigen::Index k) const {
  auto imputed = [&](size_t c, size_t r) {
    const double x = data.columns[c].numbers[r];
    return std::isnan(x) ? steps_[c].fills[0] : x;
  };
  for (const Ratio& ratio : ratios_) {
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      double x = imputed(ratio.a, row_at(rows, i)) / imputed(ratio.b, row_at(rows, i));
      if (!std::isfinite(x)) x = ratio.fill;
      X(i, k) = scaled(x, ratio.scaling);
    }
    ++k;
  }
  for (const ZScore& z : zscores_) {
    for (Eigen::Index i = 0; i < X.rows(); ++i)
      X(i, k) = scaled(imputed(z.column, row_at(rows, i)), z.scaling);
    ++k;
  }
}

}  // namespace automl
