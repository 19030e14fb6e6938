// pg/prediction_log.cpp — the shared ring of prediction-log records, its GUCs, and the
// SQL functions that report on it. The worker that drains it is prediction_logger.cpp.
#include <algorithm>
#include <cstring>

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/guard.hpp"
#include "pg/prediction_log.hpp"

extern "C" {
#include "access/xlog.h"
#include "commands/dbcommands.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/guc.h"
}

namespace pg_automl {
namespace {

char* log_database = nullptr;
int log_queue_kb = 8192;
int log_flush_ms = 200;

// Each record is this header followed by its four strings, each NUL-terminated
// (function name, project, features, prediction). Records wrap around the ring's end.
struct RecordHeader {
  std::uint32_t size;  // header and strings
  Oid database;
  TimestampTz logged_at;
  std::int64_t call_id;
  std::int64_t model_id;
  std::int32_t arm;
  std::uint32_t shadow;
  std::uint32_t lengths[4];  // without the NULs
};

struct LogQueue {
  LWLock* lock;
  pg_atomic_uint64 next_call_id;
  pg_atomic_uint64 enqueued, written, dropped;
  // Byte positions that only grow; the ring offset is position % capacity. Under lock.
  std::uint64_t head, tail;
  int worker_pid;  // 0 while no logger runs; under lock
  Latch* worker_latch;
  std::uint64_t capacity;
  char data[FLEXIBLE_ARRAY_MEMBER];
};

LogQueue* queue = nullptr;
shmem_request_hook_type previous_request_hook = nullptr;
shmem_startup_hook_type previous_startup_hook = nullptr;

std::size_t queue_bytes() { return static_cast<std::size_t>(log_queue_kb) * 1024; }

void request_shared_memory() {
  if (previous_request_hook != nullptr) previous_request_hook();
  RequestAddinShmemSpace(add_size(offsetof(LogQueue, data), queue_bytes()));
  RequestNamedLWLockTranche("pg_automl", 1);
}

void attach_shared_memory() {
  if (previous_startup_hook != nullptr) previous_startup_hook();
  LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
  bool found = false;
  auto* q = static_cast<LogQueue*>(ShmemInitStruct(
      "pg_automl prediction log", offsetof(LogQueue, data) + queue_bytes(), &found));
  if (!found) {
    q->lock = &(GetNamedLWLockTranche("pg_automl"))->lock;
    // Call ids start at the server's start time in microseconds, so they stay
    // unique across restarts without a sequence (and without writing anything).
    pg_atomic_init_u64(&q->next_call_id, static_cast<std::uint64_t>(GetCurrentTimestamp()));
    pg_atomic_init_u64(&q->enqueued, 0);
    pg_atomic_init_u64(&q->written, 0);
    pg_atomic_init_u64(&q->dropped, 0);
    q->head = q->tail = 0;
    q->worker_pid = 0;
    q->worker_latch = nullptr;
    q->capacity = queue_bytes();
  }
  LWLockRelease(AddinShmemInitLock);
  queue = q;
}

void register_logger() {
  BackgroundWorker worker;
  std::memset(&worker, 0, sizeof worker);
  worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
  worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
  worker.bgw_restart_time = 5;
  snprintf(worker.bgw_library_name, BGW_MAXLEN, "pg_automl");
  snprintf(worker.bgw_function_name, BGW_MAXLEN, "automl_prediction_logger_main");
  snprintf(worker.bgw_name, BGW_MAXLEN, "pg_automl prediction logger");
  snprintf(worker.bgw_type, BGW_MAXLEN, "pg_automl prediction logger");
  RegisterBackgroundWorker(&worker);
}

void ring_write(std::uint64_t position, const void* bytes, std::size_t n) {
  const std::size_t at = position % queue->capacity;
  const std::size_t first = std::min<std::size_t>(n, queue->capacity - at);
  std::memcpy(queue->data + at, bytes, first);
  std::memcpy(queue->data, static_cast<const char*>(bytes) + first, n - first);
}

void ring_read(std::uint64_t position, void* bytes, std::size_t n) {
  const std::size_t at = position % queue->capacity;
  const std::size_t first = std::min<std::size_t>(n, queue->capacity - at);
  std::memcpy(bytes, queue->data + at, first);
  std::memcpy(static_cast<char*>(bytes) + first, queue->data, n - first);
}

// -1: not yet known for this backend; 0 or 1 afterwards (the database never changes).
int in_log_database = -1;

}  // namespace

void prediction_log_init() {
  if (!process_shared_preload_libraries_in_progress) return;
  DefineCustomStringVariable(
      "automl.log_database", "Database whose automl.prediction_log the logger writes.",
      "Prediction logging works in this one database, like pg_cron's cron.database_name.",
      &log_database, "postgres", PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "automl.log_queue_size", "Shared memory for prediction-log records not yet written.",
      "Records beyond it are dropped (counted in automl.prediction_log_status()), never waited "
      "for.",
      &log_queue_kb, 8192, 64, 1024 * 1024, PGC_POSTMASTER, GUC_UNIT_KB, nullptr, nullptr, nullptr);
  DefineCustomIntVariable(
      "automl.log_flush_interval", "How often the prediction logger writes its queue.", nullptr,
      &log_flush_ms, 200, 10, 60000, PGC_SIGHUP, GUC_UNIT_MS, nullptr, nullptr, nullptr);
  previous_request_hook = shmem_request_hook;
  shmem_request_hook = request_shared_memory;
  previous_startup_hook = shmem_startup_hook;
  shmem_startup_hook = attach_shared_memory;
  register_logger();
}

bool prediction_log_available() {
  // A standby writes nothing (and the logger starts only once recovery is over).
  if (queue == nullptr || RecoveryInProgress()) return false;
  if (in_log_database < 0) {
    const char* name = get_database_name(MyDatabaseId);
    in_log_database =
        name != nullptr && log_database != nullptr && std::strcmp(name, log_database) == 0;
  }
  return in_log_database == 1;
}

std::int64_t next_call_id() {
  if (queue == nullptr) return 0;
  return static_cast<std::int64_t>(pg_atomic_fetch_add_u64(&queue->next_call_id, 1));
}

void enqueue_prediction_log(const LogRecord& r) {
  if (queue == nullptr) return;
  const char* strings[4] = {r.function_name, r.project, r.features, r.prediction};
  RecordHeader h;
  std::memset(&h, 0, sizeof h);
  h.size = sizeof h;
  for (int i = 0; i < 4; ++i) {
    h.lengths[i] = static_cast<std::uint32_t>(i == 1 ? r.project_length : std::strlen(strings[i]));
    h.size += h.lengths[i] + 1;
  }
  h.database = MyDatabaseId;
  h.logged_at = GetCurrentTimestamp();
  h.call_id = r.call_id;
  h.model_id = r.model_id;
  h.arm = r.arm;
  h.shadow = r.shadow;
  pg_atomic_fetch_add_u64(&queue->enqueued, 1);
  if (h.size > queue->capacity / 8) {  // one huge row must not starve the others
    pg_atomic_fetch_add_u64(&queue->dropped, 1);
    return;
  }
  static const char nul = '\0';
  Latch* wake = nullptr;
  LWLockAcquire(queue->lock, LW_EXCLUSIVE);
  if (queue->head - queue->tail + h.size > queue->capacity) {
    LWLockRelease(queue->lock);
    pg_atomic_fetch_add_u64(&queue->dropped, 1);
    return;
  }
  std::uint64_t at = queue->head;
  ring_write(at, &h, sizeof h);
  at += sizeof h;
  for (int i = 0; i < 4; ++i) {
    ring_write(at, strings[i], h.lengths[i]);
    ring_write(at + h.lengths[i], &nul, 1);
    at += h.lengths[i] + 1;
  }
  queue->head = at;
  // The logger polls every automl.log_flush_interval; wake it early only when the
  // ring is a quarter full, so a busy server does not signal it per record.
  if ((queue->head - queue->tail) * 4 > queue->capacity) wake = queue->worker_latch;
  LWLockRelease(queue->lock);
  if (wake != nullptr) SetLatch(wake);
}

int dequeue_prediction_log(QueuedRecord* out, int max_records, std::size_t max_bytes) {
  if (queue == nullptr) return 0;
  int n = 0;
  std::size_t taken = 0;
  LWLockAcquire(queue->lock, LW_EXCLUSIVE);
  while (n < max_records && queue->tail < queue->head) {
    RecordHeader h;
    ring_read(queue->tail, &h, sizeof h);
    if (n > 0 && taken + h.size > max_bytes) break;
    char* strings = static_cast<char*>(palloc(h.size - sizeof h));
    ring_read(queue->tail + sizeof h, strings, h.size - sizeof h);
    QueuedRecord& r = out[n++];
    r.database = h.database;
    r.logged_at = h.logged_at;
    r.call_id = h.call_id;
    r.model_id = h.model_id;
    r.arm = h.arm;
    r.shadow = h.shadow != 0;
    const char** fields[4] = {&r.function_name, &r.project, &r.features, &r.prediction};
    for (int i = 0; i < 4; ++i) {
      *fields[i] = strings;
      strings += h.lengths[i] + 1;
    }
    queue->tail += h.size;
    taken += h.size;
  }
  LWLockRelease(queue->lock);
  return n;
}

void prediction_log_count_written(std::uint64_t n) { pg_atomic_fetch_add_u64(&queue->written, n); }
void prediction_log_count_dropped(std::uint64_t n) { pg_atomic_fetch_add_u64(&queue->dropped, n); }

void prediction_log_set_worker(bool running) {
  LWLockAcquire(queue->lock, LW_EXCLUSIVE);
  queue->worker_pid = running ? MyProcPid : 0;
  queue->worker_latch = running ? MyLatch : nullptr;
  LWLockRelease(queue->lock);
}

const char* prediction_log_database() { return log_database; }
int prediction_log_flush_ms() { return log_flush_ms; }

// Raises unless this backend can log predictions: called by automl.set_logging
// before it turns logging on, so the user learns what is missing then, not never.
AUTOML_FUNCTION(automl_prediction_log_check) {
  if (queue == nullptr)
    ereport(ERROR,
            (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
             errmsg("prediction logging needs pg_automl in shared_preload_libraries"),
             errdetail("Logged predictions travel through shared memory to a background worker, "
                       "which exist only when the library is loaded at server start."),
             errhint("Add shared_preload_libraries = 'pg_automl' and automl.log_database = '%s' to "
                     "postgresql.conf and restart. predict works without it, unlogged.",
                     get_database_name(MyDatabaseId))));
  if (!prediction_log_available())
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("prediction logging writes to database \"%s\", not \"%s\"", log_database,
                           get_database_name(MyDatabaseId)),
                    errhint("Set automl.log_database = '%s' in postgresql.conf and restart.",
                            get_database_name(MyDatabaseId))));
  PG_RETURN_VOID();
}

// One row: whether logging is possible here, and the ring's counters since start.
AUTOML_FUNCTION(automl_prediction_log_status) {
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
    elog(ERROR, "return type must be a row type");
  desc = BlessTupleDesc(desc);
  Datum values[8];
  bool nulls[8] = {false, false, false, false, false, false, false, false};
  values[0] = BoolGetDatum(prediction_log_available());
  if (queue == nullptr) {
    for (int i = 1; i < 8; ++i) nulls[i] = true;
  } else {
    LWLockAcquire(queue->lock, LW_SHARED);
    const std::uint64_t queued = queue->head - queue->tail;
    const int pid = queue->worker_pid;
    LWLockRelease(queue->lock);
    values[1] = CStringGetTextDatum(log_database);
    values[2] = Int32GetDatum(pid);
    nulls[2] = pid == 0;
    values[3] = Int64GetDatum(static_cast<int64>(queued));
    values[4] = Int64GetDatum(static_cast<int64>(queue->capacity));
    values[5] = Int64GetDatum(static_cast<int64>(pg_atomic_read_u64(&queue->enqueued)));
    values[6] = Int64GetDatum(static_cast<int64>(pg_atomic_read_u64(&queue->written)));
    values[7] = Int64GetDatum(static_cast<int64>(pg_atomic_read_u64(&queue->dropped)));
  }
  PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

}  // namespace pg_automl
