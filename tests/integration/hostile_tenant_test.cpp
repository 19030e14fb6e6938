// hostile_tenant_test.cpp — the attacks of tests/sql/hostile_tenant.sql that need
// worker processes of their own: the documented non-superuser worker login, which
// may act for both tenants, still gives a tenant's query no other role and keeps no
// setting it made; --max-job-time and automl.cancel stop a job while it reads or
// grows a forest; --max-memory-mb refuses an encoding before allocating it; a
// submitter's running limit holds with concurrent runners.
#include <chrono>
#include <thread>

#include "harness.hpp"

namespace automl_it {
namespace {

using Clock = std::chrono::steady_clock;

class HostileTenantTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    recreate_database();
    for (const char* sql :
         {"DO $$ BEGIN CREATE ROLE it_mallory; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
          "DO $$ BEGIN CREATE ROLE it_victim; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
          "DO $$ BEGIN CREATE ROLE it_worker LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END "
          "$$",
          "GRANT automl_user TO it_mallory, it_victim", "GRANT automl_worker TO it_worker",
          // The recipe: the worker's login may act for every submitter.
          "GRANT it_mallory, it_victim TO it_worker",
          "CREATE TABLE mallory_pts AS SELECT i::float8 AS x, 3.0 * i AS y FROM generate_series(1, "
          "300) i",
          "ALTER TABLE mallory_pts OWNER TO it_mallory",
          "CREATE TABLE victim_secrets AS SELECT i::float8 AS x, 7.0 * i AS y FROM "
          "generate_series(1, 300) i",
          "ALTER TABLE victim_secrets OWNER TO it_victim",
          "CREATE TABLE mallory_forest AS SELECT random() * 6 - 3 AS a, random() * 6 - 3 AS b FROM "
          "generate_series(1, 20000)",
          "ALTER TABLE mallory_forest OWNER TO it_mallory",
          "CREATE TABLE mallory_cities AS SELECT 'city ' || i AS city, (i % 2 = 0) AS label FROM "
          "generate_series(1, 60000) i",
          "ALTER TABLE mallory_cities OWNER TO it_mallory",
          "CREATE SCHEMA mallory_fns AUTHORIZATION it_mallory"})
      query(sql);
    // Run-time privilege checks only: the query's own plan needs nothing of victim's.
    as_role("it_mallory",
            R"(CREATE FUNCTION mallory_fns.peek(target name) RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE n bigint;
      BEGIN
        PERFORM set_config('role', target, true);
        EXECUTE 'SELECT count(*) FROM public.victim_secrets' INTO n;
        RETURN n;
      END $$)");
  }

  static void as_role(const std::string& role, const std::string& sql) {
    pqxx::connection conn(dsn());
    pqxx::work tx(conn);
    tx.exec0("SET ROLE " + role);
    tx.exec0(sql);
    tx.commit();
  }

  static long long submit_as(const std::string& role, const std::string& sql) {
    pqxx::connection conn(dsn());
    pqxx::work tx(conn);
    tx.exec0("SET ROLE " + role);
    const auto id = tx.exec1(sql)[0].as<long long>();
    tx.commit();
    return id;
  }

  static pqxx::row job(long long id) {
    return one(
        "SELECT status, coalesce(error, ''), extract(epoch FROM finished_at - started_at) FROM "
        "automl.jobs "
        "WHERE id = " +
        std::to_string(id));
  }

  static std::vector<std::string> worker_login(std::vector<std::string> flags) {
    std::vector<std::string> args = {"--dsn", dsn() + " user=it_worker"};
    args.insert(args.end(), flags.begin(), flags.end());
    return args;
  }
};

// A worker login that may act for both tenants: mallory's query cannot become
// victim (or the worker) and read victim's table, in any of the ways SQL allows.
TEST_F(HostileTenantTest, ANonSuperuserWorkerGivesTheQueryNoOtherRole) {
  const char* attacks[] = {"SELECT x, y, mallory_fns.peek('it_victim') AS z FROM mallory_pts",
                           "SELECT x, y, mallory_fns.peek('it_worker') AS z FROM mallory_pts",
                           "SELECT x, y, CASE WHEN set_config('role', 'it_worker', true) IS NOT "
                           "NULL THEN 1 END AS z FROM mallory_pts",
                           "SELECT x, y, CASE WHEN set_config('session_authorization', "
                           "'it_victim', true) IS NOT NULL THEN 1 END AS z "
                           "FROM mallory_pts"};
  std::vector<long long> ids;
  for (const char* q : attacks)
    ids.push_back(submit_as("it_mallory",
                            "SELECT automl.train('m_attack', $q$" + std::string(q) + "$q$, 'y')"));
  WorkerProcess worker(worker_login({"--once"}), false);
  ASSERT_EQ(worker.wait_exit(60), 0) << worker.output();
  for (long long id : ids) {
    const auto r = job(id);
    EXPECT_EQ(r[0].as<std::string>(), "failed") << id;
    EXPECT_NE(r[1].as<std::string>().find("cannot set parameter"), std::string::npos)
        << r[1].as<std::string>();
  }
  EXPECT_EQ(one("SELECT count(*) FROM automl.models WHERE project = 'm_attack'")[0].as<int>(), 0);
}

// Settings a query makes, even session-level ones, are gone when the read ends:
// the worker's connection keeps its own application_name and search_path.
TEST_F(HostileTenantTest, SettingsDoNotOutliveTheQuery) {
  const long long leak = submit_as(
      "it_mallory",
      "SELECT automl.train('m_leak', $q$SELECT x, y FROM mallory_pts WHERE "
      "set_config('search_path', 'mallory_fns, "
      "pg_catalog', false) IS NOT NULL AND set_config('application_name', 'pwned', false) IS NOT "
      "NULL AND "
      "set_config('work_mem', '64kB', false) IS NOT NULL$q$, 'y', algorithm => 'linear')");
  WorkerProcess worker(worker_login({"--name", "leak-check"}), false);
  ASSERT_TRUE(eventually(
      "SELECT status = 'succeeded' FROM automl.jobs WHERE id = " + std::to_string(leak), 60))
      << job(leak)[1].as<std::string>();
  const auto settings =
      query("SELECT application_name FROM pg_stat_activity WHERE usename = 'it_worker'");
  EXPECT_GE(settings.size(), 2u);  // the runner's connection and the control connection
  for (const auto& row : settings) EXPECT_NE(row[0].as<std::string>(), "pwned");
  const long long next = submit_as(
      "it_victim", "SELECT automl.train('v_after', 'victim_secrets', 'y', algorithm => 'linear')");
  EXPECT_TRUE(eventually(
      "SELECT status = 'succeeded' FROM automl.jobs WHERE id = " + std::to_string(next), 60))
      << job(next)[1].as<std::string>();
  worker.signal(SIGTERM);
  EXPECT_EQ(worker.wait_exit(30), 0) << worker.output();
}

// --max-job-time bounds the reading too: a query sleeping 40 s fails after about 3.
TEST_F(HostileTenantTest, MaxJobTimeStopsAJobStillReading) {
  const long long id = submit_as("it_mallory",
                                 "SELECT automl.train('m_sleep', 'SELECT x, y FROM mallory_pts, "
                                 "(SELECT pg_sleep(40)) s', 'y')");
  const auto started = Clock::now();
  WorkerProcess worker(worker_login({"--max-job-time", "3", "--once"}), false);
  ASSERT_EQ(worker.wait_exit(30), 0) << worker.output();
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  const auto r = job(id);
  EXPECT_EQ(r[0].as<std::string>(), "failed");
  EXPECT_NE(r[1].as<std::string>().find("--max-job-time 3 s"), std::string::npos)
      << r[1].as<std::string>();
  EXPECT_LT(seconds, 10) << "the 40 s query ran on";
  std::printf("[hostile] --max-job-time 3 stopped a 40 s read after %.1f s\n", seconds);
}

// automl.cancel of a job growing a big forest: it stops between chunks of trees.
TEST_F(HostileTenantTest, CancelStopsAForestWithinSeconds) {
  const long long id = submit_as("it_mallory",
                                 "SELECT automl.train('m_forest', 'SELECT a, b, (a * a + b * b < "
                                 "4) AS inside FROM mallory_forest', 'inside', "
                                 "algorithm => 'random_forest', hyperparams => '{\"n_estimators\": "
                                 "3000, \"max_depth\": 14}')");
  WorkerProcess worker(worker_login({"--once", "--heartbeat-interval", "0.5"}), false);
  ASSERT_TRUE(
      eventually("SELECT coalesce(message LIKE 'training%' OR message LIKE 'final fit%', false) "
                 "FROM automl.jobs WHERE id = " +
                     std::to_string(id),
                 60));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const auto cancelled_at = Clock::now();
  submit_as("it_mallory", "SELECT automl.cancel(" + std::to_string(id) + ")::int");
  ASSERT_EQ(worker.wait_exit(60), 0) << worker.output();
  const double seconds = std::chrono::duration<double>(Clock::now() - cancelled_at).count();
  EXPECT_EQ(job(id)[0].as<std::string>(), "cancelled");
  EXPECT_LT(seconds, 5) << "cancelled a forest in its fit (uncancelled it grows for about 30 s)";
  std::printf("[hostile] a 3000-tree forest stopped %.2f s after automl.cancel\n", seconds);
}

// One-hot of 60,000 distinct cities (max_categories 1000) on 60,000 rows: refused
// before the encoded matrix is allocated, naming the column.
TEST_F(HostileTenantTest, MaxMemoryRefusesAnEncodingBeforeAllocating) {
  const long long id = submit_as(
      "it_mallory",
      "SELECT automl.train('m_cities', 'mallory_cities', 'label', algorithm => 'logistic', "
      "preprocess => '{\"max_categories\": 1000}')");
  WorkerProcess worker(worker_login({"--once", "--max-memory-mb", "200"}), false);
  ASSERT_EQ(worker.wait_exit(60), 0) << worker.output();
  const auto r = job(id);
  EXPECT_EQ(r[0].as<std::string>(), "failed");
  EXPECT_NE(r[1].as<std::string>().find("--max-memory-mb 200"), std::string::npos)
      << r[1].as<std::string>();
  EXPECT_NE(r[1].as<std::string>().find("column \"city\""), std::string::npos)
      << r[1].as<std::string>();
}

// max_running 1 with two runners: never two of mallory's jobs at once, while
// victim's job runs beside them.
TEST_F(HostileTenantTest, RunningLimitHoldsWithConcurrentRunners) {
  query("SELECT automl.set_role_limits('it_mallory', 1, NULL)");
  for (int i = 0; i < 4; ++i)
    submit_as(
        "it_mallory",
        "INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{\"seconds\": 0.6}') RETURNING id");
  const long long v = submit_as(
      "it_victim",
      "INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{\"seconds\": 0.6}') RETURNING id");
  WorkerProcess worker(worker_login({"--once", "--concurrency", "2"}), false);
  ASSERT_EQ(worker.wait_exit(60), 0) << worker.output();
  // Intervals of mallory's jobs never overlap; victim's overlaps one of them.
  EXPECT_EQ(one("SELECT count(*) FROM automl.jobs a JOIN automl.jobs b ON a.id < b.id "
                "WHERE a.kind = 'noop' AND b.kind = 'noop' AND a.created_by = 'it_mallory' AND "
                "b.created_by = 'it_mallory' AND a.started_at < b.finished_at AND b.started_at < "
                "a.finished_at")[0]
                .as<int>(),
            0);
  EXPECT_EQ(one("SELECT count(*) FROM automl.jobs WHERE kind = 'noop' AND status = 'succeeded'")[0]
                .as<int>(),
            5);
  EXPECT_TRUE(one("SELECT started_at < (SELECT max(started_at) FROM automl.jobs WHERE created_by = "
                  "'it_mallory' "
                  "AND kind = 'noop') FROM automl.jobs WHERE id = " +
                  std::to_string(v))[0]
                  .as<bool>())
      << "victim's job waited behind every job of mallory's";
  query("SELECT automl.set_role_limits('it_mallory', NULL, NULL)");
}

}  // namespace
}  // namespace automl_it
