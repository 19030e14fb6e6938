// pg/guard.hpp — the one boundary where C++ exceptions become PostgreSQL errors.
//
// Every fmgr entry point is declared with AUTOML_FUNCTION, which puts
// PG_FUNCTION_INFO_V1 beside the body and runs the body through cpp_guard: an
// exception that escapes it becomes an ereport(ERROR). Inside a body, C++ work that
// builds objects with destructors (strings, JSON, parsed models) runs in its own
// cpp_guard, so those objects are gone before PostgreSQL code runs again.
//
// cpp_guard catches an exception, copies its SQLSTATE and texts into static buffers
// (no palloc, which could itself longjmp out of a catch block), and raises only
// after the try block has ended, so no longjmp ever crosses a live C++ frame.
//
// One way out: cpp_guard returns what its function returns. That must be plain
// data (a number, a pointer, a trivially destructible struct, or nothing) — except
// a std::string, which comes back as a palloc'd C string, so text results need no
// malloc'd copies or static buffers.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <type_traits>

#include "automl/error.hpp"

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/postgres.hpp"

namespace pg_automl {

struct GuardError {
  char sqlstate[6];
  char message[1024];
  char detail[1024];
  char hint[1024];
};

inline void copy_text(char* out, size_t size, const char* text) {
  const size_t n = std::min(std::strlen(text), size - 1);
  std::memcpy(out, text, n);
  out[n] = '\0';
}

inline void capture(GuardError& error, const char* sqlstate, const char* message,
                    const char* detail = "", const char* hint = "") {
  copy_text(error.sqlstate, sizeof error.sqlstate, sqlstate);
  copy_text(error.message, sizeof error.message, message);
  copy_text(error.detail, sizeof error.detail, detail);
  copy_text(error.hint, sizeof error.hint, hint);
}

// Raises the captured error (pg/module.cpp). Kept out of line of the template so
// the ereport machinery is emitted once.
[[noreturn]] void raise_guard_error(const GuardError& e);

// Copies text into malloc'd memory, so it can leave the try block as plain data.
inline char* malloc_copy(const std::string& text) {
  char* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy == nullptr) throw std::bad_alloc();
  std::memcpy(copy, text.c_str(), text.size() + 1);
  return copy;
}

// The error being raised: filled in a catch block, raised once the try block is over.
inline GuardError guard_error;

template <typename F>
auto cpp_guard(F&& f) {
  using Result = decltype(f());
  if constexpr (std::is_same_v<Result, std::string>) {
    char* text = cpp_guard([&] { return malloc_copy(f()); });
    char* copy = pstrdup(text);
    std::free(text);
    return copy;
  } else {
    static_assert(std::is_void_v<Result> || std::is_trivially_destructible_v<Result>,
                  "only plain data (or a std::string, as palloc'd text) leaves cpp_guard");
    try {
      return f();
    } catch (const automl::Error& e) {
      capture(guard_error, e.sqlstate(), e.what(), e.detail().c_str(), e.hint().c_str());
    } catch (const std::bad_alloc&) {
      capture(guard_error, automl::sqlstate::kOutOfMemory, "out of memory in pg_automl");
    } catch (const std::exception& e) {
      capture(guard_error, automl::sqlstate::kInternalError, e.what());
    } catch (...) {
      capture(guard_error, automl::sqlstate::kInternalError, "unknown C++ exception in pg_automl");
    }
    raise_guard_error(guard_error);
  }
}

}  // namespace pg_automl

// Declares and defines the fmgr entry point `name` (PG_FUNCTION_INFO_V1 included):
//   AUTOML_FUNCTION(automl_predict) { ... return Float8GetDatum(y); }
// Use it inside namespace pg_automl; the symbol keeps its C name.
#define AUTOML_FUNCTION(name)                                                \
  extern "C" {                                                               \
  PG_FUNCTION_INFO_V1(name);                                                 \
  }                                                                          \
  static Datum name##_body(FunctionCallInfo fcinfo);                         \
  extern "C" Datum name(PG_FUNCTION_ARGS) {                                  \
    return ::pg_automl::cpp_guard([fcinfo] { return name##_body(fcinfo); }); \
  }                                                                          \
  static Datum name##_body([[maybe_unused]] FunctionCallInfo fcinfo)
