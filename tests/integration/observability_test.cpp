// observability_test.cpp — automl-worker as its operators watch it: /metrics (checked
// by promtool), /healthz, json log lines, application_name in pg_stat_activity, the
// row in automl.workers coming back after a DELETE, retries and reconnects counted,
// and a taken metrics port.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "harness.hpp"

namespace automl_it {
namespace {

const char* kPromtool = "/usr/bin/promtool";

// The value of one sample line ("name{labels} value") of a scrape; -1 when absent.
double sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  return -1;
}

// promtool's verdict on a scrape: its exit code and what it printed.
std::pair<int, std::string> promtool_check(const std::string& text) {
  char path[] = "/tmp/automl_metrics_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  close(fd);
  std::ofstream(path) << text;
  std::string out;
  FILE* pipe = popen((std::string(kPromtool) + " check metrics < " + path + " 2>&1").c_str(), "r");
  char buffer[512];
  while (pipe && fgets(buffer, sizeof buffer, pipe)) out += buffer;
  const int status = pipe ? pclose(pipe) : -1;
  unlink(path);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// Every line of a json-format worker's log, parsed; a line that does not parse or
// lacks one of the six keys fails the test.
std::vector<nlohmann::json> json_lines(const std::string& log) {
  std::vector<nlohmann::json> out;
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "not one JSON object: " << line;
    if (j.is_discarded()) continue;
    for (const char* key : {"time", "level", "worker", "job", "event", "message"})
      EXPECT_TRUE(j.contains(key)) << key << " missing: " << line;
    EXPECT_EQ(j.size(), 6u) << line;
    out.push_back(j);
  }
  return out;
}

bool has_event(const std::vector<nlohmann::json>& lines, const std::string& event,
               long long job = 0) {
  for (const auto& j : lines)
    if (j.value("event", "") == event && (job == 0 || j["job"] == job)) return true;
  return false;
}

class ObservabilityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    recreate_database();
    query(
        "CREATE TABLE obs_points AS SELECT i::float8 AS x, (3 * i + 1)::float8 AS y "
        "FROM generate_series(1, 200) i");
  }
  void SetUp() override { query("DELETE FROM automl.jobs WHERE status IN ('queued', 'running')"); }

  static long long train(const std::string& project, const std::string& relation) {
    return one("SELECT automl.train(" + quote(project) + ", " + quote(relation) +
               ", 'y', algorithm => 'linear')")[0]
        .as<long long>();
  }
  static std::string quote(const std::string& text) {
    pqxx::connection conn(dsn());
    return conn.quote(text);
  }
  static bool job_is(long long id, const std::string& status) {
    return eventually(
        "SELECT status = " + quote(status) + " FROM automl.jobs WHERE id = " + std::to_string(id),
        60);
  }
};

// One worker, a job that succeeds and one that fails: the counters and histograms
// move for kind "train", promtool accepts the scrape, and every log line is JSON.
TEST_F(ObservabilityTest, MetricsCountJobsAndEveryLogLineIsJson) {
  ASSERT_EQ(access(kPromtool, X_OK), 0) << kPromtool << " is missing (Debian package prometheus)";
  const int port = free_port();
  WorkerProcess worker({"--name", "obs-metrics", "--metrics-address",
                        "127.0.0.1:" + std::to_string(port), "--log-format", "json"},
                       true, true);
  std::optional<HttpReply> before;
  ASSERT_TRUE(within(20, [&] { return (before = http_get(port, "/metrics")).has_value(); }));
  EXPECT_EQ(before->status, 200);
  EXPECT_EQ(before->content_type.rfind("text/plain; version=0.0.4", 0), 0u) << before->content_type;
  const std::string started = "automl_worker_jobs_started_total{kind=\"train\"}";
  const std::string succeeded = "automl_worker_jobs_succeeded_total{kind=\"train\"}";
  const std::string failed = "automl_worker_jobs_failed_total{kind=\"train\"}";
  const std::string durations = "automl_worker_job_duration_seconds_count{kind=\"train\"}";
  EXPECT_EQ(sample(before->body, started), 0);

  const long long ok = train("obs_ok", "obs_points");
  ASSERT_TRUE(job_is(ok, "succeeded"));
  // A query that fails as it runs, with a multi-line message, DETAIL and HINT.
  query(
      "CREATE FUNCTION obs_boom() RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RAISE "
      "EXCEPTION E'boom: first line\\nsecond line' USING DETAIL = 'the detail', HINT = 'a hint'; "
      "END $$");
  query("GRANT EXECUTE ON FUNCTION obs_boom() TO PUBLIC");
  const long long bad = train("obs_bad", "SELECT x,\n y FROM obs_points WHERE obs_boom()");
  ASSERT_TRUE(job_is(bad, "failed"))
      << one("SELECT error FROM automl.jobs WHERE id = " + std::to_string(bad))[0].c_str();

  HttpReply after;
  ASSERT_TRUE(within(10, [&] {
    const auto r = http_get(port, "/metrics");
    if (r) after = *r;
    return r && sample(after.body, failed) >= 1 &&
           sample(after.body, "automl_worker_heartbeats_total") >= 1;
  })) << after.body;
  EXPECT_GE(sample(after.body, started), 2);
  EXPECT_GE(sample(after.body, succeeded), 1);
  EXPECT_GE(sample(after.body, durations), 2);
  for (const char* phase : {"read", "train", "store"})
    EXPECT_GE(sample(after.body, std::string("automl_worker_job_phase_duration_seconds_count{kind="
                                             "\"train\",phase=\"") +
                                     phase + "\"}"),
              1)
        << phase;
  EXPECT_GE(sample(after.body, "automl_worker_claim_latency_seconds_count"), 2);
  EXPECT_GT(sample(after.body, "automl_worker_resident_memory_bytes"), 0);
  EXPECT_EQ(sample(after.body, "automl_worker_up"), 1);
  EXPECT_EQ(sample(after.body, "automl_worker_info{version=\"0.2.0\",worker=\"obs-metrics\"}"), 1);
  EXPECT_GE(sample(after.body, "automl_worker_queue_depth"), 0);
  const auto [code, problems] = promtool_check(after.body);
  EXPECT_EQ(code, 0) << problems;
  EXPECT_EQ(problems, "") << "promtool lint: " << problems;

  worker.signal(SIGTERM);
  ASSERT_EQ(worker.wait_exit(30), 0) << worker.output();
  const auto lines = json_lines(worker.output());
  EXPECT_TRUE(has_event(lines, "claimed", ok));
  EXPECT_TRUE(has_event(lines, "succeeded", ok));
  EXPECT_TRUE(has_event(lines, "claimed", bad));
  EXPECT_TRUE(has_event(lines, "failed", bad)) << worker.output();
  EXPECT_TRUE(has_event(lines, "registered"));
  EXPECT_TRUE(has_event(lines, "stopping"));
  for (const auto& j : lines) {
    EXPECT_EQ(j["worker"], "obs-metrics");
    EXPECT_TRUE(j["level"] == "info" || j["level"] == "warning" || j["level"] == "error") << j;
    EXPECT_EQ(j["time"].get<std::string>().size(), 24u) << "RFC 3339, ms, UTC: " << j;
    if (j["event"] == "failed") {
      EXPECT_EQ(j["level"], "error");
    }
  }
}

// /healthz is 200 while the worker serves; its connections say who they are; a
// deleted automl.workers row comes back at the next heartbeat, logged as reregistered.
TEST_F(ObservabilityTest, HealthApplicationNameAndReregistration) {
  const int port = free_port();
  WorkerProcess worker(
      {"--name", "obs-health", "--metrics-address", "127.0.0.1:" + std::to_string(port),
       "--log-format", "json", "--heartbeat-interval", "0.5"},
      true, true);
  HttpReply health;
  ASSERT_TRUE(within(20,
                     [&] {
                       const auto r = http_get(port, "/healthz");
                       if (r) health = *r;
                       return r && r->status == 200;
                     }))
      << health.status << " " << health.body;
  EXPECT_EQ(health.content_type, "application/json");
  const auto body = nlohmann::json::parse(health.body);
  EXPECT_EQ(body["connected"], true);
  EXPECT_EQ(body["registered"], true);
  EXPECT_EQ(body["paused"], false);
  EXPECT_EQ(body["worker"], "obs-health");

  // control, runner, rescuer and webhooks: each names itself from its first query.
  const std::string purposes =
      "SELECT coalesce(string_agg(split_part(application_name, ' ', 2), ',' ORDER BY "
      "application_name), '') AS purposes FROM pg_stat_activity WHERE application_name LIKE "
      "'automl-worker % obs-health'";
  EXPECT_TRUE(eventually(
      "SELECT purposes = 'control,rescuer,runner,webhooks' FROM (" + purposes + ") p", 20))
      << one(purposes)[0].c_str();
  // An application_name of the --dsn wins.
  {
    WorkerProcess own({"--dsn", dsn() + " application_name=obs-own", "--name", "obs-own"}, false);
    EXPECT_TRUE(eventually(
        "SELECT count(*) = 4 FROM pg_stat_activity WHERE application_name = 'obs-own'", 20));
    own.signal(SIGTERM);
    EXPECT_EQ(own.wait_exit(30), 0);
  }

  query("DELETE FROM automl.workers WHERE id = 'obs-health'");
  EXPECT_TRUE(worker_registered("obs-health", 10)) << "the row came back";
  ASSERT_TRUE(within(10, [&] {
    worker.wait_exit(0);  // takes in what the worker logged so far
    return worker.output().find("\"event\":\"reregistered\"") != std::string::npos;
  })) << worker.output();
  worker.signal(SIGTERM);
  ASSERT_EQ(worker.wait_exit(30), 0) << worker.output();
  const auto lines = json_lines(worker.output());
  EXPECT_TRUE(has_event(lines, "reregistered"));
}

// A job that fails once and is queued again counts as retried; connections the server
// ends count as reconnects, and the worker goes on claiming over new ones.
TEST_F(ObservabilityTest, RetriesAndReconnectsAreCounted) {
  const int port = free_port();
  WorkerProcess worker({"--name", "obs-retry", "--metrics-address",
                        "127.0.0.1:" + std::to_string(port), "--heartbeat-interval", "0.3",
                        "--poll-interval", "0.2"});
  ASSERT_TRUE(worker_registered("obs-retry", 20));
  const std::string retried = "automl_worker_jobs_retried_total{kind=\"noop\"}";
  const std::string reconnects = "automl_worker_reconnects_total";
  std::optional<HttpReply> scrape;
  ASSERT_TRUE(within(20, [&] { return (scrape = http_get(port, "/metrics")).has_value(); }));
  EXPECT_LE(sample(scrape->body, retried), 0) << "absent or zero before any retry";
  EXPECT_EQ(sample(scrape->body, reconnects), 0);

  const long long flaky = one("INSERT INTO automl.jobs (kind, spec, max_attempts) VALUES ('noop', "
                              "'{\"fail_attempts\": 1}', 3) RETURNING id")[0]
                              .as<long long>();
  EXPECT_TRUE(within(20, [&] {
    scrape = http_get(port, "/metrics");
    return scrape && sample(scrape->body, retried) == 1;
  })) << (scrape ? scrape->body : "no scrape");
  ASSERT_TRUE(job_is(flaky, "succeeded"));
  EXPECT_EQ(
      one("SELECT attempts FROM automl.jobs WHERE id = " + std::to_string(flaky))[0].as<int>(), 2);

  const std::string connections =
      " FROM pg_stat_activity WHERE application_name LIKE 'automl-worker % obs-retry'";
  ASSERT_TRUE(eventually("SELECT count(*) = 4" + connections, 20))
      << "control, runner, rescuer and webhooks";
  EXPECT_EQ(one("SELECT count(pg_terminate_backend(pid))" + connections)[0].as<int>(), 4);
  EXPECT_TRUE(within(20, [&] {
    scrape = http_get(port, "/metrics");
    return scrape && sample(scrape->body, reconnects) >= 1;
  })) << (scrape ? scrape->body : "no scrape");
  const long long after =
      one("INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{}') RETURNING id")[0]
          .as<long long>();
  EXPECT_TRUE(job_is(after, "succeeded")) << "the worker claims over its new connections";
  worker.signal(SIGTERM);
  EXPECT_EQ(worker.wait_exit(30), 0);
}

// Without a database /healthz answers 503, and a connection error that libpq writes
// on several lines is still one JSON line.
TEST_F(ObservabilityTest, UnreachableDatabaseIsUnhealthyAndLogsOneLinePerError) {
  const int port = free_port();
  WorkerProcess worker(
      {"--dsn",
       "host=127.0.0.1 port=" + std::to_string(free_port()) + " dbname=nowhere connect_timeout=2",
       "--name", "obs-down", "--metrics-address", "127.0.0.1:" + std::to_string(port),
       "--log-format", "json"},
      false, true);
  HttpReply health;
  ASSERT_TRUE(within(20, [&] {
    const auto r = http_get(port, "/healthz");
    if (r) health = *r;
    return r.has_value();
  }));
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(nlohmann::json::parse(health.body)["connected"], false);
  ASSERT_TRUE(within(10, [&] {
    worker.wait_exit(0);
    return worker.output().find("\"event\":\"connect_failed\"") != std::string::npos;
  })) << worker.output();
  worker.signal(SIGTERM);
  ASSERT_EQ(worker.wait_exit(30), 0) << worker.output();
  bool multi_line_message = false;
  for (const auto& j : json_lines(worker.output()))
    if (j["event"] == "connect_failed") {
      EXPECT_EQ(j["level"], "warning");
      multi_line_message |= j["message"].get<std::string>().find('\n') != std::string::npos;
    }
  EXPECT_TRUE(multi_line_message) << worker.output();
}

// A metrics port already taken (by anything, or by another worker) is a usage
// error: exit 2 with a message, before the worker claims anything.
TEST_F(ObservabilityTest, TakenMetricsPortExitsWithTwo) {
  const Listening taken;
  WorkerProcess worker({"--metrics-address", "127.0.0.1:" + std::to_string(taken.port)}, true,
                       true);
  EXPECT_EQ(worker.wait_exit(20), 2) << worker.output();
  EXPECT_NE(worker.output().find("--metrics-address"), std::string::npos) << worker.output();
  EXPECT_NE(worker.output().find("Address already in use"), std::string::npos) << worker.output();

  const std::string address = "127.0.0.1:" + std::to_string(free_port());
  WorkerProcess first({"--name", "obs-port-1", "--metrics-address", address});
  ASSERT_TRUE(worker_registered("obs-port-1"));
  WorkerProcess second({"--name", "obs-port-2", "--metrics-address", address}, true, true);
  EXPECT_EQ(second.wait_exit(20), 2) << "two workers never share a port: " << second.output();
  first.signal(SIGTERM);
  EXPECT_EQ(first.wait_exit(30), 0);

  WorkerProcess malformed({"--metrics-address", "localhost"}, true, true);
  EXPECT_EQ(malformed.wait_exit(20), 2);
  EXPECT_NE(malformed.output().find("HOST:PORT"), std::string::npos) << malformed.output();
  WorkerProcess help({"--help"}, false);
  ASSERT_EQ(help.wait_exit(10), 0);
  for (const char* flag : {"--metrics-address", "--log-format"})
    EXPECT_NE(help.output().find(flag), std::string::npos) << flag;
}

}  // namespace
}  // namespace automl_it
