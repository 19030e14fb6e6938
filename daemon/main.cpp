// main.cpp — automl-worker: runs pg_automl's queued jobs. See docs/ and --help.
#include <csignal>
#include <cstdio>
#include <memory>
#include <stdexcept>

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
  std::unique_ptr<automl_worker::Worker> worker;
  try {
    worker = std::make_unique<automl_worker::Worker>(*options);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "automl-worker: %s\n", e.what());
    return 2;
  }
  g_worker = worker.get();
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return worker->run();
}
