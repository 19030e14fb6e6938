// harness.hpp — what the integration tests share: a fresh database with the
// extension, and automl-worker child processes.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>

#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace automl_it {

// The database every test in this binary uses; dropped and created once per run.
const std::string& dsn();
void recreate_database();

// One automl-worker process, started with the test database's --dsn; with_log: its
// log (stderr) is captured with its output.
class WorkerProcess {
 public:
  explicit WorkerProcess(std::vector<std::string> args, bool with_dsn = true,
                         bool with_log = false);
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  void signal(int sig) const { ::kill(pid_, sig); }
  // Waits up to `seconds` for the process to exit; its exit code, or nullopt.
  std::optional<int> wait_exit(double seconds);
  // Everything it wrote to stdout, and its log with with_log (after it exited).
  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  bool exited_ = false;
  int exit_code_ = -1;
  std::string output_;
};

// Runs one statement in its own transaction and returns the result.
pqxx::result query(const std::string& sql);
// The same for a statement that must return exactly one row (else it throws).
pqxx::row one(const std::string& sql);
// Polls until `sql` returns true, up to `seconds`.
bool eventually(const std::string& sql, double seconds);
// Waits until the worker named `name` is listening: it registers in automl.workers
// on its control connection right after LISTEN.
bool worker_registered(const std::string& name, double seconds = 10);

// Polls until `ready()` holds, up to `seconds`.
bool within(double seconds, const std::function<bool()>& ready);

// A TCP socket listening on 127.0.0.1 at a port the kernel picked; closed with the object.
struct Listening {
  int fd = -1;
  int port = 0;
  Listening();
  ~Listening();
  Listening(const Listening&) = delete;
  Listening& operator=(const Listening&) = delete;
};
// A loopback port nothing listens on now (for a worker's --metrics-address).
int free_port();

struct HttpReply {
  int status = 0;
  std::string body;
  std::string content_type;
};
// GET http://127.0.0.1:port/path; nullopt when nothing answers.
std::optional<HttpReply> http_get(int port, const std::string& path);

}  // namespace automl_it
