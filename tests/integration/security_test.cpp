// security_test.cpp — automl-worker logged in as a plain member of automl_worker (no
// superuser): it trains a tenant's job reading the data as that tenant, and a job whose
// submitter it may not act for fails cleanly instead of reading as anyone else.
#include "harness.hpp"

namespace automl_it {
namespace {

class WorkerRoleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    recreate_database();
    for (const char* sql :
         {"DO $$ BEGIN CREATE ROLE it_alice; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
          "DO $$ BEGIN CREATE ROLE it_bob; EXCEPTION WHEN duplicate_object THEN NULL; END $$",
          "DO $$ BEGIN CREATE ROLE it_worker LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END "
          "$$",
          "GRANT automl_user TO it_alice, it_bob", "GRANT automl_worker TO it_worker",
          "GRANT it_alice TO it_worker",  // the recipe: the worker may act for alice, not bob
          "CREATE TABLE alice_pts AS SELECT i::float8 AS x, 2.0 * i + 1 AS y FROM "
          "generate_series(1, 100) i",
          "ALTER TABLE alice_pts OWNER TO it_alice",
          "CREATE TABLE bob_pts AS SELECT i::float8 AS x, 5.0 * i AS y FROM generate_series(1, "
          "100) i",
          "ALTER TABLE bob_pts OWNER TO it_bob"})
      query(sql);
  }

  static long long submit_as(const std::string& role, const std::string& train_args) {
    pqxx::connection conn(dsn());
    pqxx::work tx(conn);
    tx.exec0("SET ROLE " + role);
    const auto id = tx.exec1("SELECT automl.train(" + train_args + ")")[0].as<long long>();
    tx.commit();
    return id;
  }

  static pqxx::row job(long long id) {
    return one(
        "SELECT status, coalesce(error, ''), (result->>'model_id')::bigint FROM automl.jobs WHERE "
        "id = " +
        std::to_string(id));
  }
};

TEST_F(WorkerRoleTest, ANonSuperuserWorkerTrainsAsTheSubmitter) {
  const long long id =
      submit_as("it_alice", "'alice_lin', 'alice_pts', 'y', algorithm => 'linear'");
  WorkerProcess worker({"--dsn", dsn() + " user=it_worker", "--once"}, false);
  ASSERT_EQ(worker.wait_exit(60), 0) << worker.output();
  const auto r = job(id);
  ASSERT_EQ(r[0].as<std::string>(), "succeeded") << r[1].as<std::string>();
  const auto model = one(
      "SELECT p.owner, m.created_by, d.deployed_by FROM automl.projects p "
      "JOIN automl.models m ON m.project = p.name JOIN automl.deployments d ON d.model_id = m.id "
      "WHERE p.name = 'alice_lin'");
  EXPECT_EQ(model[0].as<std::string>(), "it_alice");
  EXPECT_EQ(model[1].as<std::string>(), "it_alice");
  EXPECT_TRUE(one("SELECT NOT rolsuper FROM pg_roles WHERE rolname = 'it_worker'")[0].as<bool>());
}

TEST_F(WorkerRoleTest, AJobTheWorkerMayNotReadAsItsSubmitterFails) {
  const long long id = submit_as("it_bob", "'bob_lin', 'bob_pts', 'y', algorithm => 'linear'");
  WorkerProcess worker({"--dsn", dsn() + " user=it_worker", "--once"}, false);
  ASSERT_EQ(worker.wait_exit(60), 0) << worker.output();
  const auto r = job(id);
  EXPECT_EQ(r[0].as<std::string>(), "failed");
  EXPECT_NE(r[1].as<std::string>().find("permission denied to set role \"it_bob\""),
            std::string::npos)
      << r[1].as<std::string>();
  EXPECT_TRUE(r[2].is_null());
}

}  // namespace
}  // namespace automl_it
