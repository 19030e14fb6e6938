// rescuer_test.cpp — the rescue of stale jobs runs on one worker at a time: the
// leader holds a session-level advisory lock, and when it dies the lock goes with
// its session and another worker takes over.
#include <chrono>
#include <thread>

#include "harness.hpp"

namespace automl_it {
namespace {

class RescuerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { recreate_database(); }
  void SetUp() override { query("DELETE FROM automl.jobs WHERE status IN ('queued', 'running')"); }

  // The workers whose rescuer holds the leader's lock (key -1 in the job locks' space).
  static std::vector<std::string> leaders() {
    std::vector<std::string> names;
    for (const auto& row :
         query("SELECT substr(a.application_name, length('automl-worker rescuer ') + 1) FROM "
               "pg_locks l "
               "JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND l.granted "
               "AND l.classid::bigint = automl_internal._job_lock_space() AND l.objid::bigint = "
               "4294967295 "
               "AND l.objsubid = 2 ORDER BY 1"))
      names.push_back(row[0].as<std::string>());
    return names;
  }
  static bool led_by(const std::string& name, double seconds) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
      if (leaders() == std::vector<std::string>{name}) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  // A job that a worker named "ghost" claimed and stopped heartbeating for: queued
  // far in the future (no live worker claims it), then made to look claimed and stale.
  static long long stale_job() {
    const long long id = one("INSERT INTO automl.jobs (kind, spec, max_attempts, run_after) "
                             "VALUES ('noop', '{}', 1, now() + interval '1 day') RETURNING id")[0]
                             .as<long long>();
    query(
        "UPDATE automl.jobs SET status = 'running', worker = 'ghost', attempts = 1, lease = 1, "
        "started_at = now(), heartbeat_at = now() - interval '1 hour' WHERE id = " +
        std::to_string(id));
    return id;
  }
  static bool rescued(long long id, double seconds = 15) {
    return eventually(
        "SELECT status = 'failed' AND message = 'failed after 1 attempt(s)' FROM automl.jobs WHERE "
        "id = " +
            std::to_string(id),
        seconds);
  }
};

const std::vector<std::string> kFast = {"--heartbeat-interval", "0.3", "--rescue-after", "1.5",
                                        "--poll-interval",      "0.2"};

std::vector<std::string> fast(const std::string& name) {
  auto args = kFast;
  args.insert(args.end(), {"--name", name});
  return args;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(RescuerTest, OnlyTheLeaderRescuesAndAnotherTakesOverWhenItDies) {
  WorkerProcess first(fast("first"), true, true);
  ASSERT_TRUE(worker_registered("first"));
  ASSERT_TRUE(led_by("first", 10));
  WorkerProcess second(fast("second"), true, true);
  ASSERT_TRUE(worker_registered("second"));
  // "second" tries to lead every second (--rescue-after 1.5 / 4, at least 1 s).
  for (int i = 0; i < 25; ++i) {
    ASSERT_EQ(leaders(), std::vector<std::string>{"first"});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const long long before = stale_job();
  ASSERT_TRUE(rescued(before));
  EXPECT_EQ(
      one("SELECT errors->0->>'error' FROM automl.jobs WHERE id = " + std::to_string(before))[0]
          .as<std::string>(),
      "worker ghost stopped heartbeating");

  // The leader crashes: its lock goes with its session, and "second" leads.
  first.signal(SIGKILL);
  ASSERT_TRUE(first.wait_exit(10).has_value());
  ASSERT_TRUE(led_by("second", 10));
  const long long after = stale_job();
  ASSERT_TRUE(rescued(after));

  second.signal(SIGTERM);
  ASSERT_EQ(second.wait_exit(20), 0);
  // Each rescued exactly one job, and each led once: "second" not before "first" died.
  EXPECT_EQ(count(first.output(), "this worker leads the rescue"), 1u) << first.output();
  EXPECT_EQ(count(first.output(), "rescued 1 job(s)"), 1u) << first.output();
  EXPECT_EQ(count(second.output(), "this worker leads the rescue"), 1u) << second.output();
  EXPECT_EQ(count(second.output(), "rescued 1 job(s)"), 1u) << second.output();
}

TEST_F(RescuerTest, ALeaderThatStopsLetsAnotherLead) {
  WorkerProcess first(fast("first"), true, true);
  ASSERT_TRUE(worker_registered("first"));
  ASSERT_TRUE(led_by("first", 10));
  WorkerProcess second(fast("second"), true, true);
  ASSERT_TRUE(worker_registered("second"));
  first.signal(SIGTERM);
  ASSERT_EQ(first.wait_exit(20), 0);
  ASSERT_TRUE(led_by("second", 10));
  ASSERT_TRUE(rescued(stale_job()));
}

TEST_F(RescuerTest, AHungLeaderDoesNotStopTheRescue) {
  WorkerProcess first(fast("first"), true, true);
  ASSERT_TRUE(worker_registered("first"));
  ASSERT_TRUE(led_by("first", 10));
  WorkerProcess second(fast("second"), true, true);
  ASSERT_TRUE(worker_registered("second"));
  // Stopped, not dead: its session and lock live on, its rescuer is silent.
  first.signal(SIGSTOP);
  const long long id = stale_job();
  EXPECT_TRUE(rescued(id, 40)) << "rescued once the leader's session was idle for 10 s";
  EXPECT_EQ(leaders(), std::vector<std::string>{"first"});
  first.signal(SIGCONT);
  second.signal(SIGTERM);
  ASSERT_EQ(second.wait_exit(20), 0);
  EXPECT_EQ(count(second.output(), "this worker leads the rescue"), 0u) << second.output();
  EXPECT_EQ(count(second.output(), "rescued 1 job(s)"), 1u) << second.output();
}

}  // namespace
}  // namespace automl_it
