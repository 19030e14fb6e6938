// pause_test.cpp — automl.pause_queue / resume_queue with a live worker: a job that is
// running when the whole queue is paused finishes, one queued after the pause is not
// claimed until resume_queue, and /healthz answers 503 ("paused") meanwhile.
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "harness.hpp"

namespace automl_it {
namespace {

class PauseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { recreate_database(); }
  void SetUp() override {
    query("DELETE FROM automl.jobs WHERE status IN ('queued', 'running')");
    query("DELETE FROM automl.queue_pauses");
  }
  void TearDown() override { query("DELETE FROM automl.queue_pauses"); }

  static long long insert_noop(const std::string& spec) {
    return one("INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '" + spec +
               "') RETURNING id")[0]
        .as<long long>();
  }
  static std::string where(long long id) {
    return " FROM automl.jobs WHERE id = " + std::to_string(id);
  }
  // Polls /healthz until it answers `status`; the last reply in `reply`.
  static bool health_is(int port, int status, HttpReply& reply) {
    return within(20, [&] {
      const auto r = http_get(port, "/healthz");
      if (r) reply = *r;
      return r && r->status == status;
    });
  }
};

TEST_F(PauseTest, RunningJobFinishesQueuedJobWaitsForResumeHealthzSaysPaused) {
  const int port = free_port();
  // Two slots: the held job has a free one while the first runs and after it ends.
  WorkerProcess worker({"--name", "pause-live", "--concurrency", "2", "--metrics-address",
                        "127.0.0.1:" + std::to_string(port), "--heartbeat-interval", "0.3",
                        "--poll-interval", "0.2"});
  HttpReply health;
  ASSERT_TRUE(health_is(port, 200, health)) << health.status << " " << health.body;
  EXPECT_EQ(nlohmann::json::parse(health.body)["paused"], false);

  const long long running = insert_noop("{\"seconds\": 3}");
  ASSERT_TRUE(eventually("SELECT status = 'running'" + where(running), 10));
  const std::string paused_at =
      one("SELECT clock_timestamp()::text FROM automl.pause_queue(NULL) p WHERE p")[0]
          .as<std::string>();
  const long long held = insert_noop("{}");

  ASSERT_TRUE(health_is(port, 503, health)) << health.status << " " << health.body;
  const auto body = nlohmann::json::parse(health.body);
  EXPECT_EQ(body["paused"], true);
  EXPECT_EQ(body["connected"], true);
  EXPECT_EQ(body["registered"], true);

  ASSERT_TRUE(eventually("SELECT status = 'succeeded'" + where(running), 20))
      << "a running job finishes while the queue is paused";
  const auto r = one("SELECT attempts, worker, finished_at > '" + paused_at + "'" + where(running));
  EXPECT_EQ(r[0].as<int>(), 1);
  EXPECT_EQ(r[1].as<std::string>(), "pause-live");
  EXPECT_TRUE(r[2].as<bool>()) << "it ended after the pause";

  // Both slots free, polls every 0.2 s and the INSERT's NOTIFY: still not claimed.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(one("SELECT status || ' ' || attempts" + where(held))[0].as<std::string>(), "queued 0");
  EXPECT_EQ(http_get(port, "/healthz").value_or(HttpReply{}).status, 503);

  const std::string resumed_at =
      one("SELECT clock_timestamp()::text FROM automl.resume_queue(NULL) r WHERE r")[0]
          .as<std::string>();
  ASSERT_TRUE(eventually("SELECT status = 'succeeded'" + where(held), 10));
  EXPECT_TRUE(one("SELECT started_at > '" + resumed_at + "'" + where(held))[0].as<bool>())
      << "claimed only after resume_queue";
  ASSERT_TRUE(health_is(port, 200, health)) << health.status << " " << health.body;
  EXPECT_EQ(nlohmann::json::parse(health.body)["paused"], false);

  worker.signal(SIGTERM);
  EXPECT_EQ(worker.wait_exit(30), 0);
}

}  // namespace
}  // namespace automl_it
