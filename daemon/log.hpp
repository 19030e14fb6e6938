// log.hpp — one line per event on stderr; safe across threads.
//
// Two formats (--log-format): text, a timestamped sentence for people, and json, one
// object per line for log shippers, with the event's level, name and job. Call sites
// say what happened with log_event; log_line is an informational "message" event.
#pragma once

#include <string>

namespace automl_worker {

enum class LogLevel { Info, Warning, Error };
enum class LogFormat { Text, Json };

// Set once at start, before any thread logs: the format and the worker's name (a
// json line carries it; a text line does not, as before).
void configure_log(LogFormat format, const std::string& worker);

// `event` is a short machine name ("claimed", "failed", "connect_failed"); `job` the
// job's id, or 0 when the event concerns no job.
void log_event(LogLevel level, const char* event, long long job, const std::string& message);

inline void log_line(const std::string& text) { log_event(LogLevel::Info, "message", 0, text); }

// The json form of one event, without the newline (also for tests).
std::string json_log_line(const std::string& time, LogLevel level, const std::string& worker,
                          const char* event, long long job, const std::string& message);

}  // namespace automl_worker
