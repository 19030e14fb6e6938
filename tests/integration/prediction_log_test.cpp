// prediction_log_test.cpp — shadow models and the prediction log, end to end:
// predict in SQL → shared-memory ring → the "pg_automl prediction logger"
// background worker → automl.prediction_log. scripts/test.sh starts the cluster
// with shared_preload_libraries = pg_automl and automl.log_database = automl_it.
#include <cstdlib>
#include <string>
#include <thread>

#include "harness.hpp"

namespace automl_it {
namespace {

long long train(const std::string& algorithm, const std::string& deploy) {
  const auto job = one("SELECT automl.train('flowers', 'flowers', 'kind', algorithm => '" +
                       algorithm + "', deploy => '" + deploy + "')")[0]
                       .as<long long>();
  WorkerProcess worker({"--once"});
  EXPECT_EQ(worker.wait_exit(60), 0);
  return one("SELECT (result->>'model_id')::bigint FROM automl.jobs WHERE status = 'succeeded' AND "
             "id = " +
             std::to_string(job))[0]
      .as<long long>();
}

bool logger_connected() {
  return eventually(
      "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE backend_type = 'pg_automl prediction "
      "logger' "
      "AND datname = current_database())",
      30);
}

long long count(const std::string& sql) { return one(sql)[0].as<long long>(); }

class PredictionLogTest : public ::testing::Test {
 protected:
  static long long logistic, xgboost, ridge_like;

  static void SetUpTestSuite() {
    recreate_database();
    {
      pqxx::connection conn(dsn());
      pqxx::nontransaction tx(conn);
      tx.exec0("ALTER SYSTEM RESET automl.log_flush_interval");  // a test stopped half-way may have
                                                                 // left it
      tx.exec("SELECT pg_reload_conf()");
    }
    query(
        "CREATE TABLE flowers AS SELECT (i % 17)::float8 AS x1, (i % 11)::float8 AS x2, "
        "CASE WHEN (i % 17) + (i % 11) > 14 THEN 'tall' ELSE 'short' END AS kind FROM "
        "generate_series(1, 3000) i");
    logistic = train("logistic", "always");
    xgboost = train("xgboost", "never");
    ridge_like = train("logistic", "never");
  }

  void SetUp() override {
    ASSERT_TRUE(logger_connected())
        << "the logger (re)connects to automl.log_database within seconds";
    query("SELECT automl.deploy('flowers', " + std::to_string(logistic) + ")");
    query("SELECT automl.deploy_shadow('flowers', NULL)");
    query("TRUNCATE automl.prediction_log");
  }

  // Waits until the logger wrote `n` rows of the project.
  static bool logged(long long n, double seconds = 20) {
    return eventually("SELECT count(*) = " + std::to_string(n) + " FROM automl.prediction_log",
                      seconds);
  }
};
long long PredictionLogTest::logistic = 0, PredictionLogTest::xgboost = 0,
          PredictionLogTest::ridge_like = 0;

TEST_F(PredictionLogTest, ShadowRunsBesideTheServingModelAndIsLoggedNextToIt) {
  query("SELECT automl.set_logging('flowers', 1)");
  query("SELECT automl.deploy_shadow('flowers', " + std::to_string(xgboost) + ")");
  // The caller sees only the serving model's answers.
  const auto answers =
      one("SELECT count(*), count(*) FILTER (WHERE automl.predict_label('flowers', ARRAY[x1, x2]) "
          "= kind) "
          "FROM flowers WHERE x1 < 5");
  const long long calls = answers[0].as<long long>();
  ASSERT_TRUE(logged(2 * calls)) << count("SELECT count(*) FROM automl.prediction_log");
  const auto r =
      one("SELECT count(*) FILTER (WHERE NOT shadow AND model_id = " + std::to_string(logistic) +
          "), "
          "       count(*) FILTER (WHERE shadow AND model_id = " +
          std::to_string(xgboost) +
          "), "
          "       count(DISTINCT call_id), bool_and(function_name = 'predict_label'), "
          "       bool_and(features ? 'x1' AND features ? 'x2'), bool_and(arm IS NULL) "
          "  FROM automl.prediction_log WHERE project = 'flowers'");
  EXPECT_EQ(r[0].as<long long>(), calls);
  EXPECT_EQ(r[1].as<long long>(), calls);
  EXPECT_EQ(r[2].as<long long>(), calls)
      << "one call: a primary and a shadow row under one call_id";
  EXPECT_TRUE(r[3].as<bool>());
  EXPECT_TRUE(r[4].as<bool>());
  EXPECT_TRUE(r[5].as<bool>());
  query("SELECT automl.set_logging('flowers', 0)");  // the checks below predict too
  // The primary rows hold exactly what the caller got.
  EXPECT_EQ(count("SELECT count(*) FROM automl.prediction_log l "
                  " WHERE NOT shadow AND l.prediction #>> '{}' = automl.predict_label('flowers', "
                  "       ARRAY[(l.features->>'x1')::float8, (l.features->>'x2')::float8])"),
            calls);
  // Shadow rows answer for the shadow model: predict_model of the xgboost model agrees.
  EXPECT_EQ(
      count(
          "SELECT count(*) FROM automl.prediction_log l JOIN automl.models m ON m.id = l.model_id "
          " WHERE shadow AND m.classes[automl.predict_model(m.id, "
          "ARRAY[(l.features->>'x1')::float8, "
          "       (l.features->>'x2')::float8])::int + 1] = l.prediction #>> '{}'"),
      calls);
}

TEST_F(PredictionLogTest, SplitArmsAreLoggedWithTheirModels) {
  query("SELECT automl.set_logging('flowers', 1)");
  query("SELECT automl.deploy_split('flowers', ARRAY[" + std::to_string(logistic) + ", " +
        std::to_string(ridge_like) + "], ARRAY[0.7, 0.3])");
  query(
      "SELECT sum(automl.predict('flowers', jsonb_build_object('x1', x1, 'x2', x2))) FROM flowers");
  ASSERT_TRUE(logged(3000));
  const auto r =
      one("SELECT count(*) FILTER (WHERE arm = 1 AND model_id = " + std::to_string(logistic) +
          "), "
          "       count(*) FILTER (WHERE arm = 2 AND model_id = " +
          std::to_string(ridge_like) +
          ") "
          "  FROM automl.prediction_log");
  EXPECT_EQ(r[0].as<long long>() + r[1].as<long long>(), 3000);
  // 3000 draws at p = 0.7: sd 25; ±125 is five of them.
  EXPECT_NEAR(r[0].as<double>(), 2100, 125);
}

TEST_F(PredictionLogTest, SampleRateLogsThatShareOfCalls) {
  query("SELECT automl.set_logging('flowers', 0.1)");
  query("SELECT sum(automl.predict('flowers', ARRAY[x1, x2])) FROM flowers, generate_series(1, 5)");
  // 15000 calls at 10 %: mean 1500, sd 37; wait for the logger, then count.
  ASSERT_TRUE(eventually("SELECT queued_bytes = 0 FROM automl.prediction_log_status()", 20));
  ASSERT_TRUE(eventually("SELECT count(*) > 1300 FROM automl.prediction_log", 20));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_NEAR(count("SELECT count(*) FROM automl.prediction_log"), 1500, 190);
  query("SELECT automl.set_logging('flowers', 0)");
  query("TRUNCATE automl.prediction_log");
  query("SELECT sum(automl.predict('flowers', ARRAY[x1, x2])) FROM flowers");
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(count("SELECT count(*) FROM automl.prediction_log"), 0) << "rate 0 logs nothing";
}

TEST_F(PredictionLogTest, ParallelWorkersInReadOnlyTransactionsLog) {
  query("SELECT automl.set_logging('flowers', 1)");
  pqxx::connection conn(dsn());
  pqxx::work tx(conn);
  tx.exec0("SET TRANSACTION READ ONLY");
  for (const char* s : {"SET LOCAL parallel_setup_cost = 0", "SET LOCAL parallel_tuple_cost = 0",
                        "SET LOCAL min_parallel_table_scan_size = 0",
                        "SET LOCAL max_parallel_workers_per_gather = 2",
                        "SET LOCAL parallel_leader_participation = off"})
    tx.exec0(s);
  // Every row is scored in a parallel worker (the leader does not participate).
  std::string plan;
  for (const auto& row : tx.exec("EXPLAIN (ANALYZE, COSTS OFF) SELECT count(*) FROM flowers "
                                 "WHERE automl.predict('flowers', ARRAY[x1, x2]) >= 0"))
    plan += row[0].as<std::string>() + "\n";
  tx.commit();
  EXPECT_NE(plan.find("Workers Launched: 2"), std::string::npos) << plan;
  EXPECT_TRUE(logged(3000)) << count("SELECT count(*) FROM automl.prediction_log");
}

TEST_F(PredictionLogTest, PredictKeepsServingWhileTheLoggerIsDown) {
  query("SELECT automl.set_logging('flowers', 1)");
  query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'pg_automl "
      "prediction logger'");
  ASSERT_TRUE(eventually("SELECT worker_pid IS NULL FROM automl.prediction_log_status()", 10));
  EXPECT_EQ(
      count("SELECT count(automl.predict('flowers', ARRAY[x1, x2])) FROM flowers WHERE x2 = 3"),
      273);
  EXPECT_TRUE(logged(273, 30)) << "the restarted logger writes what was queued meanwhile";
}

TEST_F(PredictionLogTest, CleanShutdownWritesEveryQueuedRecord) {
  const char* restart = std::getenv("AUTOML_RESTART_POSTGRES");
  ASSERT_NE(restart, nullptr) << "scripts/test.sh sets AUTOML_RESTART_POSTGRES";
  query("SELECT automl.set_logging('flowers', 1)");
  // A logger that would not write for a minute: the records wait in shared memory.
  {
    pqxx::connection conn(dsn());
    pqxx::nontransaction tx(conn);
    tx.exec0("ALTER SYSTEM SET automl.log_flush_interval = '60s'");
    tx.exec("SELECT pg_reload_conf()");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  query("SELECT sum(automl.predict('flowers', ARRAY[x1, x2])) FROM flowers WHERE x1 = 2");
  const auto status =
      one("SELECT queued_bytes, (SELECT count(*) FROM automl.prediction_log) FROM "
          "automl.prediction_log_status()");
  EXPECT_GT(status[0].as<long long>(), 0);
  EXPECT_EQ(status[1].as<long long>(), 0) << "not yet written";
  ASSERT_EQ(std::system(restart), 0);
  long long rows = -1;
  for (int i = 0; i < 100 && rows < 0; ++i) {  // the server takes a moment to accept again
    try {
      rows = count("SELECT count(*) FROM automl.prediction_log");
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  EXPECT_EQ(rows, 177) << "every record queued before the shutdown was committed before it";
  pqxx::connection conn(dsn());
  pqxx::nontransaction tx(conn);
  tx.exec0("ALTER SYSTEM RESET automl.log_flush_interval");
  tx.exec("SELECT pg_reload_conf()");
}

}  // namespace
}  // namespace automl_it
