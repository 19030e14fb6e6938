// log.cpp — see log.hpp.
#include "log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>

namespace automl_worker {
namespace {

struct LogSettings {
  LogFormat format = LogFormat::Text;
  std::string worker;
};

LogSettings& settings() {
  static LogSettings value;
  return value;
}

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Warning:
      return "warning";
    case LogLevel::Error:
      return "error";
    case LogLevel::Info:
      break;
  }
  return "info";
}

// Now in UTC, to the millisecond, with `separator` between date and time ('T' makes
// it RFC 3339; the text format has always used a space).
std::string timestamp(char separator) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char date[16], time[16], out[40];
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  std::strftime(time, sizeof time, "%H:%M:%S", &tm);
  std::snprintf(out, sizeof out, "%s%c%s.%03lldZ", date, separator, time,
                static_cast<long long>(millis));
  return out;
}

}  // namespace

void configure_log(LogFormat format, const std::string& worker) {
  settings().format = format;
  settings().worker = worker;
}

std::string json_log_line(const std::string& time, LogLevel level, const std::string& worker,
                          const char* event, long long job, const std::string& message) {
  nlohmann::ordered_json line;
  line["time"] = time;
  line["level"] = level_name(level);
  line["worker"] = worker;
  line["job"] = job > 0 ? nlohmann::ordered_json(job) : nlohmann::ordered_json(nullptr);
  line["event"] = event;
  line["message"] = message;
  // dump() escapes control characters, so a multi-line error stays on one line; bytes
  // that are not UTF-8 (a message may quote anybody's data) become U+FFFD, not a throw.
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void log_event(LogLevel level, const char* event, long long job, const std::string& message) {
  static std::mutex mutex;
  const LogSettings& s = settings();
  const std::string line = s.format == LogFormat::Json
                               ? json_log_line(timestamp('T'), level, s.worker, event, job, message)
                               : timestamp(' ') + " automl-worker: " + message;
  std::lock_guard<std::mutex> lock(mutex);
  std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace automl_worker
