// cache_coherence_test.cpp — a backend's deployment cache follows commits whatever the
// isolation level: a transaction may keep seeing its own snapshot's deployment (and
// grant), the next transaction sees the new one. 0.1.0 refilled the cache from a
// REPEATABLE READ snapshot after the invalidation was consumed, and that session then
// served the replaced model, and a revoked grant, forever.
#include "harness.hpp"

namespace automl_it {
namespace {

class CacheCoherenceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    recreate_database();
    query("DO $$ BEGIN CREATE ROLE it_app; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    query("GRANT automl_reader TO it_app");
    query("CREATE TABLE pts AS SELECT i::float8 AS x, 2.0 * i AS y FROM generate_series(1, 200) i");
    query("SELECT automl.train('coh', 'pts', 'y', algorithm => 'linear')");
    // A model predicting something else: the target shifted by 1000.
    query(
        "SELECT automl.train('coh', 'SELECT x, y + 1000 AS y FROM pts', 'y', algorithm => "
        "'linear', "
        "deploy => 'never')");
    WorkerProcess worker({"--once"});
    ASSERT_EQ(worker.wait_exit(60), 0) << worker.output();
    first_ = one("SELECT min(id) FROM automl.models WHERE project = 'coh'")[0].as<long long>();
    second_ = one("SELECT max(id) FROM automl.models WHERE project = 'coh'")[0].as<long long>();
    ASSERT_NE(first_, second_);
    query("SELECT automl.grant_project('coh', 'it_app', 'predict')");
  }

  void SetUp() override { query("SELECT automl.deploy('coh', " + std::to_string(first_) + ")"); }

  // Which model answered: the first predicts about 20 at x = 10, the second about 1020.
  static long long served(pqxx::connection& conn) {
    pqxx::nontransaction tx(conn);
    return tx.exec1("SELECT automl.predict('coh', ARRAY[10.0])")[0].as<double>() < 500 ? first_
                                                                                       : second_;
  }
  static long long served_in(pqxx::work& tx) {
    return tx.exec1("SELECT automl.predict('coh', ARRAY[10.0])")[0].as<double>() < 500 ? first_
                                                                                       : second_;
  }
  static void deploy_second() {
    query("SELECT automl.deploy('coh', " + std::to_string(second_) + ")");
  }

  // Predict in a transaction at `isolation`; another session deploys; this one runs
  // another statement and predicts again, then commits. Returns what it served then,
  // and what its next transaction serves.
  static std::pair<long long, long long> deploy_during(const std::string& isolation) {
    pqxx::connection conn(dsn());
    long long during;
    {
      pqxx::work tx(conn);
      tx.exec0("SET TRANSACTION ISOLATION LEVEL " + isolation);
      EXPECT_EQ(served_in(tx), first_);
      deploy_second();
      tx.exec("SELECT count(*) FROM automl.models");  // takes locks: the invalidation arrives
      during = served_in(tx);
      tx.commit();
    }
    return {during, served(conn)};
  }

  static long long first_, second_;
};

long long CacheCoherenceTest::first_ = 0, CacheCoherenceTest::second_ = 0;

TEST_F(CacheCoherenceTest, RepeatableReadKeepsItsSnapshotThenFollows) {
  const auto [during, after] = deploy_during("REPEATABLE READ");
  EXPECT_EQ(during, first_) << "inside the transaction its snapshot's deployment serves";
  EXPECT_EQ(after, second_) << "the next transaction must serve the new deployment";
}

TEST_F(CacheCoherenceTest, SerializableKeepsItsSnapshotThenFollows) {
  const auto [during, after] = deploy_during("SERIALIZABLE");
  EXPECT_EQ(during, first_);
  EXPECT_EQ(after, second_);
}

TEST_F(CacheCoherenceTest, ReadCommittedFollowsAtTheNextStatement) {
  const auto [during, after] = deploy_during("READ COMMITTED");
  EXPECT_EQ(during, second_) << "a READ COMMITTED statement sees what was committed before it";
  EXPECT_EQ(after, second_);
}

TEST_F(CacheCoherenceTest, ACursorHeldAcrossADeployLeavesNothingStale) {
  pqxx::connection conn(dsn());
  {
    pqxx::work tx(conn);
    tx.exec0("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    tx.exec0(
        "DECLARE c CURSOR FOR SELECT automl.predict('coh', ARRAY[i::float8]) FROM "
        "generate_series(1, 10) i");
    tx.exec("FETCH 2 FROM c");
    deploy_second();
    tx.exec("FETCH 2 FROM c");
    tx.exec0("CLOSE c");
    tx.commit();
  }
  EXPECT_EQ(served(conn), second_);
}

TEST_F(CacheCoherenceTest, ARevokeReachesARepeatableReadSessionAtItsNextTransaction) {
  pqxx::connection conn(dsn());
  {
    pqxx::work tx(conn);
    tx.exec0("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    tx.exec0("SET LOCAL ROLE it_app");
    EXPECT_EQ(served_in(tx), first_);
    query("SELECT automl.revoke_project('coh', 'it_app')");
    tx.exec("SELECT count(*) FROM automl.models");
    served_in(tx);  // its snapshot still holds the grant
    tx.commit();
  }
  {
    pqxx::work tx(conn);
    tx.exec0("SET LOCAL ROLE it_app");
    EXPECT_THROW(served_in(tx), pqxx::sql_error)
        << "a revoked grant must not outlive the transaction";
  }
  query("SELECT automl.grant_project('coh', 'it_app', 'predict')");
}

}  // namespace
}  // namespace automl_it
