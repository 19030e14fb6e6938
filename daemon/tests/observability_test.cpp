// observability_test.cpp — the worker's json log lines, its /healthz body and the
// application_name its connections carry, without a database.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "connection.hpp"
#include "health.hpp"
#include "log.hpp"

namespace automl_worker {
namespace {

TEST(JsonLog, OneObjectPerLineWithTheSixKeys) {
  const std::string line = json_log_line("2026-12-01T10:00:00.123Z", LogLevel::Error, "w1",
                                         "failed", 42, "column \"nope\" does not exist\nLINE 1: …");
  EXPECT_EQ(line.find('\n'), std::string::npos) << "a multi-line error stays on one line";
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j.size(), 6u);
  EXPECT_EQ(j["time"], "2026-12-01T10:00:00.123Z");
  EXPECT_EQ(j["level"], "error");
  EXPECT_EQ(j["worker"], "w1");
  EXPECT_EQ(j["job"], 42);
  EXPECT_EQ(j["event"], "failed");
  EXPECT_EQ(j["message"], "column \"nope\" does not exist\nLINE 1: …");
  EXPECT_EQ(line.rfind("{\"time\":", 0), 0u) << "keys in a fixed order: " << line;
}

TEST(JsonLog, NoJobIsNullAndBadUtf8IsReplaced) {
  const std::string line =
      json_log_line("t", LogLevel::Warning, "w", "connect_failed", 0, "bad \xff byte");
  const auto j = nlohmann::json::parse(line);
  EXPECT_TRUE(j["job"].is_null());
  EXPECT_EQ(j["level"], "warning");
  EXPECT_EQ(j["message"], "bad \xEF\xBF\xBD byte");
  EXPECT_EQ(nlohmann::json::parse(json_log_line("t", LogLevel::Info, "w", "x", 0, ""))["level"],
            "info");
}

TEST(Health, HealthyOnlyConnectedRegisteredAndNotPaused) {
  HealthState h;
  EXPECT_FALSE(h.healthy());
  h.connected = true;
  h.registered = true;
  EXPECT_TRUE(h.healthy());
  const auto j = nlohmann::json::parse(h.json("w \"1\"", 2));
  EXPECT_EQ(j["healthy"], true);
  EXPECT_EQ(j["connected"], true);
  EXPECT_EQ(j["registered"], true);
  EXPECT_EQ(j["paused"], false);
  EXPECT_EQ(j["worker"], "w \"1\"");
  EXPECT_EQ(j["running_jobs"], 2);
  h.paused = true;
  EXPECT_FALSE(h.healthy());
  EXPECT_EQ(nlohmann::json::parse(h.json("w", 0))["healthy"], false);
}

TEST(ApplicationName, AddedAsAFallbackToEveryFormOfDsn) {
  EXPECT_EQ(with_application_name("", "automl-worker control w"),
            "fallback_application_name='automl-worker control w'");
  EXPECT_EQ(with_application_name("host=db port=5433", "a"),
            "host='db' port='5433' fallback_application_name='a'");
  EXPECT_EQ(with_application_name("postgresql://u@db:5433/x", "a"),
            "user='u' dbname='x' host='db' port='5433' fallback_application_name='a'");
  // The dsn's own application_name wins over a fallback, as libpq applies them.
  EXPECT_EQ(with_application_name("application_name=mine", "a"),
            "application_name='mine' fallback_application_name='a'");
  EXPECT_EQ(with_application_name("password='it\\'s \\\\ x'", "w's"),
            "password='it\\'s \\\\ x' fallback_application_name='w\\'s'");
  EXPECT_EQ(with_application_name("host='unterminated", "a"), "host='unterminated")
      << "libpq reports a broken dsn when connecting";
}

}  // namespace
}  // namespace automl_worker
