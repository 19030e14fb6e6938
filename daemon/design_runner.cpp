// design_runner.cpp — see design_runner.hpp.
//
// The exchange search is core/'s and checks check_interrupt() as it goes: this
// file points that hook at the running job's stop flag (per thread, since each job
// runs on its own), so automl.cancel and --max-job-time stop a long search.
#include "design_runner.hpp"

#include <cstdio>
#include <mutex>

#include "automl/design.hpp"
#include "automl/error.hpp"
#include "automl/interrupt.hpp"
#include "import_load.hpp"

namespace automl_worker {
namespace {

thread_local const std::atomic<bool>* running_job_stop = nullptr;

bool running_job_stopped() { return running_job_stop != nullptr && running_job_stop->load(); }

// Points check_interrupt() at this job's stop flag while the search runs.
class StopHook {
 public:
  explicit StopHook(const std::atomic<bool>& stop) {
    static std::once_flag installed;
    std::call_once(installed, [] { automl::set_interrupt_hook(&running_job_stopped); });
    running_job_stop = &stop;
  }
  ~StopHook() { running_job_stop = nullptr; }
  StopHook(const StopHook&) = delete;
  StopHook& operator=(const StopHook&) = delete;
};

// The factors in the order the table's columns take: the spec's array order, or an
// object's key order.
struct Factor {
  std::string name;
  bool categorical;
};

std::vector<Factor> factors_of(const nlohmann::json& factors) {
  std::vector<Factor> out;
  if (factors.is_array()) {
    for (const auto& f : factors)
      out.push_back({f.at("name").get<std::string>(), f.contains("categories")});
  } else {
    for (const auto& [name, f] : factors.items()) out.push_back({name, f.contains("categories")});
  }
  return out;
}

// A value in COPY's text format: backslash, tab, LF and CR escaped.
std::string copy_value(const nlohmann::json& v) {
  std::string text;
  if (v.is_string()) {
    text = v.get<std::string>();
  } else if (v.is_number()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v.get<double>());
    text = buf;
  } else if (v.is_null()) {
    return "\\N";
  } else {
    text = v.dump();
  }
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  return out;
}

void write_table(pqxx::connection_base& conn, const ClaimedJob& job, JobControl& control,
                 const nlohmann::json& spec, nlohmann::json result) {
  const std::vector<Factor> factors = factors_of(spec.at("factors"));
  const nlohmann::json& rows = result.at("rows");
  const nlohmann::json& included = result.at("included");
  bool augmented = false;
  for (const auto& flag : included) augmented = augmented || flag.get<bool>();
  std::vector<std::string> names = {"run"}, types = {"integer"};
  for (const Factor& f : factors) {
    names.push_back(f.name);
    types.push_back(f.categorical ? "text" : "double precision");
  }
  if (augmented) {
    names.push_back("included");
    types.push_back("boolean");
  }
  ImportLoad load(conn, job, control);
  result["into_table"] = load.begin(names, types);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::string line = std::to_string(i + 1);
    for (const Factor& f : factors) line += "\t" + copy_value(rows[i].at(f.name));
    if (augmented) line += included[i].get<bool>() ? "\tt" : "\tf";
    load.add_row(line + "\n", i + 1);
  }
  result.erase("rows");
  result.erase("included");
  load.finish(std::move(result));
}

}  // namespace

void run_design(pqxx::connection_base& conn, const ClaimedJob& job, JobControl& control) {
  const nlohmann::json spec = nlohmann::json::parse(job.spec);
  nlohmann::json request = spec;
  request.erase("into_table");
  if (request.contains("options")) request["options"].erase("if_exists");
  control.report(0.05f, "searching for the design");
  control.phases.begin("search");
  nlohmann::json result;
  {
    StopHook hook(control.stop);
    try {
      result = automl::make_design(request);
    } catch (const automl::Error& e) {
      if (std::string(e.sqlstate()) == automl::sqlstate::kQueryCanceled) control.throw_if_stopped();
      throw;
    }
  }
  control.throw_if_stopped();
  control.report(0.95f, "writing " + std::to_string(result.at("rows").size()) + " runs");
  control.phases.begin("store");
  if (spec.value("into_table", nlohmann::json()).is_string()) {
    write_table(conn, job, control, spec, std::move(result));
    return;
  }
  // A cancel that came in meanwhile: _succeed_job records the job as cancelled instead.
  pqxx::work txn(conn, "succeed_design");
  txn.exec_params("SELECT automl_internal._succeed_job($1, $2, $3::jsonb)", job.id, job.lease,
                  result.dump());
  txn.commit();
}

}  // namespace automl_worker
