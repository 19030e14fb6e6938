// json_numbers.hpp — numbers read from untrusted JSON (model files, import documents)
// without undefined behaviour: nlohmann's get<int>() of 1e300 or get<float>() of
// 1e300 converts out of range, which is UB. These check first and raise 22023 /
// XX001-style model errors through the caller's `invalid`.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <vector>

#include "automl/error.hpp"

namespace automl {

template <typename T>
T checked_number(const nlohmann::json& v, const char* what) {
  auto refuse = [&] {
    throw Error(sqlstate::kDataCorrupted,
                std::string("model file: ") + what + " holds " + v.dump(-1).substr(0, 40));
  };
  if (v.is_boolean()) return static_cast<T>(v.get<bool>());
  if (!v.is_number()) refuse();
  if constexpr (std::is_integral_v<T>) {
    if (v.is_number_unsigned()) {
      const std::uint64_t u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) refuse();
      return static_cast<T>(u);
    }
    if (!v.is_number_integer()) refuse();
    const std::int64_t x = v.get<std::int64_t>();
    if (x < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
        x > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
      refuse();
    return static_cast<T>(x);
  } else {
    const double x = v.get<double>();
    if (std::isfinite(x) && std::fabs(x) > static_cast<double>(std::numeric_limits<T>::max()))
      refuse();
    return static_cast<T>(x);
  }
}

template <typename T>
std::vector<T> checked_numbers(const nlohmann::json& a, const char* what) {
  if (!a.is_array())
    throw Error(sqlstate::kDataCorrupted, std::string("model file: ") + what + " must be an array");
  std::vector<T> out;
  out.reserve(a.size());
  for (const auto& v : a) out.push_back(checked_number<T>(v, what));
  return out;
}

}  // namespace automl
