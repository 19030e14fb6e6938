// metrics.cpp — see metrics.hpp.
#include "metrics.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace automl_worker {
namespace {

bool valid_name(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == ':';
  });
}

const char* type_name(MetricType type) {
  switch (type) {
    case MetricType::Counter:
      return "counter";
    case MetricType::Gauge:
      return "gauge";
    case MetricType::Histogram:
      break;
  }
  return "histogram";
}

// `{a="x",b="y"}` with `extra` (a histogram's le) last; "" without any label.
std::string label_text(const Labels& labels, const std::string& extra = "") {
  std::string out;
  for (const auto& label : labels)
    out += (out.empty() ? "" : ",") + label.first + "=\"" + escape_label_value(label.second) + "\"";
  if (!extra.empty()) out += (out.empty() ? "" : ",") + extra;
  return out.empty() ? out : "{" + out + "}";
}

}  // namespace

std::string escape_label_value(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escape_help(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_metric_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[32];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    std::snprintf(text, sizeof text, "%.0f", value);
    return text;
  }
  // The shortest form that reads back as the same double: 0.005, not 0.0050000000000000001.
  for (int digits = 15; digits < 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value) return text;
  }
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

void MetricsRegistry::define(const std::string& name, MetricType type, const std::string& help,
                             std::vector<double> bounds) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!valid_name(name)) throw std::logic_error("invalid metric name: " + name);
  for (const auto& f : families_)
    if (f.name == name) throw std::logic_error("metric defined twice: " + name);
  if (type == MetricType::Histogram &&
      (bounds.empty() || !std::is_sorted(bounds.begin(), bounds.end()) ||
       std::adjacent_find(bounds.begin(), bounds.end()) != bounds.end()))
    throw std::logic_error("histogram " + name + " needs ascending bucket bounds");
  if (type != MetricType::Histogram) bounds.clear();
  families_.push_back(Family{name, type, help, std::move(bounds), {}});
}

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, MetricType a,
                                                 MetricType b) {
  for (auto& f : families_)
    if (f.name == name) {
      if (f.type != a && f.type != b) throw std::logic_error("wrong use of metric " + name);
      return f;
    }
  throw std::logic_error("undefined metric: " + name);
}

void MetricsRegistry::add(const std::string& name, const Labels& labels, double delta) {
  std::lock_guard<std::mutex> lock(mutex_);
  Family& f = family(name, MetricType::Counter, MetricType::Gauge);
  if (f.type == MetricType::Counter && !(delta >= 0))
    throw std::logic_error("counter " + name + " can only grow");
  f.series[labels].value += delta;
}

void MetricsRegistry::set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  family(name, MetricType::Gauge, MetricType::Gauge).series[labels].value = value;
}

void MetricsRegistry::observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard<std::mutex> lock(mutex_);
  Family& f = family(name, MetricType::Histogram, MetricType::Histogram);
  if (std::isnan(value)) return;  // it would land in no bucket, and poison the sum
  Series& s = f.series[labels];
  s.buckets.resize(f.bounds.size() + 1);  // the last: above every bound (+Inf only)
  const auto bucket = std::lower_bound(f.bounds.begin(), f.bounds.end(), value) - f.bounds.begin();
  ++s.buckets[static_cast<std::size_t>(bucket)];
  s.sum += value;
  ++s.count;
}

double MetricsRegistry::value(const std::string& name, const Labels& labels) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& f : families_) {
    if (f.name != name) continue;
    const auto it = f.series.find(labels);
    if (it == f.series.end()) return 0;
    return f.type == MetricType::Histogram ? static_cast<double>(it->second.count)
                                           : it->second.value;
  }
  return 0;
}

void MetricsRegistry::render_family(const Family& f, std::string& out) {
  out += "# HELP " + f.name + " " + escape_help(f.help) + "\n";
  out += "# TYPE " + f.name + " " + type_name(f.type) + "\n";
  for (const auto& [labels, s] : f.series) {
    if (f.type != MetricType::Histogram) {
      out += f.name + label_text(labels) + " " + format_metric_value(s.value) + "\n";
      continue;
    }
    // Buckets are cumulative in the format: each counts every observation up to its bound.
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < f.bounds.size(); ++i) {
      cumulative += s.buckets[i];
      out += f.name + "_bucket" +
             label_text(labels, "le=\"" + format_metric_value(f.bounds[i]) + "\"") + " " +
             std::to_string(cumulative) + "\n";
    }
    out += f.name + "_bucket" + label_text(labels, "le=\"+Inf\"") + " " + std::to_string(s.count) +
           "\n";
    out += f.name + "_sum" + label_text(labels) + " " + format_metric_value(s.sum) + "\n";
    out += f.name + "_count" + label_text(labels) + " " + std::to_string(s.count) + "\n";
  }
}

std::string MetricsRegistry::render() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const auto& f : families_) render_family(f, out);
  return out;
}

}  // namespace automl_worker
