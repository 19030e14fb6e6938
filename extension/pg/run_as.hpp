// pg/run_as.hpp — running SQL under another identity or a pinned search_path
// (PostgreSQL land).
//
// Three ways the extension runs SQL it did not write, or runs its own SQL for
// someone else, each the way PostgreSQL itself does it:
//  - a tenant's training query runs as the tenant inside a security-restricted
//    operation with a GUC nest level that is rolled back (matview.c's REFRESH), so it
//    can neither change role nor leave a setting behind;
//  - the access rules run as the extension's owner but decide for the role that
//    called (a SECURITY DEFINER function cannot see its caller; C can);
//  - the extension's own SPI plans are prepared under `pg_catalog, pg_temp`, so a
//    caller's search_path cannot rebind an operator or function inside them (a
//    plan keeps the search_path it was first analysed with).
// Leaving is explicit, never a destructor: an ERROR in between longjmps, and
// (sub)transaction abort restores both the user id and the GUCs by itself.
#pragma once

#include "pg/postgres.hpp"

namespace pg_automl {

// The search_path of every function of the extension (pg_catalog first, temp last).
inline constexpr const char* kPinnedSearchPath = "pg_catalog, pg_temp";

struct SavedIdentity {
  Oid user;
  int sec_context;
  int guc_level;
};

// Becomes `user` for a security-restricted operation: SET ROLE, SET SESSION
// AUTHORIZATION, temp tables, LISTEN and PREPARE fail inside; every setting changed
// inside is undone by leave_restricted. `search_path` is set for the execution.
SavedIdentity enter_restricted(Oid user, const char* search_path);
void leave_restricted(const SavedIdentity& saved);

// Becomes the owner of function `fn` (as SECURITY DEFINER would), with the pinned
// search_path; the caller's id was read before.
SavedIdentity enter_owner_of(Oid fn);
void leave_owner(const SavedIdentity& saved);

// The calling role's name as a `name` Datum; read it before switching identity.
Datum caller_name();

// Runs `sql` (prepared into *slot on first use, under the pinned search_path) as the
// owner of function `fn` and returns the one value of its one row, copied out of SPI.
// SPI must not be connected. Statements that write pass read_only = false.
Datum query_one_as_owner(Oid fn, SPIPlanPtr* slot, const char* sql, int nargs, Oid* types,
                         Datum* args, const char* nulls, bool read_only, bool* is_null);

// A GUC nest level with search_path pinned; leave_pinned undoes it.
int enter_pinned_search_path();
void leave_pinned_search_path(int level);

}  // namespace pg_automl
