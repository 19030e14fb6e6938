// metrics.hpp — a small thread-safe registry of counters, gauges and histograms,
// rendered in Prometheus' text exposition format 0.0.4 for GET /metrics
// (metrics_server.hpp). The worker's own metrics are declared in worker_metrics.hpp.
//
// One mutex guards everything: updates come a few times per job or heartbeat and a
// scrape every few seconds, far too rarely for contention to matter.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace automl_worker {

enum class MetricType { Counter, Gauge, Histogram };

// Label name and value pairs, in the order they are rendered. Values are escaped
// when rendered; names are the program's own and must match [a-zA-Z_][a-zA-Z0-9_]*.
using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricsRegistry {
 public:
  // Declares a family; families render in the order they were declared. A histogram
  // needs ascending upper bounds (+Inf is implied). Throws std::logic_error on a
  // malformed or repeated name.
  void define(const std::string& name, MetricType type, const std::string& help,
              std::vector<double> bounds = {});

  // Counters and gauges: adds `delta` (a counter only grows). Creates the series at
  // 0 first, so add(name, labels, 0) makes a series visible before its first event.
  void add(const std::string& name, const Labels& labels, double delta = 1);
  void set(const std::string& name, const Labels& labels, double value);      // gauges
  void observe(const std::string& name, const Labels& labels, double value);  // histograms

  // A series' value (counters, gauges) or observation count (histograms); 0 if absent.
  double value(const std::string& name, const Labels& labels) const;

  std::string render() const;

 private:
  struct Series {
    double value = 0;                    // counter, gauge
    std::vector<std::uint64_t> buckets;  // histogram: observations per bucket, not cumulative
    double sum = 0;
    std::uint64_t count = 0;
  };
  struct Family {
    std::string name;
    MetricType type;
    std::string help;
    std::vector<double> bounds;
    std::map<Labels, Series> series;
  };
  Family& family(const std::string& name, MetricType a, MetricType b);
  static void render_family(const Family& f, std::string& out);

  mutable std::mutex mutex_;
  std::vector<Family> families_;
};

// The text format's escaping of a label value (backslash, double quote, newline) and
// of a HELP text (backslash, newline), and its number syntax (+Inf, -Inf, NaN; whole
// numbers without exponent).
std::string escape_label_value(const std::string& value);
std::string escape_help(const std::string& help);
std::string format_metric_value(double value);

}  // namespace automl_worker
