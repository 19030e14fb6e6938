// training_data.cpp — one read-only transaction, as the submitting role, that
// turns a relation into a feature matrix and a target column.
#include "training_data.hpp"

#include <regex>

#include "automl/error.hpp"

namespace automl_worker {
namespace {

// PostgreSQL type OIDs (catalog/pg_type_d.h): stable across versions.
enum : pqxx::oid {
  kBool = 16, kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700
};

bool is_numeric_type(pqxx::oid t) {
  return t == kInt2 || t == kInt4 || t == kInt8 || t == kFloat4 || t == kFloat8 || t == kNumeric;
}

automl::ValueKind kind_of(pqxx::oid t) {
  if (t == kInt2 || t == kInt4 || t == kInt8) return automl::ValueKind::Integer;
  if (t == kFloat4 || t == kFloat8 || t == kNumeric) return automl::ValueKind::Float;
  if (t == kBool) return automl::ValueKind::Boolean;
  return automl::ValueKind::Text;
}

bool is_query(const std::string& relation) {
  static const std::regex query("^\\s*(select|with|values|table)\\s", std::regex::icase);
  return std::regex_search(relation, query);
}

}  // namespace

TrainingData read_training_data(pqxx::connection_base& conn, const std::string& relation,
                                const std::string& target, const std::string& role) {
  pqxx::work txn(conn, "read_training_data");
  txn.exec0("SET TRANSACTION READ ONLY");
  txn.exec0("SET LOCAL ROLE " + txn.quote_name(role));
  const std::string source = is_query(relation) ? "(" + relation + ") AS training_source" : relation;

  const pqxx::result shape = txn.exec("SELECT * FROM " + source + " LIMIT 0");
  TrainingData out;
  automl::Dataset& data = out.dataset;
  data.target_name = target;
  std::string select_list;
  nlohmann::json ignored = nlohmann::json::array();
  bool target_found = false;
  for (pqxx::row::size_type c = 0; c < shape.columns(); ++c) {
    const std::string name = shape.column_name(c);
    const pqxx::oid type = shape.column_type(c);
    if (name == target) {
      if (target_found)
        throw automl::Error(automl::sqlstate::kInvalidParameterValue,
                            "the training relation has more than one column named \"" + target + "\"");
      target_found = true;
      data.target_kind = kind_of(type);
      continue;
    }
    if (is_numeric_type(type) || type == kBool) {
      for (const auto& seen : data.feature_names)
        if (seen == name)
          throw automl::Error(automl::sqlstate::kInvalidParameterValue,
                              "the training relation has more than one column named \"" + name + "\"");
      data.feature_names.push_back(name);
      const std::string col = txn.quote_name(name);
      select_list += (type == kBool ? col + "::int::float8" : col + "::float8") + ", ";
    } else {
      ignored.push_back(name);
    }
  }
  if (!target_found)
    throw automl::Error("42703", "column \"" + target + "\" does not exist in " + relation);
  select_list += txn.quote_name(target) + "::text";

  const pqxx::result rows = txn.exec("SELECT " + select_list + " FROM " + source);
  txn.commit();

  const auto p = static_cast<Eigen::Index>(data.feature_names.size());
  data.X.resize(static_cast<Eigen::Index>(rows.size()), p);
  data.target.reserve(rows.size());
  Eigen::Index kept = 0;
  long long skipped = 0;
  for (const auto& row : rows) {
    bool has_null = row[static_cast<pqxx::row::size_type>(p)].is_null();
    for (Eigen::Index j = 0; j < p && !has_null; ++j) has_null = row[static_cast<pqxx::row::size_type>(j)].is_null();
    if (has_null) {
      ++skipped;
      continue;
    }
    for (Eigen::Index j = 0; j < p; ++j) data.X(kept, j) = row[static_cast<pqxx::row::size_type>(j)].as<double>();
    data.target.push_back(row[static_cast<pqxx::row::size_type>(p)].c_str());
    ++kept;
  }
  data.X.conservativeResize(kept, p);
  out.notes = {{"rows_read", rows.size()}, {"rows_skipped_for_nulls", skipped}, {"ignored_columns", ignored}};
  return out;
}

}  // namespace automl_worker
