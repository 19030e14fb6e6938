// harness.cpp — database set-up and worker processes for the integration tests.
#include "harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

namespace automl_it {
namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string worker_binary() { return env_or("AUTOML_WORKER", AUTOML_WORKER_PATH); }

}  // namespace

const std::string& dsn() {
  static const std::string value = "host=" + env_or("PGHOST", "127.0.0.1") +
                                   " port=" + env_or("PGPORT", "5432") +
                                   " user=" + env_or("PGUSER", "postgres") + " dbname=automl_it";
  return value;
}

void recreate_database() {
  pqxx::connection admin("host=" + env_or("PGHOST", "127.0.0.1") +
                         " port=" + env_or("PGPORT", "5432") +
                         " user=" + env_or("PGUSER", "postgres") + " dbname=postgres");
  pqxx::nontransaction tx(admin);
  tx.exec0("DROP DATABASE IF EXISTS automl_it WITH (FORCE)");
  tx.exec0("CREATE DATABASE automl_it");
  pqxx::connection db(dsn());
  pqxx::nontransaction t2(db);
  t2.exec0("CREATE EXTENSION pg_automl");
}

WorkerProcess::WorkerProcess(std::vector<std::string> args, bool with_dsn, bool with_log) {
  if (with_dsn) {
    args.insert(args.begin(), dsn());
    args.insert(args.begin(), "--dsn");
  }
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  const std::string binary = worker_binary();
  pid_ = fork();
  if (pid_ == 0) {
    // A worker must not outlive a crashed test binary: it would hold the log pipe open.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    dup2(pipe_fds[1], STDOUT_FILENO);
    if (with_log) dup2(pipe_fds[1], STDERR_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  stdout_fd_ = pipe_fds[0];
  fcntl(stdout_fd_, F_SETFL, O_NONBLOCK);
}

std::optional<int> WorkerProcess::wait_exit(double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  char buffer[4096];
  while (!exited_) {
    ssize_t n;
    while ((n = read(stdout_fd_, buffer, sizeof buffer)) > 0)
      output_.append(buffer, static_cast<size_t>(n));
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      while ((n = read(stdout_fd_, buffer, sizeof buffer)) > 0)
        output_.append(buffer, static_cast<size_t>(n));
      break;
    }
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_code_;
}

WorkerProcess::~WorkerProcess() {
  if (!exited_) {
    signal(SIGKILL);
    wait_exit(10);
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

pqxx::result query(const std::string& sql) {
  pqxx::connection conn(dsn());
  pqxx::work tx(conn);
  pqxx::result r = tx.exec(sql);
  tx.commit();
  return r;
}

pqxx::row one(const std::string& sql) {
  pqxx::connection conn(dsn());
  pqxx::work tx(conn);
  pqxx::row r = tx.exec1(sql);
  tx.commit();
  return r;
}

bool eventually(const std::string& sql, double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  pqxx::connection conn(dsn());
  while (std::chrono::steady_clock::now() < until) {
    pqxx::nontransaction tx(conn);
    if (tx.exec1(sql)[0].as<bool>()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool worker_registered(const std::string& name, double seconds) {
  pqxx::connection conn(dsn());
  return eventually(
      "SELECT EXISTS (SELECT 1 FROM automl.workers WHERE id = " + conn.quote(name) + ")", seconds);
}

bool within(double seconds, const std::function<bool()>& ready) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

Listening::Listening() {
  fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof a;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), size) != 0 || listen(fd, 1) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size) != 0)
    throw std::runtime_error("cannot listen on a loopback port");
  port = ntohs(a.sin_port);
}

Listening::~Listening() { close(fd); }

int free_port() { return Listening().port; }

std::optional<HttpReply> http_get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(5, 0);
  const auto res = client.Get(path.c_str());
  if (!res) return std::nullopt;
  return HttpReply{res->status, res->body, res->get_header_value("Content-Type")};
}

}  // namespace automl_it
