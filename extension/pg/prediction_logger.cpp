// pg/prediction_logger.cpp — the background worker that drains the shared ring into
// automl.prediction_log. It writes in batches (one INSERT … SELECT FROM unnest per
// batch), wakes every automl.log_flush_interval or when the ring fills, and on SIGTERM
// (any clean shutdown) drains the ring completely before it exits, so records
// enqueued before the shutdown are committed before the shutdown checkpoint.
#include "pg/prediction_log.hpp"

extern "C" {
#include "access/xact.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "tcop/tcopprot.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/wait_event.h"
}

namespace pg_automl {

extern "C" PGDLLEXPORT void automl_prediction_logger_main(Datum);

namespace {

constexpr int kBatchRecords = 5000;
constexpr std::size_t kBatchBytes = 4 * 1024 * 1024;

volatile sig_atomic_t stop_requested = false;

void on_sigterm(SIGNAL_ARGS) {
  const int saved_errno = errno;
  stop_requested = true;
  SetLatch(MyLatch);
  errno = saved_errno;
}

const char* const kInsert =
    "INSERT INTO automl.prediction_log"
    "  (logged_at, project, model_id, shadow, arm, call_id, function_name, features, prediction)"
    " SELECT t, p, m, s, nullif(a, 0), c, f, x::jsonb, y::jsonb"
    "   FROM unnest($1::timestamptz[], $2::text[], $3::int8[], $4::bool[], $5::int4[], $6::int8[],"
    "               $7::text[], $8::text[], $9::text[]) AS r(t, p, m, s, a, c, f, x, y)";

ArrayType* array_of(Datum* values, int n, Oid type) {
  int16 length;
  bool by_value;
  char align;
  get_typlenbyvalalign(type, &length, &by_value, &align);
  return construct_array(values, n, type, length, by_value, align);
}

// Keeps the records of this database at the front of `records` and returns how
// many; the others (logged before automl.log_database changed) are counted as dropped.
int keep_this_database(QueuedRecord* records, int n) {
  int kept = 0;
  for (int i = 0; i < n; ++i)
    if (records[i].database == MyDatabaseId) records[kept++] = records[i];
  if (kept < n) prediction_log_count_dropped(static_cast<std::uint64_t>(n - kept));
  return kept;
}

// Writes n records (of this database) in one transaction.
void write_batch(const QueuedRecord* records, int n) {
  Datum* columns[9];
  for (auto& column : columns)
    column = static_cast<Datum*>(palloc(sizeof(Datum) * static_cast<size_t>(n)));
  for (int i = 0; i < n; ++i) {
    const QueuedRecord& r = records[i];
    columns[0][i] = TimestampTzGetDatum(r.logged_at);
    columns[1][i] = CStringGetTextDatum(r.project);
    columns[2][i] = Int64GetDatum(r.model_id);
    columns[3][i] = BoolGetDatum(r.shadow);
    columns[4][i] = Int32GetDatum(r.arm);
    columns[5][i] = Int64GetDatum(r.call_id);
    columns[6][i] = CStringGetTextDatum(r.function_name);
    columns[7][i] = CStringGetTextDatum(r.features);
    columns[8][i] = CStringGetTextDatum(r.prediction);
  }
  const Oid types[9] = {TIMESTAMPTZOID, TEXTOID, INT8OID, BOOLOID, INT4OID,
                        INT8OID,        TEXTOID, TEXTOID, TEXTOID};
  Oid array_types[9];
  Datum args[9];

  SetCurrentStatementStartTimestamp();
  StartTransactionCommand();
  pgstat_report_activity(STATE_RUNNING, "pg_automl: writing automl.prediction_log");
  SPI_connect();
  PushActiveSnapshot(GetTransactionSnapshot());
  for (int c = 0; c < 9; ++c) {
    array_types[c] = get_array_type(types[c]);
    args[c] = PointerGetDatum(array_of(columns[c], n, types[c]));
  }
  if (SPI_execute_with_args(kInsert, 9, array_types, args, nullptr, false, 0) != SPI_OK_INSERT)
    elog(ERROR, "pg_automl prediction logger: INSERT failed");
  SPI_finish();
  PopActiveSnapshot();
  CommitTransactionCommand();
  pgstat_report_activity(STATE_IDLE, nullptr);
  prediction_log_count_written(static_cast<std::uint64_t>(n));
}

// Drains the ring batch by batch. A batch that fails (the extension dropped, a
// disk full) is dropped and counted, with a WARNING in the server log; the logger
// carries on with the next.
void drain(MemoryContext batch_context) {
  auto* records = static_cast<QueuedRecord*>(
      MemoryContextAlloc(TopMemoryContext, sizeof(QueuedRecord) * kBatchRecords));
  for (;;) {
    MemoryContextReset(batch_context);
    MemoryContext outer = MemoryContextSwitchTo(batch_context);
    const int n = dequeue_prediction_log(records, kBatchRecords, kBatchBytes);
    if (n == 0) {
      MemoryContextSwitchTo(outer);
      break;
    }
    // Read by the handler after a longjmp: volatile keeps it out of a register.
    const volatile int kept = keep_this_database(records, n);
    PG_TRY();
    {
      if (kept > 0) write_batch(records, kept);
    }
    PG_CATCH();
    {
      MemoryContextSwitchTo(batch_context);
      ErrorData* error = CopyErrorData();
      FlushErrorState();
      AbortCurrentTransaction();
      pgstat_report_activity(STATE_IDLE, nullptr);
      // Only what this batch tried to write: the other database's were counted already.
      prediction_log_count_dropped(static_cast<std::uint64_t>(kept));
      ereport(WARNING,
              (errmsg("pg_automl prediction logger dropped %d records: %s", kept, error->message)));
    }
    PG_END_TRY();
    MemoryContextSwitchTo(outer);
  }
  pfree(records);
}

}  // namespace

// The background worker's entry (bgw_function_name in prediction_log.cpp).
void automl_prediction_logger_main(Datum) {
  pqsignal(SIGTERM, on_sigterm);
  pqsignal(SIGHUP, SignalHandlerForConfigReload);
  BackgroundWorkerUnblockSignals();
  BackgroundWorkerInitializeConnection(prediction_log_database(), nullptr, 0);
  prediction_log_set_worker(true);
  MemoryContext batch_context = AllocSetContextCreate(
      TopMemoryContext, "pg_automl prediction log batch", ALLOCSET_DEFAULT_SIZES);
  while (!stop_requested) {
    (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
                    prediction_log_flush_ms(), PG_WAIT_EXTENSION);
    ResetLatch(MyLatch);
    CHECK_FOR_INTERRUPTS();
    if (ConfigReloadPending) {
      ConfigReloadPending = false;
      ProcessConfigFile(PGC_SIGHUP);
    }
    drain(batch_context);
  }
  // Clean shutdown: the postmaster signals backends and us together, so a backend
  // may still enqueue its last records; drain, give them a moment, drain again.
  drain(batch_context);
  (void)WaitLatch(MyLatch, WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 100, PG_WAIT_EXTENSION);
  drain(batch_context);
  prediction_log_set_worker(false);
  // Exit code 1: the postmaster starts us again after bgw_restart_time (0 would
  // unregister us for good after pg_terminate_backend or DROP DATABASE … FORCE).
  // At server shutdown nothing restarts either way.
  proc_exit(1);
}

}  // namespace pg_automl
