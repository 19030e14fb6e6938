// sqlstate_of.hpp — the SQLSTATE of the automl::Error a call throws, for tests that
// check refusals by code.
#pragma once

#include <functional>
#include <string>

#include "automl/error.hpp"

namespace automl {

// The SQLSTATE of what f throws, or "none" when it returns.
inline std::string sqlstate_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.sqlstate();
  }
  return "none";
}

}  // namespace automl
