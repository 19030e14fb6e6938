// tagging_runner.cpp — see tagging_runner.hpp. The relation holds the target text[]
// of tags and exactly one other text[] column of tokens (other columns are ignored);
// it is read as the submitter, like every training relation.
#include "tagging_runner.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>

#include "automl/crf.hpp"
#include "automl/error.hpp"
#include "automl/values.hpp"
#include "training_data.hpp"

namespace automl_worker {
namespace {

constexpr pqxx::oid kTextArray = 1009, kVarcharArray = 1015;

struct Sequences {
  std::string tokens_column;
  std::vector<automl::TaggedSequence> rows;
  long long skipped = 0;  // rows whose tags are NULL
};

Sequences read_sequences(pqxx::connection_base& conn, const automl::TrainSpec& spec, JobControl& control) {
  const JobLimits& limits = control.limits;
  pqxx::work txn(conn, "read_tagging_data");
  const SourceShape shape = begin_reading(txn, control);
  Sequences out;
  bool target_found = false;
  std::vector<std::string> candidates;
  for (std::size_t c = 0; c < shape.names.size(); ++c) {
    const std::string& name = shape.names[c];
    const bool text_array = shape.types[c] == kTextArray || shape.types[c] == kVarcharArray;
    if (name == spec.target) {
      if (!text_array)
        throw automl::Error("22023", "the target of a tagging job must be a text[] of tags; \"" + name + "\" is not");
      target_found = true;
    } else if (text_array) {
      candidates.push_back(name);
    }
  }
  if (!target_found) throw automl::Error("42703", "column \"" + spec.target + "\" does not exist in " + spec.relation);
  if (candidates.size() != 1)
    throw automl::Error("22023", "a tagging job needs exactly one text[] column of tokens besides the tags; " +
                                     spec.relation + " has " + std::to_string(candidates.size()),
                        "select the tokens and tags columns in a query");
  out.tokens_column = candidates[0];
  const std::string tokens_type = shape.types[static_cast<std::size_t>(
      std::find(shape.names.begin(), shape.names.end(), out.tokens_column) - shape.names.begin())] == kTextArray
                                      ? "text[]"
                                      : "character varying[]";
  pqxx::stream_from stream(txn, training_rows_query(txn, control, {out.tokens_column, spec.target},
                                                   {tokens_type, "text"}, limits.max_rows + 1, 1.0));
  std::string line;
  long long row = 0;
  std::string error;
  while (stream.get_raw_line(line)) {
    ++row;
    if (row > limits.max_rows || !error.empty()) continue;  // drain the COPY, report after
    if (!line.empty() && line.back() == '\n') line.pop_back();
    const auto tab = line.find('\t');
    // COPY text format: \N is NULL; arrays of plain words need no unescaping beyond
    // COPY's own backslash escapes, which do not occur in array text but for \\ .
    std::string tokens_text = line.substr(0, tab), tags_text = line.substr(tab + 1);
    auto unescape = [](std::string& s) {
      std::string out;
      for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
          ++i;
          out.push_back(s[i] == 't' ? '\t' : s[i] == 'n' ? '\n' : s[i] == 'r' ? '\r' : s[i]);
        } else {
          out.push_back(s[i]);
        }
      }
      s = out;
    };
    if (tags_text == "\\N") {
      ++out.skipped;
      continue;
    }
    if (tokens_text == "\\N") {
      error = "row " + std::to_string(row) + ": the tokens are NULL but the tags are not";
      continue;
    }
    unescape(tokens_text);
    unescape(tags_text);
    automl::TaggedSequence s;
    if (!automl::parse_text_array(tokens_text, s.tokens) || !automl::parse_text_array(tags_text, s.tags)) {
      error = "row " + std::to_string(row) + ": tokens and tags must be arrays of text without NULLs";
      continue;
    }
    if (s.tokens.size() != s.tags.size()) {
      error = "row " + std::to_string(row) + ": " + std::to_string(s.tokens.size()) + " tokens but " +
              std::to_string(s.tags.size()) + " tags";
      continue;
    }
    if (s.tokens.empty()) continue;  // nothing to learn from
    out.rows.push_back(std::move(s));
  }
  stream.complete();
  txn.commit();
  control.reading_backend = 0;
  if (!error.empty()) throw automl::Error("22023", error);
  limits.check_rows(row, spec.relation);
  if (out.rows.size() < 2)
    throw automl::Error("22023", "a tagging job needs at least 2 tagged rows, the relation has " +
                                     std::to_string(out.rows.size()));
  return out;
}

}  // namespace

void run_tagging(pqxx::connection_base& conn, const ClaimedJob& job, JobControl& control, const automl::TrainSpec& spec) {
  const auto started = std::chrono::steady_clock::now();
  control.report(0.05f, "reading " + spec.relation);
  Sequences data = read_sequences(conn, spec, control);
  const double read_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // A deterministic held-out split by the job's seed.
  std::vector<std::size_t> order(data.rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(spec.seed);
  std::shuffle(order.begin(), order.end(), rng);
  const std::size_t n_test =
      std::clamp<std::size_t>(static_cast<std::size_t>(spec.test_size * static_cast<double>(order.size()) + 0.5), 1,
                              order.size() - 1);
  std::vector<automl::TaggedSequence> train, test;
  for (std::size_t k = 0; k < order.size(); ++k) (k < n_test ? test : train).push_back(std::move(data.rows[order[k]]));

  control.report(0.2f, "training a CRF on " + std::to_string(train.size()) + " sequences");
  automl::CrfOptions options;
  options.c2 = spec.hyperparams.value("c2", 0.1);
  options.max_iter = spec.hyperparams.value("max_iter", 200);
  options.min_feature_count = spec.hyperparams.value("min_feature_count", 2);
  int iterations = 0;
  const automl::Crf crf = automl::Crf::fit(train, options, &control.stop, &iterations);
  if (control.stop) throw automl::Error(automl::sqlstate::kQueryCanceled, "job was stopped");

  control.report(0.85f, "evaluating on " + std::to_string(test.size()) + " held-out sequences");
  std::vector<std::vector<std::string>> predicted;
  for (const auto& s : test) predicted.push_back(crf.tag(s.tokens).tags);
  nlohmann::json metrics = automl::tagging_metrics(test, predicted);
  const double total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  nlohmann::json file = crf.to_json();
  file["format_version"] = 1;
  file["task"] = "tagging";
  file["target"] = spec.target;
  file["tokens_column"] = data.tokens_column;
  const std::string bytes = file.dump();
  control.limits.check_model_size(bytes.size());
  const nlohmann::json info = {{"read_seconds", read_seconds},
                               {"train_seconds", total_seconds - read_seconds},
                               {"rows_read", train.size() + test.size() + static_cast<std::size_t>(data.skipped)},
                               {"rows_skipped_for_null_target", data.skipped},
                               {"train_rows", train.size()},
                               {"test_rows", test.size()},
                               {"iterations", iterations},
                               {"features", crf.n_features()}};
  pqxx::work txn(conn, "complete_tagging_job");
  txn.exec_params(
      "SELECT automl_internal._complete_train_job($1, $2, 'crf', 'tagging', $3::jsonb, $4::jsonb, ARRAY[$5], $6,"
      " ARRAY(SELECT jsonb_array_elements_text($7::jsonb)), 1, convert_to($8, 'UTF8'), $9::jsonb)",
      job.id, job.lease, spec.hyperparams.dump(), metrics.dump(), data.tokens_column, spec.target,
      nlohmann::json(crf.labels()).dump(), bytes, info.dump());
  txn.commit();
}

}  // namespace automl_worker
