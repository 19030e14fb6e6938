// webhook_test.cpp — signed webhooks through real processes: a python3 receiver on
// 127.0.0.1 (webhook_receiver.py, which verifies signatures as docs/webhooks.md tells
// receivers to) and a worker with short retry delays. Retries, giving up, a job that
// fails after its last attempt, deployments, a tenant's URL that is no longer allowed,
// and what another tenant can see.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "failure.hpp"
#include "harness.hpp"

namespace automl_it {
namespace {

// One webhook_receiver.py process; its requests are read back from its log.
class Receiver {
 public:
  explicit Receiver(std::vector<std::string> flags = {}) {
    char dir[] = "/tmp/automl-webhook-XXXXXX";
    if (mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = dir;
    std::vector<std::string> args = {"/usr/bin/python3",
                                     AUTOML_SOURCE_DIR "/tests/integration/webhook_receiver.py",
                                     dir_ + "/port", dir_ + "/log"};
    args.insert(args.end(), flags.begin(), flags.end());
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int i = 0; i < 500 && port_ == 0; ++i) {
      std::ifstream in(dir_ + "/port");
      if (!(in >> port_)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (port_ == 0) throw std::runtime_error("the webhook receiver did not start");
  }
  ~Receiver() {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    for (const char* f : {"/port", "/log"}) unlink((dir_ + f).c_str());
    rmdir(dir_.c_str());
  }
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<nlohmann::json> requests() const {
    std::vector<nlohmann::json> out;
    std::ifstream in(dir_ + "/log");
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
  }

 private:
  pid_t pid_ = -1;
  std::string dir_;
  int port_ = 0;
};

std::string quoted(const std::string& s) { return pqxx::connection(dsn()).quote(s); }

// ALTER SYSTEM refuses to run in a transaction block.
void outside_transaction(const std::string& sql) {
  pqxx::connection conn(dsn());
  pqxx::nontransaction tx(conn);
  tx.exec(sql);
}

// A worker that retries webhooks after 0.2 s (doubling) and waits 2 s for a receiver.
std::vector<std::string> fast_webhooks() {
  return {"--webhook-retry-base", "0.2", "--webhook-timeout", "2", "--poll-interval", "0.2"};
}

long long create_webhook(const std::string& project, const std::string& url,
                         const std::string& extra = "", const std::string& as_role = "") {
  const std::string role = as_role.empty() ? "" : "SET LOCAL ROLE " + as_role + "; ";
  return query(role + "SELECT automl.create_webhook(" + quoted(project) + ", " + quoted(url) +
               extra + ")")[0][0]
      .as<long long>();
}

std::string where_webhook(long long id) {
  return " FROM automl.webhook_deliveries WHERE webhook_id = " + std::to_string(id);
}

// The SQLSTATE a statement raises, or "none".
std::string sqlstate_of(const std::string& sql) {
  try {
    query(sql);
  } catch (const pqxx::sql_error& e) {
    return automl_worker::sqlstate_of(e);
  }
  return "none";
}

class WebhookTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    recreate_database();
    query(
        "CREATE TABLE hook_pts AS SELECT i::float8 AS x, 2.0 * i + 1 AS y FROM "
        "generate_series(1, 100) i; GRANT SELECT ON hook_pts TO PUBLIC");
    // Roles are the cluster's: another suite (or run) may have made them.
    query(
        "DO $$ DECLARE r text; BEGIN FOREACH r IN ARRAY ARRAY['hook_tenant', 'hook_other', "
        "'hook_admin'] LOOP IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN "
        "EXECUTE format('CREATE ROLE %I', r); END IF; END LOOP; END $$; "
        "GRANT automl_user TO hook_tenant, hook_other; GRANT automl_admin TO hook_admin");
    query("SELECT automl.train('hooks', 'hook_pts', 'y', algorithm => 'linear')");
    query(
        "SET LOCAL ROLE hook_tenant; SELECT automl.train('tenant_hooks', 'hook_pts', 'y', "
        "algorithm => 'linear')");
    WorkerProcess trainer({"--once"});
    ASSERT_EQ(trainer.wait_exit(120), 0);
    ASSERT_EQ(one("SELECT count(*) FROM automl.projects")[0].as<int>(), 2);
  }
  static void TearDownTestSuite() {
    outside_transaction("ALTER SYSTEM RESET automl.import_allowed_urls");
    query("SELECT pg_reload_conf()");
  }
  void SetUp() override { query("DELETE FROM automl.webhook_endpoints"); }
};

// Sets automl.import_allowed_urls for every session, the worker's included.
void allow_urls(const std::string& prefixes) {
  outside_transaction("ALTER SYSTEM SET automl.import_allowed_urls = " + quoted(prefixes));
  query("SELECT pg_reload_conf()");
  ASSERT_TRUE(
      eventually("SELECT current_setting('automl.import_allowed_urls') = " + quoted(prefixes), 10));
}

TEST_F(WebhookTest, RetriedUntilTheReceiverAcceptsAndSigned) {
  Receiver receiver({"--fail-first", "2", "--secret", "s3cr3t"});
  const long long hook =
      create_webhook("hooks", receiver.base() + "/hook", ", ARRAY['model.deployed'], 's3cr3t'");
  WorkerProcess worker(fast_webhooks());
  const auto model = one("SELECT automl.deploy('hooks', 'most_recent')")[0].as<long long>();
  ASSERT_TRUE(eventually(
      "SELECT EXISTS (SELECT 1" + where_webhook(hook) + " AND status = 'delivered')", 60));
  const auto d =
      one("SELECT id, attempts, last_status_code, last_error IS NULL" + where_webhook(hook));
  EXPECT_EQ(d[1].as<int>(), 3);
  EXPECT_EQ(d[2].as<int>(), 204);
  EXPECT_TRUE(d[3].as<bool>());
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) {
    EXPECT_TRUE(r["verified"].get<bool>()) << r.dump();
    EXPECT_EQ(r["body"], requests[0]["body"]) << "the same bytes at every attempt";
    EXPECT_EQ(r["event"], "model.deployed");
    EXPECT_EQ(r["delivery"], d[0].as<std::string>());
    EXPECT_EQ(r["content_type"], "application/json");
    EXPECT_EQ(r["path"], "/hook");
  }
  const auto body = nlohmann::json::parse(requests[0]["body"].get<std::string>());
  EXPECT_EQ(body["event"], "model.deployed");
  EXPECT_EQ(body["delivery_id"], d[0].as<long long>());
  EXPECT_EQ(body["project"], "hooks");
  EXPECT_EQ(body["model"]["id"], model);
  EXPECT_EQ(body["model"]["version"], 1);
  EXPECT_EQ(body["deployment"]["strategy"], "most_recent");
  EXPECT_TRUE(body["model"]["metrics"].contains("r2"));
  EXPECT_TRUE(body["occurred_at"].is_string());
}

TEST_F(WebhookTest, FailedAfterMaxAttemptsRedirectsAndTimeouts) {
  Receiver refusing({"--always", "500"}), redirecting({"--always", "302"}), slow({"--sleep", "5"});
  const long long h500 = create_webhook("hooks", refusing.base() + "/", ", max_attempts => 3");
  const long long h302 = create_webhook("hooks", redirecting.base() + "/", ", max_attempts => 1");
  const long long hslow = create_webhook("hooks", slow.base() + "/", ", max_attempts => 1");
  WorkerProcess worker(fast_webhooks());
  query("SELECT automl.deploy('hooks', 'most_recent')");
  for (long long id : {h500, h302, hslow})
    ASSERT_TRUE(
        eventually("SELECT EXISTS (SELECT 1" + where_webhook(id) + " AND status = 'failed')", 60))
        << id;
  auto d = one("SELECT attempts, last_status_code, last_error" + where_webhook(h500));
  EXPECT_EQ(d[0].as<int>(), 3);
  EXPECT_EQ(d[1].as<int>(), 500);
  EXPECT_EQ(d[2].as<std::string>(), "HTTP 500");
  EXPECT_EQ(refusing.requests().size(), 3u);
  d = one("SELECT attempts, last_status_code, last_error" + where_webhook(h302));
  EXPECT_EQ(d[1].as<int>(), 302);
  EXPECT_NE(d[2].as<std::string>().find("redirects are not followed"), std::string::npos);
  d = one("SELECT attempts, last_status_code IS NULL, last_error" + where_webhook(hslow));
  EXPECT_TRUE(d[1].as<bool>());
  EXPECT_NE(d[2].as<std::string>().find("timed out"), std::string::npos) << d[2].c_str();
}

TEST_F(WebhookTest, JobFailedOnlyAfterItsLastAttempt) {
  Receiver receiver;
  const long long hook = create_webhook("hooks", receiver.base() + "/jobs",
                                        ", ARRAY['job.failed', 'job.succeeded', 'job.cancelled']");
  WorkerProcess worker(fast_webhooks());
  const auto job = one("INSERT INTO automl.jobs (kind, project, max_attempts, spec) VALUES "
                       "('noop', 'hooks', 2, '{\"fail_attempts\": 5}') RETURNING id")[0]
                       .as<long long>();
  ASSERT_TRUE(eventually(
      "SELECT EXISTS (SELECT 1" + where_webhook(hook) + " AND status = 'delivered')", 60));
  const auto j = one("SELECT status, attempts FROM automl.jobs WHERE id = " + std::to_string(job));
  EXPECT_EQ(j[0].as<std::string>(), "failed");
  EXPECT_EQ(j[1].as<int>(), 2);
  // One event for the job: its retried first attempt announced nothing.
  EXPECT_EQ(one("SELECT count(*)" + where_webhook(hook))[0].as<int>(), 1);
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto body = nlohmann::json::parse(requests[0]["body"].get<std::string>());
  EXPECT_EQ(body["event"], "job.failed");
  EXPECT_EQ(body["job"]["id"], job);
  EXPECT_EQ(body["job"]["kind"], "noop");
  EXPECT_EQ(body["job"]["status"], "failed");
  EXPECT_NE(body["job"]["error"].get<std::string>().find("fail attempt 2"), std::string::npos);
  EXPECT_FALSE(body.contains("model"));
  EXPECT_FALSE(requests[0]["signature"].is_string()) << "no secret, no signature";
}

TEST_F(WebhookTest, TrainingJobAnnouncesItsModelAndDeployment) {
  Receiver receiver;
  const long long hook = create_webhook("hooks", receiver.base() + "/");
  WorkerProcess worker(fast_webhooks());
  const auto job = one("SELECT automl.train('hooks', 'hook_pts', 'y', algorithm => 'ridge', "
                       "deploy => 'always')")[0]
                       .as<long long>();
  ASSERT_TRUE(eventually(
      "SELECT count(*) = 2 AND bool_and(status = 'delivered')" + where_webhook(hook), 120));
  const auto model = one("SELECT (result->>'model_id')::bigint FROM automl.jobs WHERE id = " +
                         std::to_string(job))[0]
                         .as<long long>();
  std::map<std::string, nlohmann::json> by_event;
  for (const auto& r : receiver.requests())
    by_event[r["event"]] = nlohmann::json::parse(r["body"].get<std::string>());
  ASSERT_EQ(by_event.size(), 2u);
  EXPECT_EQ(by_event["job.succeeded"]["job"]["id"], job);
  EXPECT_EQ(by_event["job.succeeded"]["job"]["status"], "succeeded");
  EXPECT_EQ(by_event["job.succeeded"]["model"]["id"], model);
  EXPECT_EQ(by_event["model.deployed"]["model"]["id"], model);
  EXPECT_EQ(by_event["model.deployed"]["deployment"]["strategy"], "job:always");
}

TEST_F(WebhookTest, TenantUrlNoLongerAllowedIsNeverPosted) {
  Receiver receiver;
  allow_urls(receiver.base() + "/allowed");
  const long long hook =
      create_webhook("tenant_hooks", receiver.base() + "/allowed/hook",
                     ", ARRAY['model.deployed'], max_attempts => 2", "hook_tenant");
  EXPECT_EQ(
      sqlstate_of("SET LOCAL ROLE hook_tenant; SELECT automl.create_webhook('tenant_hooks', " +
                  quoted(receiver.base() + "/elsewhere") + ")"),
      "42501");
  WorkerProcess worker(fast_webhooks());
  query("SET LOCAL ROLE hook_tenant; SELECT automl.deploy('tenant_hooks', 'most_recent')");
  ASSERT_TRUE(eventually(
      "SELECT EXISTS (SELECT 1" + where_webhook(hook) + " AND status = 'delivered')", 60));
  allow_urls(receiver.base() + "/other");
  query("SET LOCAL ROLE hook_tenant; SELECT automl.deploy('tenant_hooks', 'most_recent')");
  ASSERT_TRUE(
      eventually("SELECT EXISTS (SELECT 1" + where_webhook(hook) + " AND status = 'failed')", 60));
  const auto d = one("SELECT attempts, last_status_code IS NULL, last_error" + where_webhook(hook) +
                     " AND status = 'failed'");
  EXPECT_EQ(d[0].as<int>(), 2);
  EXPECT_TRUE(d[1].as<bool>());
  EXPECT_NE(d[2].as<std::string>().find("is not allowed for role \"hook_tenant\""),
            std::string::npos)
      << d[2].c_str();
  EXPECT_EQ(receiver.requests().size(), 1u) << "only the delivery made while it was allowed";
}

TEST_F(WebhookTest, OtherTenantsSeeNothingAndSecretsAreNeverSelectable) {
  allow_urls("http://127.0.0.1:9/");
  const long long hook = create_webhook("tenant_hooks", "http://127.0.0.1:9/x",
                                        ", secret => 'tenant-secret'", "hook_tenant");
  query("SET LOCAL ROLE hook_tenant; SELECT automl.deploy('tenant_hooks', 'most_recent')");
  const std::string id = std::to_string(hook);
  const std::string as_other = "SET LOCAL ROLE hook_other; ";
  EXPECT_EQ(query(as_other + "SELECT * FROM automl.webhooks").size(), 0u);
  EXPECT_EQ(query(as_other + "SELECT * FROM automl.webhook_deliveries").size(), 0u);
  EXPECT_EQ(sqlstate_of(as_other + "SELECT automl.drop_webhook(" + id + ")"), "42501");
  EXPECT_EQ(sqlstate_of(as_other + "SELECT automl.drop_webhook(" + id + "0)"), "42704");
  const std::string as_tenant = "SET LOCAL ROLE hook_tenant; ";
  EXPECT_EQ(query(as_tenant + "SELECT * FROM automl.webhooks").size(), 1u);
  EXPECT_TRUE(one(as_tenant + "SELECT has_secret FROM automl.webhooks")[0].as<bool>());
  EXPECT_EQ(query(as_tenant + "SELECT * FROM automl.webhook_deliveries").size(), 1u);
  for (const char* role : {"hook_tenant", "hook_other", "hook_admin", "automl_worker"})
    EXPECT_EQ(sqlstate_of(std::string("SET LOCAL ROLE ") + role +
                          "; SELECT secret FROM automl.webhook_endpoints"),
              "42501")
        << role;
  EXPECT_EQ(sqlstate_of(as_tenant + "SELECT automl_internal._webhook_secret(" + id + ")"), "42501");
  EXPECT_EQ(one(as_tenant + "SELECT automl.drop_webhook(" + id + ")")[0].as<bool>(), true);
  EXPECT_EQ(one("SELECT count(*) FROM automl.webhook_deliveries")[0].as<int>(), 0);
}

}  // namespace
}  // namespace automl_it
