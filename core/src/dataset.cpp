// dataset.cpp — names of value kinds and column types, as stored in model files.
#include "automl/dataset.hpp"

#include <cmath>

#include "automl/error.hpp"
#include "automl/values.hpp"

namespace automl {

const char* to_string(ValueKind kind) {
  switch (kind) {
    case ValueKind::Integer:
      return "integer";
    case ValueKind::Float:
      return "float";
    case ValueKind::Boolean:
      return "boolean";
    case ValueKind::Text:
      return "text";
  }
  return "text";
}

ValueKind value_kind_from_string(const std::string& name) {
  if (name == "integer") return ValueKind::Integer;
  if (name == "float") return ValueKind::Float;
  if (name == "boolean") return ValueKind::Boolean;
  if (name == "text") return ValueKind::Text;
  invalid("unknown value kind \"" + name + "\"");
}

const char* to_string(ColumnType type) {
  switch (type) {
    case ColumnType::Numeric:
      return "numeric";
    case ColumnType::Boolean:
      return "boolean";
    case ColumnType::Categorical:
      return "categorical";
    case ColumnType::Date:
      return "date";
    case ColumnType::Timestamp:
      return "timestamp";
    case ColumnType::NumericArray:
      return "numeric_array";
  }
  return "numeric";
}

ColumnType column_type_from_string(const std::string& name) {
  for (ColumnType t : {ColumnType::Numeric, ColumnType::Boolean, ColumnType::Categorical,
                       ColumnType::Date, ColumnType::Timestamp, ColumnType::NumericArray})
    if (name == to_string(t)) return t;
  invalid("unknown column type \"" + name + "\"");
}

void append_value(Column& column, std::string_view text, bool is_null, long long row) {
  const ColumnSchema& s = column.schema;
  auto bad = [&](const std::string& what) {
    throw Error(sqlstate::kInvalidTextRepresentation,
                "column \"" + s.name + "\" has " + what + " in row " + std::to_string(row),
                "got \"" + std::string(text.substr(0, 80)) + "\"");
  };
  const double nan = std::nan("");
  switch (s.type) {
    case ColumnType::Categorical:
      column.nulls.push_back(is_null ? 1 : 0);
      column.texts.emplace_back(is_null ? std::string_view() : text);
      return;
    case ColumnType::Numeric: {
      if (is_null || text == "NaN") return column.numbers.push_back(nan);
      const auto x = parse_number(text);
      if (!x)
        bad(text == "Infinity" || text == "-Infinity" ? "an infinite value"
                                                      : "a value that is not a number");
      return column.numbers.push_back(*x);
    }
    case ColumnType::Boolean: {
      if (is_null) return column.numbers.push_back(nan);
      const auto b = parse_boolean(text);
      if (!b) bad("a value that is not a boolean");
      return column.numbers.push_back(*b ? 1.0 : 0.0);
    }
    case ColumnType::Date:
    case ColumnType::Timestamp: {
      if (is_null) return column.numbers.push_back(nan);
      auto t = parse_timestamp(text);
      if (!t) bad("a date that is not finite ISO 8601");
      if (s.type == ColumnType::Date) t = std::floor(*t / 86400.0) * 86400.0;
      return column.numbers.push_back(*t);
    }
    case ColumnType::NumericArray: {
      if (is_null) {
        column.nulls.push_back(1);
        if (s.width > 0)
          column.numbers.insert(column.numbers.end(), static_cast<size_t>(s.width), nan);
        return;
      }
      std::vector<double> values;
      if (!parse_number_array(text, values))
        bad("a value that is not a one-dimensional array of finite numbers");
      if (values.empty()) bad("an empty array");
      if (column.schema.width == 0) {
        // Now we know the width: NULL arrays read so far get their NaN elements.
        column.schema.width = static_cast<int>(values.size());
        column.numbers.assign(column.nulls.size() * values.size(), nan);
      }
      if (static_cast<int>(values.size()) != column.schema.width)
        bad("an array of " + std::to_string(values.size()) + " elements where earlier rows have " +
            std::to_string(column.schema.width));
      column.nulls.push_back(0);
      column.numbers.insert(column.numbers.end(), values.begin(), values.end());
      return;
    }
  }
}

Eigen::Index Dataset::rows() const {
  if (!target.empty() || columns.empty()) return static_cast<Eigen::Index>(target.size());
  const Column& c = columns.front();
  size_t n = c.numbers.size();
  if (c.schema.type == ColumnType::Categorical) n = c.texts.size();
  if (c.schema.type == ColumnType::NumericArray)
    n = c.schema.width > 0 ? c.numbers.size() / static_cast<size_t>(c.schema.width)
                           : c.nulls.size();
  return static_cast<Eigen::Index>(n);
}

Dataset Dataset::numeric(const Eigen::MatrixXd& X, const std::vector<std::string>& names,
                         std::string target_name, ValueKind target_kind,
                         std::vector<std::string> target) {
  if (static_cast<Eigen::Index>(names.size()) != X.cols() ||
      (static_cast<Eigen::Index>(target.size()) != X.rows() && !target.empty()))
    throw Error(sqlstate::kInternalError, "Dataset::numeric: shapes do not match");
  Dataset d;
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    Column c;
    c.schema = {names[static_cast<size_t>(j)], ColumnType::Numeric, 1, "float8"};
    c.numbers.assign(X.col(j).data(), X.col(j).data() + X.rows());
    d.columns.push_back(std::move(c));
  }
  d.target_name = std::move(target_name);
  d.target_kind = target_kind;
  d.target = std::move(target);
  return d;
}

}  // namespace automl
