// worker_test.cpp — automl-worker as a process: its command line, --once,
// --concurrency, SIGTERM, and a training job from INSERT to a served prediction.
#include <chrono>
#include <cstdio>

#include "harness.hpp"

namespace automl_it {
namespace {

class WorkerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { recreate_database(); }
  void SetUp() override { query("DELETE FROM automl.jobs WHERE status IN ('queued', 'running')"); }
};

TEST_F(WorkerTest, HelpVersionAndUsageErrors) {
  WorkerProcess help({"--help"}, false);
  ASSERT_EQ(help.wait_exit(10), 0);
  EXPECT_NE(help.output().find("--concurrency"), std::string::npos);
  EXPECT_NE(help.output().find("--once"), std::string::npos);
  for (const char* flag : {"--threads", "--rescue-after", "--grace-period", "--heartbeat-interval"})
    EXPECT_NE(help.output().find(flag), std::string::npos) << flag;

  WorkerProcess version({"--version"}, false);
  ASSERT_EQ(version.wait_exit(10), 0);
  EXPECT_EQ(version.output(), "automl-worker 0.2.0\n");

  WorkerProcess bad({"--no-such-flag"}, false);
  EXPECT_EQ(bad.wait_exit(10), 2);
  WorkerProcess zero({"--concurrency", "0"}, false);
  EXPECT_EQ(zero.wait_exit(10), 2);
  for (std::vector<std::string> args : {std::vector<std::string>{"--threads", "0"},
                                        {"--threads", "1.5"},
                                        {"--grace-period", "-1"},
                                        {"--rescue-after", "x"}}) {
    WorkerProcess wrong(args, false);
    EXPECT_EQ(wrong.wait_exit(10), 2) << args[0] << " " << args[1];
  }
}

TEST_F(WorkerTest, ThreadsFlagTrainsTreesWithOneCore) {
  query(
      "CREATE TABLE blocks AS SELECT i % 10 AS a, i % 7 AS b, CASE WHEN (i % 10) * (i % 7) > 20 "
      "THEN 'big' ELSE 'small' END AS size "
      "FROM generate_series(1, 600) i");
  const auto id = one("SELECT automl.train('blocks', 'blocks', 'size', algorithm => 'xgboost')")[0]
                      .as<long long>();
  WorkerProcess worker({"--once", "--threads", "1"});
  ASSERT_EQ(worker.wait_exit(60), 0);
  const auto r =
      one("SELECT status, (result->'metrics'->>'accuracy')::float8 FROM automl.jobs WHERE id = " +
          std::to_string(id));
  EXPECT_EQ(r[0].as<std::string>(), "succeeded");
  EXPECT_GT(r[1].as<double>(), 0.95);
}

TEST_F(WorkerTest, OnceDrainsTheRunnableQueueAndExits) {
  query("INSERT INTO automl.jobs (kind, spec) SELECT 'noop', '{}' FROM generate_series(1, 5)");
  query(
      "INSERT INTO automl.jobs (kind, spec, run_after) VALUES ('noop', '{}', now() + interval '1 "
      "hour')");
  WorkerProcess worker({"--once"});
  ASSERT_EQ(worker.wait_exit(30), 0);
  const auto r =
      one("SELECT count(*) FILTER (WHERE status = 'succeeded'), count(*) FILTER (WHERE status = "
          "'queued') FROM automl.jobs");
  EXPECT_GE(r[0].as<int>(), 5);
  EXPECT_EQ(r[1].as<int>(), 1) << "the job scheduled for later stays queued";
}

TEST_F(WorkerTest, ConcurrencyRunsJobsAtTheSameTime) {
  query(
      "INSERT INTO automl.jobs (kind, spec) SELECT 'noop', '{\"seconds\": 1}' FROM "
      "generate_series(1, 2)");
  WorkerProcess worker({"--once", "--concurrency", "2"});
  ASSERT_EQ(worker.wait_exit(30), 0);
  const auto r =
      one("SELECT bool_and(status = 'succeeded'), max(started_at) < min(finished_at), "
          "count(DISTINCT worker) "
          "FROM (SELECT * FROM automl.jobs ORDER BY id DESC LIMIT 2) j");
  EXPECT_TRUE(r[0].as<bool>());
  EXPECT_TRUE(r[1].as<bool>()) << "both jobs must have been running at once";
}

TEST_F(WorkerTest, SigtermStopsCleanlyAfterTheRunningJob) {
  WorkerProcess worker({});
  const auto id =
      one("INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{\"seconds\": 0.5}') RETURNING id")
          [0]
              .as<long long>();
  ASSERT_TRUE(eventually(
      "SELECT status = 'running' FROM automl.jobs WHERE id = " + std::to_string(id), 10));
  worker.signal(SIGTERM);
  EXPECT_EQ(worker.wait_exit(15), 0);
  EXPECT_EQ(
      one("SELECT status FROM automl.jobs WHERE id = " + std::to_string(id))[0].as<std::string>(),
      "succeeded")
      << "a job running at SIGTERM is finished, not abandoned";
}

TEST_F(WorkerTest, TrainingJobFromInsertToServedPrediction) {
  query(
      "CREATE TABLE blobs AS SELECT x, y, CASE WHEN x + y > 0 THEN 'right' ELSE 'left' END AS side "
      "FROM (SELECT sin(i) * 3 AS x, cos(i * 1.7) * 3 AS y FROM generate_series(1, 2000) i) s");
  WorkerProcess worker({"--name", "trainer"});
  // Let the worker reach LISTEN so we measure a wake-up, not a start-up.
  ASSERT_TRUE(worker_registered("trainer"));
  const auto t0 = std::chrono::steady_clock::now();
  const auto id =
      one("INSERT INTO automl.jobs (kind, project, spec) VALUES "
          "('train', 'blobs', '{\"relation\": \"blobs\", \"target\": \"side\"}') RETURNING id")[0]
          .as<long long>();
  ASSERT_TRUE(eventually(
      "SELECT status = 'succeeded' FROM automl.jobs WHERE id = " + std::to_string(id), 30));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto pickup =
      one("SELECT extract(epoch FROM started_at - created_at) * 1000, "
          "extract(epoch FROM finished_at - started_at) * 1000 FROM automl.jobs WHERE id = " +
          std::to_string(id));
  std::printf(
      "[ measure  ] INSERT -> succeeded %.1f ms (pickup %.1f ms, run %.1f ms) for 2000 rows\n",
      seconds * 1000, pickup[0].as<double>(), pickup[1].as<double>());

  const auto r =
      one("SELECT automl.predict_label('blobs', ARRAY[2.0, 2.0]), automl.predict_label('blobs', "
          "ARRAY[-2.0, -2.0]), "
          "(SELECT count(*) FROM automl.models WHERE job_id = " +
          std::to_string(id) +
          "), "
          "(SELECT avg((automl.predict_label('blobs', ARRAY[x, y]) = side)::int) FROM blobs)");
  EXPECT_EQ(r[0].as<std::string>(), "right");
  EXPECT_EQ(r[1].as<std::string>(), "left");
  EXPECT_EQ(r[2].as<int>(), 1) << "exactly one model per job";
  EXPECT_GT(r[3].as<double>(), 0.97);
  worker.signal(SIGTERM);
  EXPECT_EQ(worker.wait_exit(15), 0);
}

TEST_F(WorkerTest, ReconnectsAfterItsConnectionIsKilled) {
  WorkerProcess worker({"--poll-interval", "0.2", "--name", "reconnector"});
  ASSERT_TRUE(worker_registered("reconnector"));
  const auto killed =
      one("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
          "WHERE datname = 'automl_it' AND pid <> pg_backend_pid() AND backend_type = 'client "
          "backend'");
  ASSERT_GE(killed[0].as<int>(), 2) << "the runner's and the listener's connections";
  const auto id = one("INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{}') RETURNING id")[0]
                      .as<long long>();
  EXPECT_TRUE(eventually(
      "SELECT status = 'succeeded' FROM automl.jobs WHERE id = " + std::to_string(id), 20));
  worker.signal(SIGTERM);
  EXPECT_EQ(worker.wait_exit(15), 0);
}

}  // namespace
}  // namespace automl_it

namespace automl_it {
namespace {

// A deployment committed in one session is served by another session's next
// statement, with no reconnect and no cache flush.
TEST_F(WorkerTest, DeploymentInOneSessionIsServedByAnothersNextStatement) {
  query(
      "CREATE TABLE fresh AS SELECT i / 10.0 AS x, 2 * i / 10.0 + 1 AS y FROM generate_series(1, "
      "300) i");
  query("SELECT automl.train('fresh', 'fresh', 'y', algorithm => 'linear')");
  query(
      "SELECT automl.train('fresh', 'fresh', 'y', algorithm => 'ridge', hyperparams => "
      "'{\"alpha\": 1e6}', deploy => 'never')");
  WorkerProcess worker({"--once"});
  ASSERT_EQ(worker.wait_exit(60), 0);
  const std::string ridge =
      one("SELECT id FROM automl.models WHERE project = 'fresh' AND algorithm = 'ridge'")[0]
          .c_str();

  pqxx::connection serving(dsn()), admin(dsn());
  auto predict = [&] {
    pqxx::nontransaction tx(serving);
    return tx.exec1("SELECT automl.predict('fresh', ARRAY[10.0])")[0].as<double>();
  };
  const double before = predict();
  EXPECT_NEAR(before, 21.0, 1e-6);
  EXPECT_EQ(predict(), before) << "served from the backend cache";
  {
    pqxx::work tx(admin);
    tx.exec("SELECT automl.deploy('fresh', " + ridge + "::bigint)");
    tx.commit();
  }
  const double after = predict();
  EXPECT_GT(std::abs(after - before), 1.0) << "the other session's deployment must be served now";
  {
    pqxx::work tx(admin);
    tx.exec("SELECT automl.deploy('fresh', 'rollback')");
    tx.commit();
  }
  EXPECT_EQ(predict(), before);

  // Between deployments, predict reads no catalog at all: it still answers while
  // another session holds an exclusive lock on automl.deployments and automl.models.
  pqxx::work locker(admin);
  locker.exec(
      "LOCK TABLE automl.deployments, automl.models, automl.projects IN ACCESS EXCLUSIVE MODE");
  {
    pqxx::nontransaction tx(serving);
    tx.exec("SET lock_timeout = '200ms'");
  }
  EXPECT_EQ(predict(), before) << "a cached deployment must not touch the catalog";
  locker.abort();
}

}  // namespace
}  // namespace automl_it
