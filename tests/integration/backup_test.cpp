// backup_test.cpp — pg_dump keeps everything: a database with models, a split and a
// shadow, logging, a grant, role limits, finished, failed, cancelled and queued jobs and
// a search's trials is dumped (custom and plain format) and restored into a new
// database; every automl table comes back row for row, sequences continue, predictions
// are identical, and a worker on the restored database runs nothing again.
#include <cstdio>
#include <cstdlib>

#include "harness.hpp"

namespace automl_it {
namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string bindir() {
  std::string out;
  FILE* p = popen("pg_config --bindir", "r");
  char buffer[512];
  while (p && std::fgets(buffer, sizeof buffer, p)) out += buffer;
  if (p) pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string conninfo(const std::string& db) {
  return "host=" + env_or("PGHOST", "127.0.0.1") + " port=" + env_or("PGPORT", "5432") +
         " user=" + env_or("PGUSER", "postgres") + " dbname=" + db;
}

pqxx::row one_in(const std::string& db, const std::string& sql) {
  pqxx::connection conn(conninfo(db));
  pqxx::nontransaction tx(conn);
  return tx.exec1(sql);
}

void run(const std::string& command) { ASSERT_EQ(std::system(command.c_str()), 0) << command; }

// A fingerprint of one table: every row, in a fixed order.
std::string fingerprint(const std::string& db, const std::string& table) {
  return one_in(db,
                "SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY "
                "x::text)), '') FROM " +
                    table + " x")[0]
      .as<std::string>();
}

const char* kTables[] = {"automl.projects",    "automl.jobs",          "automl.models",
                         "automl.trials",      "automl.deployments",   "automl.project_grants",
                         "automl.role_limits", "automl.prediction_log"};

class BackupTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    recreate_database();
    for (const char* sql :
         {"DO $$ BEGIN CREATE ROLE it_backup_app; EXCEPTION WHEN duplicate_object THEN NULL; END "
          "$$",
          "GRANT automl_reader TO it_backup_app",
          "CREATE TABLE pts AS SELECT i::float8 AS x, (i % 7)::float8 AS z, (i % 3 = 0) AS label "
          "FROM generate_series(1, 600) i",
          "SELECT automl.train('bk', 'pts', 'label', algorithm => 'logistic')",
          "SELECT automl.train('bk', 'pts', 'label', algorithm => 'xgboost', deploy => 'never', "
          "hyperparams => '{\"n_estimators\": 20}')",
          "SELECT automl.train('bk', 'pts', 'label', algorithm => 'xgboost', search => 'grid', "
          "deploy => 'never', "
          "search_params => '{\"max_depth\": [2, 3]}', hyperparams => '{\"n_estimators\": 10}')",
          "SELECT automl.train('bk_bad', 'SELECT x, true AS label FROM pts', 'label')"})
      query(sql);
    WorkerProcess worker({"--once"});
    ASSERT_EQ(worker.wait_exit(120), 0) << worker.output();
    query(
        "SELECT automl.deploy_split('bk', (SELECT array_agg(id ORDER BY id) FROM (SELECT id FROM "
        "automl.models "
        "WHERE project = 'bk' ORDER BY id LIMIT 2) m), ARRAY[0.7, 0.3])");
    query(
        "SELECT automl.deploy_shadow('bk', (SELECT max(id) FROM automl.models WHERE project = "
        "'bk'))");
    query("SELECT automl.set_logging('bk', 0.5)");
    query("SELECT automl.grant_project('bk', 'it_backup_app', 'predict')");
    query("SELECT automl.set_role_limits('it_backup_app', 2, 10)");
    query(
        "SELECT automl.cancel(automl.train('bk', 'pts', 'label', run_after => now() + interval '1 "
        "day'))");
    query("SELECT automl.train('bk', 'pts', 'label', run_after => now() + interval '1 day')");
    ASSERT_EQ(one("SELECT count(DISTINCT status) FROM automl.jobs")[0].as<int>(),
              4);  // succeeded … queued
  }

  static void TearDownTestSuite() {
    for (const char* db : {"automl_it_restored_custom", "automl_it_restored_plain"})
      query_admin(std::string("DROP DATABASE IF EXISTS ") + db + " WITH (FORCE)");
  }

  // Dumps automl_it in `format` and restores it into `target`.
  static void dump_and_restore(const std::string& format, const std::string& target) {
    query_admin("DROP DATABASE IF EXISTS " + target + " WITH (FORCE)");
    query_admin("CREATE DATABASE " + target);
    const std::string bin = bindir(), file = "/tmp/automl_it_backup." + format;
    const std::string to = "'" + conninfo(target) + "'";
    if (format == "custom") {
      run(bin + "/pg_dump -Fc -f " + file + " '" + dsn() + "' 2>/dev/null");
      run(bin + "/pg_restore --exit-on-error -d " + to + " " + file);
    } else {
      run(bin + "/pg_dump -f " + file + " '" + dsn() + "' 2>/dev/null");
      run(bin + "/psql -q -v ON_ERROR_STOP=1 -d " + to + " -f " + file + " >/dev/null");
    }
  }

  static void query_admin(const std::string& sql) {
    pqxx::connection conn(conninfo("postgres"));
    pqxx::nontransaction tx(conn);
    tx.exec0(sql);
  }

  static void expect_restored(const std::string& target) {
    for (const char* table : kTables)
      EXPECT_EQ(fingerprint(target, table), fingerprint("automl_it", table))
          << table << " in " << target;
    EXPECT_EQ(one_in(target,
                     "SELECT string_agg(sequencename || '=' || coalesce(last_value, 0), ',' ORDER "
                     "BY sequencename) "
                     "FROM pg_sequences WHERE schemaname = 'automl'")[0]
                  .as<std::string>(),
              one("SELECT string_agg(sequencename || '=' || coalesce(last_value, 0), ',' ORDER BY "
                  "sequencename) "
                  "FROM pg_sequences WHERE schemaname = 'automl'")[0]
                  .as<std::string>());
    const std::string predictions =
        "SELECT md5(string_agg(automl.predict_model(m.id, ARRAY[p.x, p.z])::text, ',' ORDER BY "
        "m.id, p.x)) "
        "FROM automl.models m, pts p WHERE m.project = 'bk'";
    EXPECT_EQ(one_in(target, predictions)[0].as<std::string>(),
              one(predictions)[0].as<std::string>());
    // The split with its shadow serves from the restored database, for the grantee too.
    EXPECT_EQ(
        one_in(
            target,
            "SELECT arms IS NOT NULL AND shadow_model_id IS NOT NULL FROM automl.deployed_models "
            "WHERE project = 'bk'")[0]
            .as<bool>(),
        true);
    const std::string status = "SELECT string_agg(id || status, ',' ORDER BY id) FROM automl.jobs";
    const std::string models = "SELECT count(*) FROM automl.models";
    const std::string before_status = one_in(target, status)[0].as<std::string>();
    const int before_models = one_in(target, models)[0].as<int>();
    WorkerProcess worker({"--dsn", conninfo(target), "--once"}, false);
    ASSERT_EQ(worker.wait_exit(60), 0) << worker.output();
    EXPECT_EQ(one_in(target, status)[0].as<std::string>(), before_status)
        << "a restored job ran again";
    EXPECT_EQ(one_in(target, models)[0].as<int>(), before_models);
  }
};

TEST_F(BackupTest, CustomFormatRestoresEverything) {
  dump_and_restore("custom", "automl_it_restored_custom");
  expect_restored("automl_it_restored_custom");
}

TEST_F(BackupTest, PlainFormatRestoresEverything) {
  dump_and_restore("plain", "automl_it_restored_plain");
  expect_restored("automl_it_restored_plain");
}

}  // namespace
}  // namespace automl_it
