// options.cpp — command-line parsing for automl-worker.
#include "options.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

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
    "  --max-import-mb N       fail an import whose body is larger (default 10240)\n"
    "  --webhook-timeout SECONDS\n"
    "                          give up one webhook POST after this long (default 10)\n"
    "  --webhook-retry-base SECONDS\n"
    "                          wait this long before a failed delivery's first retry,\n"
    "                          doubling (with jitter) each time after (default 5)\n"
    "  --name NAME             worker name recorded on claimed jobs (default host:pid)\n"
    "  --metrics-address HOST:PORT\n"
    "                          serve GET /metrics (Prometheus) and GET /healthz there,\n"
    "                          e.g. 127.0.0.1:9187 or [::]:9187 (default: off)\n"
    "  --log-format text|json  log lines for people (text, the default) or one JSON\n"
    "                          object per line (time, level, worker, job, event, message)\n"
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
  if (text.empty() || *end != '\0' || !(x >= 1 && x <= 1e12) ||
      x != static_cast<double>(static_cast<long long>(x)))
    return false;
  out = static_cast<long long>(x);
  return true;
}

std::string default_name() {
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(getpid());
}

// A whole number from 1 to `max`, for a count flag.
bool parse_whole(const std::string& text, int max, int& out) {
  double n;
  if (!parse_positive(text, n) || n != static_cast<int>(n) || n > max) return false;
  out = static_cast<int>(n);
  return true;
}

// Megabytes from 1 to `max_mb`, as bytes.
bool parse_megabytes(const std::string& text, long long max_mb, long long& bytes) {
  long long mb = 0;
  if (!parse_count(text, mb) || mb > max_mb) return false;
  bytes = mb * 1024 * 1024;
  return true;
}

const char* kSeconds = " needs a positive number of seconds";

// HOST:PORT: HOST an IPv4 address, a name, or an IPv6 address in brackets; PORT 1 to 65535.
bool parse_address(const std::string& text, std::string& host, int& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string h = text.substr(0, colon);
  const std::string digits = text.substr(colon + 1);
  if (h.front() == '[') {
    if (h.size() < 3 || h.back() != ']') return false;
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string::npos) {
    return false;  // an IPv6 address needs its brackets
  }
  if (digits.empty() || digits.size() > 5 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return false;
  port = std::stoi(digits);
  host = h;
  return port >= 1 && port <= 65535;
}

// The flags of the worker's own monitoring; nullopt when `flag` is none of them.
std::optional<std::string> apply_monitoring_flag(const std::string& flag, const std::string& v,
                                                 Options& options) {
  if (flag == "--metrics-address")
    return parse_address(v, options.metrics_host, options.metrics_port)
               ? ""
               : "--metrics-address needs HOST:PORT (e.g. 127.0.0.1:9187 or [::1]:9187)";
  if (flag == "--log-format") {
    if (v != "text" && v != "json") return std::string("--log-format needs text or json");
    options.log_format = v == "json" ? LogFormat::Json : LogFormat::Text;
    return "";
  }
  return std::nullopt;
}

// Sets the option of `flag`, which takes a value (nullopt: none was given).
// Returns what is wrong with it, or "" when it was set.
std::string apply_flag(const std::string& flag, const std::optional<std::string>& value,
                       Options& options) {
  if (!value && flag == "--dsn") return "--dsn needs a value";
  const std::string v = value.value_or("");  // a missing number is as wrong as a bad one
  JobLimits& limits = options.limits;
  if (auto error = apply_monitoring_flag(flag, v, options)) return *error;
  if (flag == "--dsn") {
    options.dsn = v;
    return "";
  }
  if (flag == "--name") {
    if (v.empty()) return "--name needs a value";
    options.name = v;
    return "";
  }
  if (flag == "--concurrency")
    return parse_whole(v, 256, options.concurrency)
               ? ""
               : "--concurrency needs a whole number from 1 to 256";
  if (flag == "--threads")
    return parse_whole(v, 1024, options.threads) ? ""
                                                 : "--threads needs a whole number from 1 to 1024";
  if (flag == "--max-rows")
    return parse_count(v, limits.max_rows) ? "" : "--max-rows needs a whole number from 1 to 10^12";
  if (flag == "--max-columns")
    return parse_count(v, limits.max_columns)
               ? ""
               : "--max-columns needs a whole number from 1 to 10^12";
  if (flag == "--max-model-mb")
    return parse_megabytes(v, 1024 * 1024, limits.max_model_bytes)
               ? ""
               : "--max-model-mb needs a whole number from 1 to 1048576";
  if (flag == "--max-memory-mb")
    return parse_megabytes(v, 1024LL * 1024 * 1024, limits.max_memory_bytes)
               ? ""
               : "--max-memory-mb needs a whole number from 1 to 1073741824";
  if (flag == "--max-import-mb")
    return parse_megabytes(v, 1024LL * 1024 * 1024, limits.max_import_bytes)
               ? ""
               : "--max-import-mb needs a whole number from 1 to 1073741824";
  double* seconds = flag == "--poll-interval"        ? &options.poll_interval
                    : flag == "--rescue-after"       ? &options.rescue_after
                    : flag == "--grace-period"       ? &options.grace_period
                    : flag == "--heartbeat-interval" ? &options.heartbeat_interval
                    : flag == "--max-job-time"       ? &limits.max_job_seconds
                    : flag == "--webhook-timeout"    ? &options.webhook_timeout
                    : flag == "--webhook-retry-base" ? &options.webhook_retry_base
                                                     : nullptr;
  if (seconds == nullptr) return "unknown option '" + flag + "'";
  return parse_positive(v, *seconds) ? "" : flag + kSeconds;
}

bool takes_value(const std::string& flag) {
  for (const char* f :
       {"--dsn", "--name", "--concurrency", "--threads", "--poll-interval", "--rescue-after",
        "--grace-period", "--heartbeat-interval", "--max-rows", "--max-columns", "--max-model-mb",
        "--max-job-time", "--max-memory-mb", "--max-import-mb", "--webhook-timeout",
        "--webhook-retry-base", "--metrics-address", "--log-format"})
    if (flag == f) return true;
  return false;
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
    std::optional<std::string> value;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
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
    } else if (!takes_value(arg)) {
      return fail("unknown option '" + arg + "'");
    } else {
      if (!value && i + 1 < argc) value = argv[++i];
      if (const std::string error = apply_flag(arg, value, options); !error.empty())
        return fail(error);
    }
  }
  if (options.name.empty()) options.name = default_name();
  if (options.limits.max_memory_bytes == 0)
    options.limits.max_memory_bytes =
        static_cast<long long>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGE_SIZE) / 2;
  if (options.threads == 0)
    options.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return options;
}

}  // namespace automl_worker
