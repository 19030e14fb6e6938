// limits_test.cpp — automl-worker's --max-* limits: a job beyond one fails at once
// (one attempt, SQLSTATE class 54) with a message naming the flag, and the worker
// carries on with the next job.
#include "harness.hpp"

namespace automl_it {
namespace {

class LimitsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    recreate_database();
    query(
        "CREATE TABLE wide AS SELECT i::float8 AS a, (i % 7)::float8 AS b, (i % 5)::float8 AS c, "
        "(i % 3 = 0) AS label FROM generate_series(1, 3000) i");
  }

  static pqxx::row run_with(const std::vector<std::string>& flags, const std::string& train_args) {
    const auto id = one("SELECT automl.train(" + train_args + ")")[0].as<long long>();
    std::vector<std::string> args = flags;
    args.push_back("--once");
    WorkerProcess worker(args);
    EXPECT_EQ(worker.wait_exit(120), 0) << worker.output();
    return one("SELECT status, coalesce(error, ''), attempts FROM automl.jobs WHERE id = " +
               std::to_string(id));
  }
};

TEST_F(LimitsTest, MaxRows) {
  const auto r =
      run_with({"--max-rows", "1000"}, "'rows', 'wide', 'label', algorithm => 'logistic'");
  EXPECT_EQ(r[0].as<std::string>(), "failed");
  EXPECT_NE(r[1].as<std::string>().find("more than 1000 rows"), std::string::npos)
      << r[1].as<std::string>();
  EXPECT_NE(r[1].as<std::string>().find("--max-rows"), std::string::npos);
  EXPECT_EQ(r[2].as<int>(), 1) << "a limit is not retried";
  const auto ok =
      run_with({"--max-rows", "3000"}, "'rows_ok', 'wide', 'label', algorithm => 'logistic'");
  EXPECT_EQ(ok[0].as<std::string>(), "succeeded")
      << "exactly the limit is allowed: " << ok[1].as<std::string>();
}

TEST_F(LimitsTest, MaxColumns) {
  const auto r =
      run_with({"--max-columns", "2"}, "'cols', 'wide', 'label', algorithm => 'logistic'");
  EXPECT_EQ(r[0].as<std::string>(), "failed");
  EXPECT_NE(r[1].as<std::string>().find("has 3 feature columns"), std::string::npos)
      << r[1].as<std::string>();
  EXPECT_NE(r[1].as<std::string>().find("--max-columns"), std::string::npos);
}

TEST_F(LimitsTest, MaxModelSize) {
  const auto r = run_with(
      {"--max-model-mb", "1"},
      "'big', 'SELECT a, b, c, (random() * 1000)::int AS y FROM wide', 'y', task => 'regression', "
      "algorithm => 'xgboost', hyperparams => '{\"n_estimators\": 400, \"max_depth\": 8, "
      "\"early_stopping_rounds\": 0}'");
  EXPECT_EQ(r[0].as<std::string>(), "failed");
  EXPECT_NE(r[1].as<std::string>().find("--max-model-mb"), std::string::npos)
      << r[1].as<std::string>();
  EXPECT_EQ(one("SELECT count(*) FROM automl.models WHERE project = 'big'")[0].as<int>(), 0);
}

TEST_F(LimitsTest, MaxJobTime) {
  const auto id =
      one("INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{\"seconds\": 30}') RETURNING id")
          [0]
              .as<long long>();
  WorkerProcess worker({"--max-job-time", "1", "--once"});
  ASSERT_EQ(worker.wait_exit(20), 0) << "stopped well before the job's 30 s";
  const auto r = one("SELECT status, coalesce(error, ''), attempts FROM automl.jobs WHERE id = " +
                     std::to_string(id));
  EXPECT_EQ(r[0].as<std::string>(), "failed");
  EXPECT_NE(r[1].as<std::string>().find("--max-job-time 1 s"), std::string::npos)
      << r[1].as<std::string>();
  EXPECT_EQ(r[2].as<int>(), 1);
}

TEST_F(LimitsTest, UsageErrors) {
  for (std::vector<std::string> args : {std::vector<std::string>{"--max-rows", "0"},
                                        {"--max-rows", "1.5"},
                                        {"--max-columns", "x"},
                                        {"--max-model-mb", "0"},
                                        {"--max-job-time", "-3"}}) {
    WorkerProcess wrong(args, false);
    EXPECT_EQ(wrong.wait_exit(10), 2) << args[0] << " " << args[1];
  }
  WorkerProcess help({"--help"}, false);
  ASSERT_EQ(help.wait_exit(10), 0);
  for (const char* flag : {"--max-rows", "--max-columns", "--max-model-mb", "--max-job-time"})
    EXPECT_NE(help.output().find(flag), std::string::npos) << flag;
}

}  // namespace
}  // namespace automl_it
