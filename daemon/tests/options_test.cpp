// options_test.cpp — automl-worker's command line: defaults, both spellings of a
// value, ranges, and what makes the program exit at once.
#include "options.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace automl_worker {
namespace {

struct Parsed {
  std::optional<Options> options;
  int exit_code = -1;
};

Parsed parse(std::vector<std::string> args) {
  args.insert(args.begin(), "automl-worker");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  Parsed out;
  out.options = parse_options(static_cast<int>(argv.size()), argv.data(), out.exit_code);
  return out;
}

TEST(ParseOptions, Defaults) {
  const Parsed p = parse({});
  ASSERT_TRUE(p.options);
  EXPECT_EQ(p.options->concurrency, 1);
  EXPECT_FALSE(p.options->once);
  EXPECT_DOUBLE_EQ(p.options->poll_interval, 1.0);
  EXPECT_DOUBLE_EQ(p.options->heartbeat_interval, 2.0);
  EXPECT_DOUBLE_EQ(p.options->rescue_after, 30.0);
  EXPECT_DOUBLE_EQ(p.options->grace_period, 30.0);
  EXPECT_GE(p.options->threads, 1);                         // all cores
  EXPECT_NE(p.options->name.find(':'), std::string::npos);  // host:pid
  EXPECT_GT(p.options->limits.max_memory_bytes, 0);         // half of RAM
  EXPECT_EQ(p.options->limits.max_rows, 50'000'000);
  EXPECT_DOUBLE_EQ(p.options->webhook_timeout, 10.0);
  EXPECT_DOUBLE_EQ(p.options->webhook_retry_base, 5.0);
}

TEST(ParseOptions, ValuesFollowOrJoinTheFlag) {
  const Parsed p =
      parse({"--concurrency", "4", "--name=w1", "--once", "--poll-interval=0.2", "--max-model-mb",
             "2", "--max-memory-mb=3", "--max-rows", "1e3", "--dsn", "dbname=x", "--threads", "2",
             "--webhook-timeout", "2.5", "--webhook-retry-base=0.2"});
  ASSERT_TRUE(p.options);
  EXPECT_EQ(p.options->concurrency, 4);
  EXPECT_EQ(p.options->name, "w1");
  EXPECT_TRUE(p.options->once);
  EXPECT_DOUBLE_EQ(p.options->poll_interval, 0.2);
  EXPECT_EQ(p.options->limits.max_model_bytes, 2LL << 20);
  EXPECT_EQ(p.options->limits.max_memory_bytes, 3LL << 20);
  EXPECT_EQ(p.options->limits.max_rows, 1000);
  EXPECT_EQ(p.options->dsn, "dbname=x");
  EXPECT_EQ(p.options->threads, 2);
  EXPECT_DOUBLE_EQ(p.options->webhook_timeout, 2.5);
  EXPECT_DOUBLE_EQ(p.options->webhook_retry_base, 0.2);
}

TEST(ParseOptions, UsageErrorsExitWithTwo) {
  for (std::vector<std::string> args : {std::vector<std::string>{"--concurrency", "0"},
                                        {"--concurrency", "1.5"},
                                        {"--concurrency", "257"},
                                        {"--threads", "x"},
                                        {"--poll-interval", "0"},
                                        {"--rescue-after", "-1"},
                                        {"--grace-period", "1e7"},
                                        {"--max-rows", "0"},
                                        {"--max-rows", "1.5"},
                                        {"--max-columns", "1e13"},
                                        {"--max-model-mb", "2000000"},
                                        {"--max-job-time", "-3"},
                                        {"--max-memory-mb", "0"},
                                        {"--webhook-timeout", "0"},
                                        {"--webhook-retry-base", "x"},
                                        {"--heartbeat-interval", ""},
                                        {"--name", ""},
                                        {"--dsn"},
                                        {"--bogus"},
                                        {"positional"}}) {
    const Parsed p = parse(args);
    EXPECT_FALSE(p.options) << args[0];
    EXPECT_EQ(p.exit_code, 2) << args[0];
  }
}

TEST(ParseOptions, MonitoringFlags) {
  const Parsed off = parse({});
  ASSERT_TRUE(off.options);
  EXPECT_TRUE(off.options->metrics_host.empty()) << "no metrics server unless asked for";
  EXPECT_EQ(off.options->log_format, LogFormat::Text);

  const Parsed on = parse({"--metrics-address", "127.0.0.1:9187", "--log-format=json"});
  ASSERT_TRUE(on.options);
  EXPECT_EQ(on.options->metrics_host, "127.0.0.1");
  EXPECT_EQ(on.options->metrics_port, 9187);
  EXPECT_EQ(on.options->log_format, LogFormat::Json);

  const Parsed v6 = parse({"--metrics-address=[::1]:65535"});
  ASSERT_TRUE(v6.options);
  EXPECT_EQ(v6.options->metrics_host, "::1");
  EXPECT_EQ(v6.options->metrics_port, 65535);

  for (const char* bad : {"", "9187", ":9187", "host:", "host:0", "host:65536", "host:9x",
                          "host:-1", "::1:9187", "[]:9187", "[::1:9187", "host:+80"}) {
    const Parsed p = parse({"--metrics-address", bad});
    EXPECT_FALSE(p.options) << bad;
    EXPECT_EQ(p.exit_code, 2) << bad;
  }
  for (const char* bad : {"", "JSON", "xml"}) {
    const Parsed p = parse({"--log-format", bad});
    EXPECT_EQ(p.exit_code, 2) << bad;
  }
}

TEST(ParseOptions, HelpAndVersionExitWithZero) {
  for (const char* flag : {"--help", "-h", "--version"}) {
    testing::internal::CaptureStdout();
    const Parsed p = parse({flag});
    const std::string out = testing::internal::GetCapturedStdout();
    EXPECT_FALSE(p.options) << flag;
    EXPECT_EQ(p.exit_code, 0) << flag;
    EXPECT_NE(out.find("automl-worker"), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace automl_worker
