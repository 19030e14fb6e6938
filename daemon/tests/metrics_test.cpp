// metrics_test.cpp — the Prometheus text format of the metrics registry: HELP and
// TYPE lines, label escaping, number syntax, and cumulative histogram buckets.
#include "metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "worker_metrics.hpp"

namespace automl_worker {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Metrics, CountersAndGaugesRenderWithHelpAndType) {
  MetricsRegistry m;
  m.define("jobs_total", MetricType::Counter, "Jobs run.");
  m.define("depth", MetricType::Gauge, "Queued jobs.");
  m.add("jobs_total", {{"kind", "train"}});
  m.add("jobs_total", {{"kind", "train"}}, 2);
  m.set("depth", {}, 7);
  m.set("depth", {}, 4);
  EXPECT_EQ(m.render(),
            "# HELP jobs_total Jobs run.\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{kind=\"train\"} 3\n"
            "# HELP depth Queued jobs.\n"
            "# TYPE depth gauge\n"
            "depth 4\n");
  EXPECT_EQ(m.value("jobs_total", {{"kind", "train"}}), 3);
  EXPECT_EQ(m.value("jobs_total", {{"kind", "import"}}), 0);
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
  MetricsRegistry m;
  m.define("info", MetricType::Gauge, "A \\ backslash\nand a newline.");
  m.set("info", {{"worker", "a\"b\\c\nd"}, {"version", "1"}}, 1);
  const std::string text = m.render();
  EXPECT_TRUE(contains(text, "# HELP info A \\\\ backslash\\nand a newline.\n")) << text;
  EXPECT_TRUE(contains(text, "info{worker=\"a\\\"b\\\\c\\nd\",version=\"1\"} 1\n")) << text;
  EXPECT_EQ(escape_label_value("plain"), "plain");
  EXPECT_EQ(escape_help("say \"hi\""), "say \"hi\"") << "HELP keeps double quotes";
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  MetricsRegistry m;
  m.define("seconds", MetricType::Histogram, "Durations.", {0.1, 1, 10});
  for (double v : {0.05, 0.1, 0.5, 5.0, 50.0}) m.observe("seconds", {{"kind", "train"}}, v);
  EXPECT_EQ(m.render(),
            "# HELP seconds Durations.\n"
            "# TYPE seconds histogram\n"
            "seconds_bucket{kind=\"train\",le=\"0.1\"} 2\n"  // a bound includes itself
            "seconds_bucket{kind=\"train\",le=\"1\"} 3\n"
            "seconds_bucket{kind=\"train\",le=\"10\"} 4\n"
            "seconds_bucket{kind=\"train\",le=\"+Inf\"} 5\n"
            "seconds_sum{kind=\"train\"} 55.65\n"
            "seconds_count{kind=\"train\"} 5\n");
  EXPECT_EQ(m.value("seconds", {{"kind", "train"}}), 5);
}

TEST(Metrics, HistogramWithoutLabelsAndNaN) {
  MetricsRegistry m;
  m.define("latency", MetricType::Histogram, "One claim.", {0.005, 0.01});
  m.observe("latency", {}, 0.007);
  m.observe("latency", {}, std::nan(""));  // ignored
  const std::string text = m.render();
  EXPECT_TRUE(contains(text, "latency_bucket{le=\"0.005\"} 0\n")) << text;
  EXPECT_TRUE(contains(text, "latency_bucket{le=\"0.01\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "latency_count 1\n")) << text;
}

TEST(Metrics, NumbersUseTheFormatsSyntax) {
  EXPECT_EQ(format_metric_value(0), "0");
  EXPECT_EQ(format_metric_value(123456789), "123456789");
  EXPECT_EQ(format_metric_value(0.005), "0.005");
  EXPECT_EQ(format_metric_value(-2.5), "-2.5");
  EXPECT_EQ(format_metric_value(1e300), "1e+300");
  EXPECT_EQ(format_metric_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_metric_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_metric_value(std::nan("")), "NaN");
}

TEST(Metrics, MisuseIsAProgrammingError) {
  MetricsRegistry m;
  m.define("c_total", MetricType::Counter, "c");
  EXPECT_THROW(m.define("c_total", MetricType::Counter, "again"), std::logic_error);
  EXPECT_THROW(m.define("bad-name", MetricType::Gauge, "x"), std::logic_error);
  EXPECT_THROW(m.define("h", MetricType::Histogram, "x", {1, 1}), std::logic_error);
  EXPECT_THROW(m.add("c_total", {}, -1), std::logic_error);
  EXPECT_THROW(m.set("c_total", {}, 1), std::logic_error);
  EXPECT_THROW(m.add("missing", {}), std::logic_error);
}

TEST(WorkerMetrics, EveryFamilyHasHelpAndTypeAndKnownKinds) {
  const std::string text = worker_metrics().render();
  for (const char* name : {kJobsStarted, kJobsSucceeded, kJobsFailed, kJobsRetried, kJobDuration,
                           kPhaseDuration, kClaimLatency, kQueueDepth, kRunningJobs, kHeartbeats,
                           kReconnects, kResidentMemory, kUp, kInfo}) {
    EXPECT_TRUE(contains(text, std::string("# HELP ") + name + " ")) << name;
    EXPECT_TRUE(contains(text, std::string("# TYPE ") + name + " ")) << name;
  }
  EXPECT_TRUE(contains(text, "automl_worker_jobs_started_total{kind=\"train\"} 0\n")) << text;
  EXPECT_GT(resident_memory_bytes(), 0);
}

TEST(WorkerMetrics, KindLabelsAreBounded) {
  EXPECT_EQ(job_kind_label("train", R"({"relation": "t", "target": "y"})"), "train");
  EXPECT_EQ(job_kind_label("train", R"({"task": "tagging"})"), "tagging");
  EXPECT_EQ(job_kind_label("train", R"({"algorithm": "crf"})"), "tagging");
  EXPECT_EQ(job_kind_label("train", "not json"), "train");
  EXPECT_EQ(job_kind_label("import", "{}"), "import");
  EXPECT_EQ(job_kind_label("design", "{}"), "design");
  EXPECT_EQ(job_kind_label("anything\"else", "{}"), "other");
}

}  // namespace
}  // namespace automl_worker
