// queue_test.cpp — the queue's guarantees under failure, with real worker processes:
// no job is lost (kill -9, PostgreSQL restart, SIGTERM) and none takes effect twice
// (lease fencing, many workers).
#include <chrono>
#include <cstdlib>
#include <thread>

#include "harness.hpp"

namespace automl_it {
namespace {

class QueueTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { recreate_database(); }
  void SetUp() override { query("DELETE FROM automl.jobs WHERE status IN ('queued', 'running')"); }

  static long long insert_noop(const std::string& spec, int max_attempts = 3) {
    return one("INSERT INTO automl.jobs (kind, spec, max_attempts) VALUES ('noop', '" + spec +
               "', " + std::to_string(max_attempts) + ") RETURNING id")[0]
        .as<long long>();
  }
  static std::string status_of(long long id) {
    return one("SELECT status FROM automl.jobs WHERE id = " + std::to_string(id))[0]
        .as<std::string>();
  }
  static std::string where(long long id) {
    return " FROM automl.jobs WHERE id = " + std::to_string(id);
  }
};

// Fast heartbeats and rescue so the tests take seconds, not minutes.
const std::vector<std::string> kFast = {"--heartbeat-interval", "0.3", "--rescue-after", "1.5",
                                        "--poll-interval",      "0.2"};

std::vector<std::string> fast(std::vector<std::string> extra = {}) {
  auto args = kFast;
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST_F(QueueTest, KilledWorkersJobIsRescuedAndRunByAnother) {
  const long long id = insert_noop("{\"seconds\": 1.5}");
  {
    WorkerProcess doomed(fast({"--name", "doomed"}));
    ASSERT_TRUE(eventually("SELECT status = 'running'" + where(id), 10));
    doomed.signal(SIGKILL);
    doomed.wait_exit(5);
  }
  WorkerProcess rescuer(fast({"--name", "rescuer"}));
  ASSERT_TRUE(eventually("SELECT status = 'succeeded'" + where(id), 30));
  const auto r =
      one("SELECT attempts, worker, errors->0->>'error', jsonb_array_length(errors)" + where(id));
  EXPECT_EQ(r[0].as<int>(), 2);
  EXPECT_EQ(r[1].as<std::string>(), "rescuer");
  EXPECT_EQ(r[2].as<std::string>(), "worker doomed stopped heartbeating");
  EXPECT_EQ(r[3].as<int>(), 1);
  // The dead worker is forgotten once its heartbeat is stale.
  EXPECT_TRUE(
      eventually("SELECT NOT EXISTS (SELECT 1 FROM automl.workers WHERE id = 'doomed')", 10));
}

TEST_F(QueueTest, AWorkerThatLostItsClaimCannotFinishTheJob) {
  // The worker heartbeats rarely, so it does not notice that its claim was taken.
  WorkerProcess slow({"--heartbeat-interval", "60", "--rescue-after", "600", "--name", "slow"});
  const long long id = insert_noop("{\"seconds\": 1.5}");
  ASSERT_TRUE(eventually("SELECT status = 'running'" + where(id), 10));
  // Declare it stale and let "thief" claim it, as a rescuer and another worker would.
  {  // One transaction: the worker's own heartbeat cannot refresh the row in between, and
     // the rescue's NOTIFY goes out at commit, after "thief" holds the job.
    pqxx::connection conn(dsn());
    pqxx::work tx(conn);
    tx.exec0("UPDATE automl.jobs SET heartbeat_at = now() - interval '1 hour' WHERE id = " +
             std::to_string(id));
    ASSERT_EQ(
        tx.exec1("SELECT automl_internal._rescue_stale_jobs(interval '1 minute')")[0].as<int>(), 1);
    ASSERT_EQ(tx.exec1("SELECT id FROM automl_internal._claim_job('thief')")[0].as<long long>(),
              id);
    tx.commit();
  }
  std::this_thread::sleep_for(
      std::chrono::milliseconds(2500));  // "slow" wakes up and tries to finish
  const auto r = one("SELECT status, worker, attempts, result IS NULL" + where(id));
  EXPECT_EQ(r[0].as<std::string>(), "running") << "the fenced worker must not complete the job";
  EXPECT_EQ(r[1].as<std::string>(), "thief");
  EXPECT_EQ(r[2].as<int>(), 2);
  EXPECT_TRUE(r[3].as<bool>());
  query("UPDATE automl.jobs SET status = 'cancelled' WHERE id = " + std::to_string(id));
}

TEST_F(QueueTest, SigtermFinishesShortJobsAndReleasesLongOnes) {
  const long long long_job = insert_noop("{\"seconds\": 60}");
  WorkerProcess worker(fast({"--grace-period", "1", "--name", "leaving"}));
  ASSERT_TRUE(eventually("SELECT status = 'running'" + where(long_job), 10));
  ASSERT_TRUE(worker_registered("leaving"));
  worker.signal(SIGTERM);
  EXPECT_EQ(worker.wait_exit(15), 0);
  const auto r = one("SELECT status, attempts, worker IS NULL, message" + where(long_job));
  EXPECT_EQ(r[0].as<std::string>(), "queued") << "released, not lost and not failed";
  EXPECT_EQ(r[1].as<int>(), 0) << "a release does not use up an attempt";
  EXPECT_TRUE(r[2].as<bool>());
  EXPECT_EQ(r[3].as<std::string>(), "released: worker shutting down");
  EXPECT_TRUE(
      one("SELECT NOT EXISTS (SELECT 1 FROM automl.workers WHERE id = 'leaving')")[0].as<bool>());
  query("SELECT automl.cancel(" + std::to_string(long_job) + ")");
}

TEST_F(QueueTest, WorkerSurvivesAPostgresRestart) {
  const char* restart = std::getenv("AUTOML_RESTART_POSTGRES");
  ASSERT_NE(restart, nullptr) << "scripts/test.sh sets AUTOML_RESTART_POSTGRES";
  WorkerProcess worker(fast());
  const long long before = insert_noop("{}");
  ASSERT_TRUE(eventually("SELECT status = 'succeeded'" + where(before), 10));
  ASSERT_EQ(std::system(restart), 0);
  long long after = 0;
  for (int i = 0; i < 100 && after == 0; ++i) {  // the server takes a moment to accept again
    try {
      after = insert_noop("{}");
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ASSERT_NE(after, 0);
  EXPECT_TRUE(eventually("SELECT status = 'succeeded'" + where(after), 30))
      << "the worker reconnects by itself and keeps going";
  worker.signal(SIGTERM);
  EXPECT_EQ(worker.wait_exit(15), 0);
}

TEST_F(QueueTest, ManyWorkersRunEveryJobExactlyOnce) {
  query(
      "CREATE TABLE IF NOT EXISTS lines AS SELECT i::float8 AS x, 3.0 * i + 1 AS y FROM "
      "generate_series(1, 200) i");
  query("INSERT INTO automl.jobs (kind, spec) SELECT 'noop', '{}' FROM generate_series(1, 300)");
  query(
      "INSERT INTO automl.jobs (kind, project, spec) SELECT 'train', 'lines_' || i, "
      "'{\"relation\": \"lines\", \"target\": \"y\", \"algorithm\": \"linear\"}' FROM "
      "generate_series(1, 12) i");
  {
    WorkerProcess a({"--once", "--concurrency", "2", "--name", "a"});
    WorkerProcess b({"--once", "--concurrency", "2", "--name", "b"});
    WorkerProcess c({"--once", "--concurrency", "2", "--name", "c"});
    EXPECT_EQ(a.wait_exit(60), 0);
    EXPECT_EQ(b.wait_exit(60), 0);
    EXPECT_EQ(c.wait_exit(60), 0);
  }
  const auto r =
      one("SELECT count(*), count(*) FILTER (WHERE status = 'succeeded'), max(attempts), "
          "count(DISTINCT worker) "
          "FROM automl.jobs WHERE created_at > now() - interval '5 minutes' AND worker IN ('a', "
          "'b', 'c')");
  EXPECT_EQ(r[0].as<int>(), 312);
  EXPECT_EQ(r[1].as<int>(), 312);
  EXPECT_EQ(r[2].as<int>(), 1) << "no job ran twice";
  EXPECT_GE(r[3].as<int>(), 2) << "the work was shared";
  const auto models = one(
      "SELECT count(*), count(DISTINCT job_id) FROM automl.models WHERE project LIKE 'lines\\_%'");
  EXPECT_EQ(models[0].as<int>(), 12);
  EXPECT_EQ(models[1].as<int>(), 12) << "one model per job";
}

TEST_F(QueueTest, HeartbeatsCarryProgressAndMessages) {
  WorkerProcess worker(fast({"--name", "reporter"}));
  const long long id = insert_noop("{\"seconds\": 2}");
  EXPECT_TRUE(eventually("SELECT coalesce(message LIKE 'sleeping%', false)" + where(id), 10));
  EXPECT_TRUE(eventually("SELECT heartbeat_at > started_at + interval '0.5 s'" + where(id), 10));
  EXPECT_TRUE(
      one("SELECT concurrency = 1 AND version = '0.2.0' FROM automl.workers WHERE id = 'reporter'")
          [0]
              .as<bool>());
  EXPECT_TRUE(eventually("SELECT status = 'succeeded'" + where(id), 10));
}

// automl.wait does not poll a running job: it queues on the advisory lock the job's
// worker holds, and the worker drops that lock right after the job's final commit.
TEST_F(QueueTest, WaitSleepsOnTheRunningJobsLockAndWakesWhenItEnds) {
  WorkerProcess worker(fast({"--name", "holder"}));
  const long long id = insert_noop("{\"seconds\": 1.5}");
  ASSERT_TRUE(eventually("SELECT status = 'running'" + where(id), 10));
  const std::string job_lock =
      " FROM pg_locks WHERE locktype = 'advisory' AND classid = "
      "automl_internal._job_lock_space()::oid"
      " AND objid = automl_internal._job_lock_key(" +
      std::to_string(id) + ")::oid AND objsubid = 2";
  EXPECT_TRUE(
      one("SELECT count(*) FILTER (WHERE granted AND mode = 'ExclusiveLock') = 1" + job_lock)[0]
          .as<bool>())
      << "the running worker holds the job's lock";

  std::string status;
  double woke_after_finish_ms = -1;
  std::thread waiter([&] {
    pqxx::connection conn(dsn());
    pqxx::nontransaction tx(conn);
    const auto r = tx.exec1(
        "SELECT status, extract(epoch FROM clock_timestamp() - finished_at) * 1000 "
        "FROM automl.wait(" +
        std::to_string(id) + ", '30 s')");
    status = r[0].as<std::string>();
    woke_after_finish_ms = r[1].as<double>();
  });
  EXPECT_TRUE(eventually(
      "SELECT count(*) FILTER (WHERE NOT granted AND mode = 'ShareLock') = 1" + job_lock, 10))
      << "automl.wait queues on the lock instead of polling";
  waiter.join();
  EXPECT_EQ(status, "succeeded");
  std::printf("[ measure  ] automl.wait returned %.1f ms after the job finished\n",
              woke_after_finish_ms);
  EXPECT_TRUE(eventually("SELECT count(*) = 0" + job_lock, 5)) << "the worker released the lock";
}

class DoneListener final : public pqxx::notification_receiver {
 public:
  explicit DoneListener(pqxx::connection_base& c)
      : pqxx::notification_receiver(c, "automl_job_done") {}
  void operator()(const std::string& payload, int) override { payloads.push_back(payload); }
  std::vector<std::string> payloads;
};

TEST_F(QueueTest, TerminalTransitionsAreNotified) {
  pqxx::connection listening(dsn());
  DoneListener listener(listening);
  WorkerProcess worker(fast());
  const long long ok = insert_noop("{}");
  const long long bad = insert_noop("{\"fail_attempts\": 9}", 1);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (listener.payloads.size() < 2 && std::chrono::steady_clock::now() < until)
    listening.await_notification(0, 200000);
  ASSERT_EQ(listener.payloads.size(), 2u);
  std::string all = listener.payloads[0] + listener.payloads[1];
  EXPECT_NE(all.find("\"id\" : " + std::to_string(ok) + ", \"status\" : \"succeeded\""),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("\"id\" : " + std::to_string(bad) + ", \"status\" : \"failed\""),
            std::string::npos)
      << all;
}

}  // namespace
}  // namespace automl_it
