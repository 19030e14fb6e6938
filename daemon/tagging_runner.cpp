// tagging_runner.cpp — see tagging_runner.hpp. The relation holds the target text[]
// of tags and exactly one other text[] column of tokens (other columns are ignored);
// it is read as the submitter, like every training relation. The training run, the
// file format and the evaluation are core's (automl/tagger.hpp).
#include "tagging_runner.hpp"

#include <chrono>

#include "automl/error.hpp"
#include "automl/tagger.hpp"
#include "automl/values.hpp"
#include "copy_reader.hpp"
#include "training_data.hpp"

namespace automl_worker {
namespace {

struct Sequences {
  std::string tokens_column;
  std::string tokens_type;  // text[] or character varying[]
  std::vector<automl::TaggedSequence> rows;
  long long skipped = 0;  // rows whose tags are NULL
};

bool is_text_array(pqxx::oid type) {
  return type == pg_oid::kTextArray || type == pg_oid::kVarcharArray;
}

// Finds the tags (the target) and the one text[] column of tokens.
void choose_columns(const SourceShape& shape, const automl::TrainSpec& spec, Sequences& out) {
  bool target_found = false;
  std::vector<std::size_t> candidates;
  for (std::size_t c = 0; c < shape.names.size(); ++c) {
    const std::string& name = shape.names[c];
    if (name == spec.target) {
      if (!is_text_array(shape.types[c]))
        throw automl::Error(
            automl::sqlstate::kInvalidParameterValue,
            "the target of a tagging job must be a text[] of tags; \"" + name + "\" is not");
      target_found = true;
    } else if (is_text_array(shape.types[c])) {
      candidates.push_back(c);
    }
  }
  if (!target_found)
    throw automl::Error("42703",
                        "column \"" + spec.target + "\" does not exist in " + spec.relation);
  if (candidates.size() != 1)
    throw automl::Error(
        automl::sqlstate::kInvalidParameterValue,
        "a tagging job needs exactly one text[] column of tokens besides the tags; " +
            spec.relation + " has " + std::to_string(candidates.size()),
        "select the tokens and tags columns in a query");
  out.tokens_column = shape.names[candidates[0]];
  out.tokens_type =
      shape.types[candidates[0]] == pg_oid::kTextArray ? "text[]" : "character varying[]";
}

// One row of tokens and tags: appended to `out`, skipped, or an error message.
std::string take_row(CopyRow& fields, long long row, Sequences& out) {
  const std::optional<std::string_view> tokens = fields[0], tags = fields[1];
  if (!tags) {
    ++out.skipped;
    return "";
  }
  if (!tokens) return "row " + std::to_string(row) + ": the tokens are NULL but the tags are not";
  automl::TaggedSequence s;
  if (!automl::parse_text_array(*tokens, s.tokens) || !automl::parse_text_array(*tags, s.tags))
    return "row " + std::to_string(row) + ": tokens and tags must be arrays of text without NULLs";
  if (s.tokens.size() != s.tags.size())
    return "row " + std::to_string(row) + ": " + std::to_string(s.tokens.size()) + " tokens but " +
           std::to_string(s.tags.size()) + " tags";
  if (!s.tokens.empty()) out.rows.push_back(std::move(s));  // an empty row has nothing to teach
  return "";
}

Sequences read_sequences(pqxx::connection_base& conn, const automl::TrainSpec& spec,
                         JobControl& control) {
  const JobLimits& limits = control.limits;
  pqxx::work txn(conn, "read_tagging_data");
  const SourceShape shape = begin_reading(txn, control);
  Sequences out;
  choose_columns(shape, spec, out);
  CopyReader reader(txn,
                    training_rows_query(txn, control, {out.tokens_column, spec.target},
                                        {out.tokens_type, "text"}, limits.max_rows + 1, 1.0),
                    2);
  std::string error;
  while (reader.next())
    if (reader.rows() <= limits.max_rows && error.empty())  // else drain the COPY, report after
      error = take_row(reader.row(), reader.rows(), out);
  reader.complete();
  txn.commit();
  control.reading_backend = 0;
  if (!error.empty()) throw automl::Error(automl::sqlstate::kInvalidParameterValue, error);
  limits.check_rows(reader.rows(), spec.relation);
  return out;
}

}  // namespace

void run_tagging(pqxx::connection_base& conn, const ClaimedJob& job, JobControl& control,
                 const automl::TrainSpec& spec) {
  const auto started = std::chrono::steady_clock::now();
  control.report(0.05f, "reading " + spec.relation);
  control.phases.begin("read");
  Sequences data = read_sequences(conn, spec, control);
  const double read_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::size_t rows_read = data.rows.size() + static_cast<std::size_t>(data.skipped);

  automl::TaggerOptions options;
  options.cancel = &control.stop;
  options.progress = [&control](float progress, const std::string& message) {
    control.report(progress, message);
  };
  automl::TaggerOutcome outcome;
  control.phases.begin("train");
  try {
    outcome = automl::train_tagger(spec, std::move(data.rows), data.tokens_column, options);
  } catch (const automl::Error&) {
    control.throw_if_stopped();  // a stop says why the job stopped
    throw;
  }
  const double total_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  control.limits.check_model_size(outcome.model_bytes.size());
  nlohmann::json info = outcome.info;
  info["read_seconds"] = read_seconds;
  info["train_seconds"] = total_seconds - read_seconds;
  info["rows_read"] = rows_read;
  info["rows_skipped_for_null_target"] = data.skipped;

  control.phases.begin("store");
  pqxx::work txn(conn, "complete_tagging_job");
  txn.exec_params(
      "SELECT automl_internal._complete_train_job($1, $2, 'crf', 'tagging', $3::jsonb, $4::jsonb, "
      "ARRAY[$5], $6,"
      " ARRAY(SELECT jsonb_array_elements_text($7::jsonb)), $8, convert_to($9, 'UTF8'), "
      "$10::jsonb)",
      job.id, job.lease, spec.hyperparams.dump(), outcome.metrics.dump(), data.tokens_column,
      spec.target, nlohmann::json(outcome.model.crf.labels()).dump(),
      outcome.model.format_version(), outcome.model_bytes, info.dump());
  txn.commit();
}

}  // namespace automl_worker
