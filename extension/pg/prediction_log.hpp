// pg/prediction_log.hpp — sampled prediction logging through shared memory.
//
// predict never writes a table: it may run in a parallel worker or a read-only
// transaction, and must not wait on anything. A sampled call appends a record to a
// ring in shared memory (one short LWLock hold, no I/O, dropped and counted when
// the ring is full); the background worker "pg_automl prediction logger" drains the
// ring into automl.prediction_log in batches, and drains it completely before it
// exits on a clean shutdown. Shared memory exists only when pg_automl is in
// shared_preload_libraries; without it predict serves unlogged.
#pragma once

#include <cstdint>

#include "pg/postgres.hpp"

namespace pg_automl {

// One logged output. The strings are JSON texts (features, prediction) or names;
// they are copied into the ring, so they may live in the caller's memory.
struct LogRecord {
  std::int64_t call_id;  // shared by the primary and shadow records of one call
  std::int64_t model_id;
  int arm;  // 1-based arm of an A/B split, 0 without a split
  bool shadow;
  const char* function_name;
  const char* project;
  int project_length;
  const char* features;
  const char* prediction;
};

// From _PG_init. Only while shared_preload_libraries loads the library: its GUCs,
// the shared memory hooks and the background worker; loaded later, nothing (the
// ring does not exist, and predict serves unlogged).
void prediction_log_init();

// True when this backend can log: the ring exists and this is automl.log_database.
bool prediction_log_available();

// A cluster-unique id for one predict call.
std::int64_t next_call_id();

// Appends a record; never blocks beyond the ring's lock, drops it when the ring is full.
void enqueue_prediction_log(const LogRecord& record);

// The logger's side of the ring (prediction_logger.cpp).
struct QueuedRecord {
  Oid database;
  TimestampTz logged_at;
  std::int64_t call_id;
  std::int64_t model_id;
  int arm;
  bool shadow;
  const char* function_name;
  const char* project;
  const char* features;
  const char* prediction;
};
// Moves up to max_bytes of records into palloc'd memory; returns how many (0: empty).
int dequeue_prediction_log(QueuedRecord* out, int max_records, std::size_t max_bytes);
void prediction_log_count_written(std::uint64_t n);
void prediction_log_count_dropped(std::uint64_t n);
void prediction_log_set_worker(bool running);  // publishes this process as the logger
const char* prediction_log_database();
int prediction_log_flush_ms();

}  // namespace pg_automl
