// training_data.cpp — one read-only transaction that streams a claimed job's
// relation, read inside the backend as its submitter, through COPY into typed
// columns and a target.
#include "training_data.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "automl/error.hpp"
#include "copy_reader.hpp"

namespace automl_worker {
namespace {

using automl::ColumnType;
using pg_oid::kBool, pg_oid::kDate, pg_oid::kFloat4, pg_oid::kFloat8, pg_oid::kInt2, pg_oid::kInt4,
    pg_oid::kInt8, pg_oid::kNumeric, pg_oid::kTimestamp, pg_oid::kTimestampTz;

bool is_number_oid(pqxx::oid t) {
  return t == kInt2 || t == kInt4 || t == kInt8 || t == kFloat4 || t == kFloat8 || t == kNumeric;
}

automl::ValueKind kind_of(pqxx::oid t) {
  if (t == kInt2 || t == kInt4 || t == kInt8) return automl::ValueKind::Integer;
  if (t == kFloat4 || t == kFloat8 || t == kNumeric) return automl::ValueKind::Float;
  if (t == kBool) return automl::ValueKind::Boolean;
  return automl::ValueKind::Text;
}

}  // namespace

SourceShape begin_reading(pqxx::work& txn, JobControl& control) {
  txn.exec0("SET TRANSACTION READ ONLY");
  // A stop (cancel, --max-job-time, shutdown) cancels this backend's statement.
  control.reading_backend = txn.conn().backendpid();
  SourceShape shape;
  const pqxx::result r = txn.exec_params(
      "SELECT u.name, u.type, s.estimated_rows FROM automl_internal._training_shape($1, $2) s,"
      " unnest(s.column_names, s.column_types) WITH ORDINALITY AS u(name, type, n) ORDER BY u.n",
      control.id, control.lease);
  for (const auto& row : r) {
    shape.names.push_back(row[0].as<std::string>());
    shape.types.push_back(row[1].as<pqxx::oid>());
    shape.estimated_rows = row[2].as<double>();
  }
  return shape;
}

std::string training_rows_query(pqxx::work& txn, const JobControl& control,
                                const std::vector<std::string>& columns,
                                const std::vector<std::string>& types, long long row_limit,
                                double fraction) {
  std::string list, definitions;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    list += (i ? ", " : "") + txn.quote(columns[i]);
    // The query's own types (format_type of this session); the target is text.
    definitions += (i ? ", c" : "c") + std::to_string(i + 1) + " " +
                   (i + 1 < columns.size() ? types[i] : "text");
  }
  char fraction_text[64];
  std::snprintf(fraction_text, sizeof fraction_text, "%.17g", fraction);
  return "(SELECT * FROM automl_internal._training_rows(" + std::to_string(control.id) + ", " +
         std::to_string(control.lease) + ", ARRAY[" + list + "]::text[], " +
         std::to_string(row_limit) + ", " + fraction_text + ") AS t(" + definitions + "))";
}

namespace {

struct TypeInfo {
  std::optional<ColumnType> type;  // nullopt: unsupported
  pqxx::oid base = 0;              // the type after looking through domains
  std::string name;                // format_type(), for messages
};

// Classifies the columns' types, looking through domains, with one catalog query.
std::map<pqxx::oid, TypeInfo> classify_types(pqxx::work& txn, const std::set<pqxx::oid>& oids) {
  std::string list;
  for (pqxx::oid t : oids) list += (list.empty() ? "" : ",") + std::to_string(t);
  const pqxx::result r = txn.exec(
      "SELECT t.oid, format_type(t.oid, NULL), b.oid, b.typtype, b.typcategory, b.typelem "
      "FROM pg_type t JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE "
      "t.oid END "
      "WHERE t.oid IN (" +
      list + ")");
  std::map<pqxx::oid, TypeInfo> out;
  for (const auto& row : r) {
    TypeInfo info;
    info.name = row[1].as<std::string>();
    info.base = row[2].as<pqxx::oid>();
    const std::string typtype = row[3].as<std::string>(), category = row[4].as<std::string>();
    const pqxx::oid elem = row[5].as<pqxx::oid>();
    if (is_number_oid(info.base))
      info.type = ColumnType::Numeric;
    else if (info.base == kBool)
      info.type = ColumnType::Boolean;
    else if (info.base == kDate)
      info.type = ColumnType::Date;
    else if (info.base == kTimestamp || info.base == kTimestampTz)
      info.type = ColumnType::Timestamp;
    else if (typtype == "e" || category == "S")
      info.type = ColumnType::Categorical;
    else if (category == "A" && is_number_oid(elem))
      info.type = ColumnType::NumericArray;
    out[row[0].as<pqxx::oid>()] = info;
  }
  return out;
}

// The columns of the relation a training job reads, chosen by their types and
// `options`; what was skipped goes into the notes.
struct Selection {
  std::vector<std::string> columns, types;  // features, then the target
};

Selection select_columns(const SourceShape& shape, const std::map<pqxx::oid, TypeInfo>& types,
                         const std::string& relation, const std::string& target,
                         const std::optional<std::string>& split_column,
                         const automl::PreprocessOptions& options, TrainingData& out) {
  automl::Dataset& data = out.dataset;
  Selection selection;
  std::set<std::string> seen;
  nlohmann::json skipped = nlohmann::json::array();
  bool target_found = false;
  std::string split_type;
  for (std::size_t c = 0; c < shape.names.size(); ++c) {
    const std::string& name = shape.names[c];
    if (!seen.insert(name).second)
      throw automl::Error(automl::sqlstate::kInvalidParameterValue,
                          "the training relation has more than one column named \"" + name + "\"");
    const TypeInfo& info = types.at(shape.types[c]);
    if (!target.empty() && name == target) {
      target_found = true;
      data.target_kind = kind_of(info.base);
      continue;
    }
    if (split_column && name == *split_column) {
      if (info.base != kBool)
        throw automl::Error(automl::sqlstate::kInvalidParameterValue,
                            "split_column \"" + name + "\" must be boolean, not " + info.name,
                            "true marks a held-out row, false a training row");
      split_type = info.name;
      continue;
    }
    if (std::find(options.exclude.begin(), options.exclude.end(), name) != options.exclude.end())
      continue;
    if (!info.type) {
      if (options.skip_unsupported) {
        skipped.push_back({{"column", name}, {"type", info.name}});
        continue;
      }
      throw automl::Error(
          automl::sqlstate::kFeatureNotSupported,
          "column \"" + name + "\" has type " + info.name + ", which cannot be a feature",
          "supported: numbers, boolean, text, varchar, enums, date, timestamp(tz), number "
          "arrays; leave it out with preprocess => '{\"exclude\": [\"" +
              name + "\"]}' or skip such columns with {\"skip_unsupported\": true}");
    }
    automl::Column column;
    column.schema = {name, *info.type, *info.type == ColumnType::NumericArray ? 0 : 1, info.name};
    data.columns.push_back(std::move(column));
    selection.columns.push_back(name);
    selection.types.push_back(info.name);
  }
  if (!target_found && !target.empty())
    throw automl::Error("42703", "column \"" + target + "\" does not exist in " + relation);
  if (split_column && split_type.empty())
    throw automl::Error("42703",
                        "split_column \"" + *split_column + "\" does not exist in " + relation);
  for (const auto& name : options.exclude)
    if (!seen.count(name))
      throw automl::Error("42703", "preprocess.exclude names column \"" + name + "\", which " +
                                       relation + " does not have");
  if (split_column) {  // read after the features, before the target
    selection.columns.push_back(*split_column);
    selection.types.push_back(split_type);
  }
  selection.columns.push_back(target);  // "" (clustering): _training_rows reads a NULL column
  out.notes["skipped_columns"] = skipped;
  return selection;
}

// Streams the selected columns into `data`; rows whose target is NULL are counted,
// not kept (a dataset without a target, for clustering, keeps every row). Returns the
// rows read (one past the limit tells it was exceeded).
long long stream_rows(pqxx::work& txn, const std::string& source, automl::Dataset& data,
                      const std::optional<std::string>& split_column, long long max_rows,
                      long long& skipped_rows) {
  const std::size_t n_features = data.columns.size();
  const std::size_t target_field = n_features + (split_column ? 1 : 0);
  const bool has_target = !data.target_name.empty();
  CopyReader reader(txn, source, target_field + 1);
  long long row = 0;
  while (reader.next()) {
    if (reader.rows() > max_rows)
      continue;  // the one row past the limit (LIMIT max_rows + 1) only counts
    CopyRow& fields = reader.row();
    if (has_target) {
      const std::optional<std::string_view> target = fields[target_field];
      if (!target) {
        ++skipped_rows;  // no target, nothing to learn
        continue;
      }
      data.target.emplace_back(*target);
    }
    ++row;
    if (split_column) {
      const std::optional<std::string_view> held_out = fields[n_features];
      if (!held_out)
        throw automl::Error(automl::sqlstate::kInvalidParameterValue,
                            "split_column \"" + *split_column + "\" is NULL in row " +
                                std::to_string(reader.rows()),
                            "", "mark every row with a target true (held out) or false (training)");
      data.held_out.push_back(*held_out == "t" ? 1 : 0);
    }
    for (std::size_t f = 0; f < n_features; ++f) {
      const std::optional<std::string_view> value = fields[f];
      automl::append_value(data.columns[f], value ? *value : std::string_view(), !value, row);
    }
  }
  reader.complete();
  return reader.rows();
}

}  // namespace

TrainingData read_training_data(pqxx::connection_base& conn, JobControl& control,
                                const std::string& relation, const std::string& target,
                                const automl::PreprocessOptions& options, long long max_rows,
                                const std::optional<std::string>& split_column) {
  const JobLimits& limits = control.limits;
  pqxx::work txn(conn, "read_training_data");
  const SourceShape shape = begin_reading(txn, control);
  // The COPY writes the rows in this session: text that core/ parses the same way on
  // every server (ISO dates, UTC, shortest exact floats).
  txn.exec0("SET LOCAL TimeZone = 'UTC'");
  txn.exec0("SET LOCAL DateStyle = 'ISO, YMD'");
  txn.exec0("SET LOCAL extra_float_digits = 1");
  const std::set<pqxx::oid> oids(shape.types.begin(), shape.types.end());

  TrainingData out;
  out.dataset.target_name = target;
  const Selection selection = select_columns(shape, classify_types(txn, oids), relation, target,
                                             split_column, options, out);
  if (static_cast<long long>(out.dataset.columns.size()) > limits.max_columns)
    throw automl::Error(automl::sqlstate::kProgramLimitExceeded,
                        relation + " has " + std::to_string(out.dataset.columns.size()) +
                            " feature columns; this worker takes at most " +
                            std::to_string(limits.max_columns) + " (automl-worker --max-columns)",
                        "leave columns out with preprocess.exclude, or select fewer in a query");

  // A budgeted job reads a random sample of a relation too large to read in time.
  const double expected_rows = shape.estimated_rows;
  const double fraction = max_rows > 0 && expected_rows > static_cast<double>(max_rows)
                              ? static_cast<double>(max_rows) / expected_rows
                              : 1.0;
  // The row limit: memory stays bounded by --max-rows whatever the relation holds;
  // one row more tells that the limit was exceeded.
  const std::string source = training_rows_query(txn, control, selection.columns, selection.types,
                                                 limits.max_rows + 1, fraction);
  long long skipped_rows = 0;
  const long long read =
      stream_rows(txn, source, out.dataset, split_column, limits.max_rows, skipped_rows);
  txn.commit();
  control.reading_backend = 0;
  limits.check_rows(read, relation);
  out.notes["rows_read"] = read;
  out.notes["rows_skipped_for_null_target"] = skipped_rows;
  if (fraction < 1)
    out.notes["read_sample"] = {{"expected_rows", expected_rows},
                                {"fraction", fraction},
                                {"reason", "the time budget cannot fit reading every row"}};
  return out;
}

}  // namespace automl_worker
