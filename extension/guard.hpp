// guard.hpp — the one boundary where C++ exceptions become PostgreSQL errors.
//
// Every fmgr entry point runs its C++ work through cpp_guard(). An exception is
// caught, its SQLSTATE and text copied into static buffers (no palloc, which could
// itself longjmp out of a catch block), and ereport(ERROR) is raised only after the
// try block has ended, so no longjmp ever crosses a live C++ frame.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <exception>
#include <new>
#include <type_traits>

#include "automl/error.hpp"
#include "pg/postgres.hpp"

namespace pg_automl {

struct GuardError {
  char sqlstate[6];
  char message[1024];
  char detail[1024];
};

inline void copy_text(char* out, size_t size, const char* text) {
  const size_t n = std::min(std::strlen(text), size - 1);
  std::memcpy(out, text, n);
  out[n] = '\0';
}

// Copies text into malloc'd memory, so a result can leave cpp_guard as plain C data
// (no C++ destructor pending when PostgreSQL code runs next). Caller frees it.
inline char* malloc_copy(const std::string& text) {
  char* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy == nullptr) throw std::bad_alloc();
  std::memcpy(copy, text.c_str(), text.size() + 1);
  return copy;
}

// Raises the captured error. Kept out of line of the template so the ereport
// machinery is emitted once.
[[noreturn]] void raise_guard_error(const GuardError& e);

template <typename F>
auto cpp_guard(F&& f) -> decltype(f()) {
  static GuardError error;
  try {
    return f();
  } catch (const automl::Error& e) {
    copy_text(error.sqlstate, sizeof error.sqlstate, e.sqlstate());
    copy_text(error.message, sizeof error.message, e.what());
    copy_text(error.detail, sizeof error.detail, e.detail().c_str());
  } catch (const std::bad_alloc&) {
    copy_text(error.sqlstate, sizeof error.sqlstate, "53200");
    copy_text(error.message, sizeof error.message, "out of memory in pg_automl");
    error.detail[0] = '\0';
  } catch (const std::exception& e) {
    copy_text(error.sqlstate, sizeof error.sqlstate, automl::sqlstate::kInternalError);
    copy_text(error.message, sizeof error.message, e.what());
    error.detail[0] = '\0';
  } catch (...) {
    copy_text(error.sqlstate, sizeof error.sqlstate, automl::sqlstate::kInternalError);
    copy_text(error.message, sizeof error.message, "unknown C++ exception in pg_automl");
    error.detail[0] = '\0';
  }
  raise_guard_error(error);
}

}  // namespace pg_automl
