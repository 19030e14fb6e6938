// main.cpp — automl-worker: runs pg_automl's queued jobs. See docs/ and --help.
#include <csignal>

#include "options.hpp"
#include "worker.hpp"

namespace {
automl_worker::Worker* g_worker = nullptr;

extern "C" void on_stop_signal(int) {
  if (g_worker) g_worker->stop();
}
}  // namespace

int main(int argc, char** argv) {
  int exit_code = 0;
  auto options = automl_worker::parse_options(argc, argv, exit_code);
  if (!options) return exit_code;
  automl_worker::Worker worker(*options);
  g_worker = &worker;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return worker.run();
}
