// main.cpp — automl-worker: runs pg_automl's queued jobs. See docs/ and --help.
#include <curl/curl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>

#include "log.hpp"
#include "metrics_server.hpp"
#include "options.hpp"
#include "worker.hpp"

namespace {
automl_worker::Worker* g_worker = nullptr;

extern "C" void on_stop_signal(int) {
  if (g_worker) g_worker->stop();
}
// XGBoost's OpenMP threads spin at every barrier by default; when PostgreSQL or
// anything else keeps a core busy, each barrier then waits for a time slice (a
// 50-tree fit on 2,000 rows measured 2 s instead of 0.03 s on two busy cores).
// libgomp reads OMP_WAIT_POLICY once, when it is loaded, so the worker sets it and
// runs itself again; an explicit setting is left alone.
void use_passive_openmp_threads(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY")) return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  execv("/proc/self/exe", argv);  // if that fails, run on with OpenMP's default
}
}  // namespace

int main(int argc, char** argv) {
  use_passive_openmp_threads(argv);
  int exit_code = 0;
  auto options = automl_worker::parse_options(argc, argv, exit_code);
  if (!options) return exit_code;
  automl_worker::configure_log(options->log_format, options->name);
  std::unique_ptr<automl_worker::Worker> worker;
  std::optional<automl_worker::MetricsServer> metrics;
  try {
    worker = std::make_unique<automl_worker::Worker>(*options);
    // Bound before any job is claimed: a taken port is a usage error, not a thread
    // that dies unnoticed.
    if (!options->metrics_host.empty())
      metrics.emplace(automl_worker::MetricsServerConfig{
          options->metrics_host, options->metrics_port,
          [&worker] { return worker->metrics_text(); }, [&worker] { return worker->health(); }});
  } catch (const std::exception& e) {  // std::invalid_argument, or the server's runtime_error
    std::fprintf(stderr, "automl-worker: %s\n", e.what());
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);  // before any thread: webhook POSTs
  g_worker = worker.get();
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return worker->run();
}
