// interrupt.hpp — letting the host stop a long loop of core/.
//
// Loops whose length depends on their input (tagging a sequence, explaining a tree
// ensemble, evaluating many rows) call check_interrupt() as they go. The host sets
// a hook that says whether its caller asked to stop; the extension's says whether
// PostgreSQL has an interrupt pending (statement_timeout, pg_cancel_backend), and
// its error boundary then lets PostgreSQL raise its own cancellation error. A plain
// function pointer: cheap enough for every iteration, and core/ stays free of
// PostgreSQL.
#pragma once

namespace automl {

using InterruptHook = bool (*)();

// Installs the hook (nullptr: never interrupted). Not thread-safe: set it once at start.
void set_interrupt_hook(InterruptHook hook);

// Throws Error 57014 (query_canceled) when the hook says so.
void check_interrupt();

}  // namespace automl
