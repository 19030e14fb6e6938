// options.cpp — command-line parsing for automl-worker.
#include "options.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <algorithm>

namespace automl_worker {
namespace {

const char* kUsage =
    "Usage: automl-worker [OPTIONS]\n"
    "\n"
    "Runs pg_automl jobs (training, ...) queued in automl.jobs.\n"
    "\n"
    "Options:\n"
    "  --dsn CONNINFO          libpq connection string or URI\n"
    "                          (default: the PG* environment variables)\n"
    "  --concurrency N         jobs to run at once (default 1)\n"
    "  --once                  run every job runnable now, then exit (for tests and cron)\n"
    "  --poll-interval SECONDS poll for jobs this often when no notification arrives\n"
    "                          (default 1)\n"
    "  --heartbeat-interval SECONDS\n"
    "                          how often running jobs report that they are alive (default 2)\n"
    "  --rescue-after SECONDS  requeue jobs whose worker has not heartbeated for this long\n"
    "                          (default 30; keep it well above --heartbeat-interval)\n"
    "  --grace-period SECONDS  on SIGTERM/SIGINT, let running jobs finish for this long,\n"
    "                          then release them to the queue (default 30)\n"
    "  --threads N             cores one job may use for tree learners (default: all)\n"
    "  --max-rows N            fail a job whose data has more rows (default 50000000)\n"
    "  --max-columns N         fail a job whose data has more feature columns (default 2000)\n"
    "  --max-model-mb N        fail a job whose model file is larger (default 512)\n"
    "  --max-job-time SECONDS  stop and fail a job running longer, reading included\n"
    "                          (default 86400)\n"
    "  --max-memory-mb N       fail a job whose encoded training rows would need more\n"
    "                          memory, before allocating it (default: half of RAM)\n"
    "  --name NAME             worker name recorded on claimed jobs (default host:pid)\n"
    "  --help                  show this help and exit\n"
    "  --version               show the version and exit\n";

bool parse_positive(const std::string& text, double& out) {
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && *end == '\0' && out > 0 && out < 1e6;
}

// A whole number from 1 to 10^12.
bool parse_count(const std::string& text, long long& out) {
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(x >= 1 && x <= 1e12) || x != static_cast<double>(static_cast<long long>(x)))
    return false;
  out = static_cast<long long>(x);
  return true;
}

std::string default_name() {
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv, int& exit_code) {
  Options options;
  auto fail = [&](const std::string& message) {
    std::fprintf(stderr, "automl-worker: %s\nTry 'automl-worker --help'.\n", message.c_str());
    exit_code = 2;
    return std::nullopt;
  };
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_value = false;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    auto next = [&]() -> bool {
      if (has_value) return true;
      if (i + 1 >= argc) return false;
      value = argv[++i];
      return true;
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      exit_code = 0;
      return std::nullopt;
    } else if (arg == "--version") {
      std::printf("automl-worker %s\n", AUTOML_VERSION);
      exit_code = 0;
      return std::nullopt;
    } else if (arg == "--once") {
      options.once = true;
    } else if (arg == "--dsn") {
      if (!next()) return fail("--dsn needs a value");
      options.dsn = value;
    } else if (arg == "--name") {
      if (!next() || value.empty()) return fail("--name needs a value");
      options.name = value;
    } else if (arg == "--concurrency") {
      double n;
      if (!next() || !parse_positive(value, n) || n != static_cast<int>(n) || n > 256)
        return fail("--concurrency needs a whole number from 1 to 256");
      options.concurrency = static_cast<int>(n);
    } else if (arg == "--threads") {
      double n;
      if (!next() || !parse_positive(value, n) || n != static_cast<int>(n) || n > 1024)
        return fail("--threads needs a whole number from 1 to 1024");
      options.threads = static_cast<int>(n);
    } else if (arg == "--poll-interval") {
      if (!next() || !parse_positive(value, options.poll_interval))
        return fail("--poll-interval needs a positive number of seconds");
    } else if (arg == "--rescue-after") {
      if (!next() || !parse_positive(value, options.rescue_after))
        return fail("--rescue-after needs a positive number of seconds");
    } else if (arg == "--grace-period") {
      if (!next() || !parse_positive(value, options.grace_period))
        return fail("--grace-period needs a positive number of seconds");
    } else if (arg == "--max-rows") {
      if (!next() || !parse_count(value, options.limits.max_rows))
        return fail("--max-rows needs a whole number from 1 to 10^12");
    } else if (arg == "--max-columns") {
      if (!next() || !parse_count(value, options.limits.max_columns))
        return fail("--max-columns needs a whole number from 1 to 10^12");
    } else if (arg == "--max-model-mb") {
      long long mb = 0;
      if (!next() || !parse_count(value, mb) || mb > 1024 * 1024)
        return fail("--max-model-mb needs a whole number from 1 to 1048576");
      options.limits.max_model_bytes = mb * 1024 * 1024;
    } else if (arg == "--max-job-time") {
      if (!next() || !parse_positive(value, options.limits.max_job_seconds))
        return fail("--max-job-time needs a positive number of seconds");
    } else if (arg == "--max-memory-mb") {
      long long mb = 0;
      if (!next() || !parse_count(value, mb) || mb > 1024LL * 1024 * 1024)
        return fail("--max-memory-mb needs a whole number from 1 to 1073741824");
      options.limits.max_memory_bytes = mb * 1024 * 1024;
    } else if (arg == "--heartbeat-interval") {
      if (!next() || !parse_positive(value, options.heartbeat_interval))
        return fail("--heartbeat-interval needs a positive number of seconds");
    } else {
      return fail("unknown option '" + arg + "'");
    }
  }
  if (options.name.empty()) options.name = default_name();
  if (options.limits.max_memory_bytes == 0)
    options.limits.max_memory_bytes = static_cast<long long>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGE_SIZE) / 2;
  if (options.threads == 0) options.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return options;
}

}  // namespace automl_worker
