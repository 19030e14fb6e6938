// registry_test.cpp — a live worker keeps its row in automl.workers: it registers again
// when the row is deleted, and it waits out DROP/CREATE EXTENSION with one log line
// instead of an error every 200 ms, then serves the new queue.
#include <thread>

#include "harness.hpp"

namespace automl_it {
namespace {

class RegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { recreate_database(); }
};

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(RegistryTest, ADeletedRowComesBack) {
  WorkerProcess worker({"--name", "reg-a", "--heartbeat-interval", "0.3"}, true, true);
  ASSERT_TRUE(worker_registered("reg-a"));
  query("DELETE FROM automl.workers WHERE id = 'reg-a'");
  EXPECT_TRUE(eventually("SELECT count(*) = 1 FROM automl.workers WHERE id = 'reg-a'", 10));
  worker.signal(SIGTERM);
  ASSERT_EQ(worker.wait_exit(30), 0);
  EXPECT_EQ(count_of(worker.output(), "registered again"), 1u) << worker.output();
}

TEST_F(RegistryTest, AWorkerWaitsOutDropAndCreateExtension) {
  WorkerProcess worker({"--name", "reg-b", "--heartbeat-interval", "0.3", "--poll-interval", "0.2"},
                       true, true);
  ASSERT_TRUE(worker_registered("reg-b"));
  query("DROP EXTENSION pg_automl CASCADE");
  std::this_thread::sleep_for(std::chrono::seconds(2));
  query("CREATE EXTENSION pg_automl");
  EXPECT_TRUE(eventually("SELECT count(*) = 1 FROM automl.workers WHERE id = 'reg-b'", 10));
  const auto id = one("INSERT INTO automl.jobs (kind, spec) VALUES ('noop', '{}') RETURNING id")[0]
                      .as<long long>();
  EXPECT_TRUE(eventually(
      "SELECT status = 'succeeded' FROM automl.jobs WHERE id = " + std::to_string(id), 20));
  worker.signal(SIGTERM);
  ASSERT_EQ(worker.wait_exit(30), 0);
  const std::string& log = worker.output();
  EXPECT_EQ(count_of(log, "waiting for CREATE EXTENSION pg_automl"), 1u) << log;
  EXPECT_EQ(count_of(log, "pg_automl is installed again"), 1u) << log;
  EXPECT_EQ(count_of(log, "runner error"), 0u) << log;
}

}  // namespace
}  // namespace automl_it
