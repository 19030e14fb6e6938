// job_runner.cpp — job kinds (train, import, noop) and how an attempt's end is recorded
// (in automl.jobs, in the log, and in the job metrics of worker_metrics.hpp).
#include "job_runner.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "automl/error.hpp"
#include "automl/model.hpp"
#include "automl/trainer.hpp"
#include "design_runner.hpp"
#include "failure.hpp"
#include "import_runner.hpp"
#include "log.hpp"
#include "tagging_runner.hpp"
#include "training_data.hpp"

namespace automl_worker {
namespace {

void sleep_stoppable(double seconds, const JobControl& control) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    control.throw_if_stopped();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void run_noop(pqxx::connection_base& conn, const ClaimedJob& job, JobControl& control) {
  const auto spec = nlohmann::json::parse(job.spec);
  const double seconds = spec.value("seconds", 0.0);
  control.report(0, "sleeping " + std::to_string(seconds) + " s");
  sleep_stoppable(seconds, control);
  if (job.attempt <= spec.value("fail_attempts", 0))
    throw std::runtime_error("noop job asked to fail attempt " + std::to_string(job.attempt));
  pqxx::work txn(conn, "succeed_noop");
  txn.exec_params("SELECT automl_internal._succeed_job($1, $2, $3::jsonb)", job.id, job.lease,
                  nlohmann::json{{"slept_seconds", seconds}}.dump());
  txn.commit();
}

nlohmann::json string_array_or_null(const automl::Model& model) {
  if (model.task() != automl::Task::Classification) return nullptr;
  return model.labels().classes();
}

void run_train(pqxx::connection_base& conn, const ClaimedJob& job, JobControl& control) {
  const automl::TrainSpec spec = automl::TrainSpec::parse(nlohmann::json::parse(job.spec));
  if (spec.task == automl::Task::Tagging) return run_tagging(conn, job, control, spec);
  const auto started = std::chrono::steady_clock::now();
  control.report(0.05f, "reading " + spec.relation);
  control.phases.begin("read");
  // Under a time budget, read at most what the worker can parse in a third of it
  // (about 100,000 rows of 20 columns per second here).
  const long long max_rows =
      spec.time_budget_seconds
          ? static_cast<long long>(std::max(20000.0, *spec.time_budget_seconds * 30000.0))
          : 0;
  TrainingData data = read_training_data(conn, control, spec.relation, spec.target, spec.preprocess,
                                         max_rows, spec.split_column);
  const double read_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  control.throw_if_stopped();

  control.report(0.3f, "training on " + std::to_string(data.dataset.rows()) + " rows");
  control.phases.begin("train");
  automl::TrainOptions options;
  options.cancel = &control.stop;
  options.threads = control.threads;
  options.max_memory_bytes = static_cast<std::size_t>(control.limits.max_memory_bytes);
  // The budget runs from the claim (started_at); keep a moment for storing the model.
  if (spec.time_budget_seconds)
    options.deadline =
        started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      std::chrono::duration<double>(*spec.time_budget_seconds - 0.4));
  options.progress = [&control](float progress, const std::string& message) {
    control.report(progress, message);
  };
  automl::TrainOutcome outcome = automl::train(spec, data.dataset, options);
  control.throw_if_stopped();
  control.report(0.9f, "storing the model");
  control.phases.begin("store");
  const double total_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  control.limits.check_model_size(outcome.model_bytes.size());
  const automl::Model model = automl::Model::parse(outcome.model_bytes);

  nlohmann::json info = outcome.info;
  info.update(data.notes);
  info["read_seconds"] = read_seconds;
  info["train_seconds"] = total_seconds - read_seconds;
  // _complete_train_job moves it into automl.models.evaluation.
  info["evaluation"] = std::move(outcome.evaluation);

  pqxx::work txn(conn, "complete_train_job");
  txn.exec_params(
      "SELECT automl_internal._complete_train_job($1, $2, $3, $4, $5::jsonb, $6::jsonb,"
      " ARRAY(SELECT jsonb_array_elements_text($7::jsonb)), $8,"
      " CASE WHEN $9::jsonb = 'null' THEN NULL ELSE ARRAY(SELECT "
      "jsonb_array_elements_text($9::jsonb)) END,"
      " $10, convert_to($11, 'UTF8'), $12::jsonb)",
      job.id, job.lease, outcome.algorithm, std::string(automl::to_string(outcome.task)),
      outcome.hyperparams.dump(), outcome.metrics.dump(),
      nlohmann::json(model.feature_names()).dump(), model.target(),
      string_array_or_null(model).dump(), automl::Model::kFormatVersion, outcome.model_bytes,
      info.dump());
  txn.commit();
}

// How an attempt that did not succeed ended, as the log and the metrics name it.
struct Outcome {
  const char* event;
  LogLevel level;
};

// Records how an attempt ended without success: a failure (retried or final), a
// cancellation, or a release back to the queue when the worker is shutting down.
void record_failure(pqxx::connection_base& conn, const ClaimedJob& job, const JobControl& control,
                    const std::string& message, bool retryable) {
  try {
    pqxx::work txn(conn, "fail_job");
    const bool release = control.reason() == StopReason::Release;
    const auto r = release ? txn.exec_params1("SELECT automl_internal._release_job($1, $2, $3)",
                                              job.id, job.lease, "released: worker shutting down")
                           : txn.exec_params1("SELECT automl_internal._fail_job($1, $2, $3, $4)",
                                              job.id, job.lease, message, retryable);
    txn.commit();
    const std::string now = r[0].c_str();
    const Outcome outcome = release              ? Outcome{"released", LogLevel::Info}
                            : now == "queued"    ? Outcome{"retried", LogLevel::Warning}
                            : now == "cancelled" ? Outcome{"cancelled", LogLevel::Info}
                                                 : Outcome{"failed", LogLevel::Error};
    record_job_outcome(control.phases.kind(), outcome.event, control.phases.seconds());
    log_event(outcome.level, outcome.event, job.id,
              "job " + std::to_string(job.id) + " attempt " + std::to_string(job.attempt) +
                  (release ? " released" : " failed (" + message + ")") + ": now " + now);
  } catch (const pqxx::broken_connection&) {
    throw;
  } catch (const pqxx::sql_error& e) {
    // Typically kClaimLost: the job was rescued meanwhile and its new owner decides.
    log_event(LogLevel::Warning, "record_failed", job.id,
              "job " + std::to_string(job.id) +
                  ": could not record the failure: " + primary_message(e.what()));
  }
}

// A job the worker stopped while a statement of it ran: recorded as the stop
// it was (a cancellation, a release, or --max-job-time).
void record_stop(pqxx::connection_base& conn, const ClaimedJob& job, const JobControl& control) {
  try {
    control.throw_if_stopped();
  } catch (const automl::Error& e) {
    record_failure(conn, job, control, e.what(), !is_permanent(e.sqlstate()));
  }
}

}  // namespace

void run_job(pqxx::connection_base& conn, const ClaimedJob& job, JobControl& control) {
  log_event(LogLevel::Info, "claimed", job.id,
            "job " + std::to_string(job.id) + " (" + job.kind + ") attempt " +
                std::to_string(job.attempt) + " started");
  try {
    if (job.kind == "train")
      run_train(conn, job, control);
    else if (job.kind == "import")
      run_import(conn, job, control);
    else if (job.kind == "design")
      run_design(conn, job, control);
    else if (job.kind == "noop")
      run_noop(conn, job, control);
    else
      throw automl::Error(automl::sqlstate::kFeatureNotSupported,
                          "this worker cannot run jobs of kind \"" + job.kind + "\"");
    control.phases.end();
    record_job_outcome(control.phases.kind(), "succeeded", control.phases.seconds());
    log_event(LogLevel::Info, "succeeded", job.id, "job " + std::to_string(job.id) + " finished");
  } catch (const pqxx::broken_connection&) {
    throw;
  } catch (const automl::Error& e) {
    control.reading_backend = 0;  // a later stop must not cancel the statements that record this
    std::string message = e.what();
    if (!e.detail().empty()) message += " (" + e.detail() + ")";
    if (!e.hint().empty()) message += " Hint: " + e.hint();
    record_failure(conn, job, control, message, !is_permanent(e.sqlstate()));
  } catch (const pqxx::sql_error& e) {
    control.reading_backend = 0;
    if (control.stop) {  // the control thread cancelled the statement when it stopped the job
      record_stop(conn, job, control);
      return;
    }
    if (sqlstate_of(e) == kClaimLost) {
      log_event(LogLevel::Warning, "claim_lost", job.id,
                "job " + std::to_string(job.id) + " attempt " + std::to_string(job.attempt) +
                    ": claim lost (the job was rescued); result discarded");
      return;
    }
    record_failure(conn, job, control, primary_message(e.what()), !is_permanent(sqlstate_of(e)));
  } catch (const std::exception& e) {
    control.reading_backend = 0;
    record_failure(conn, job, control, e.what(), true);
  }
}

}  // namespace automl_worker
