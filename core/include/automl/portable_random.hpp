// portable_random.hpp — random draws that are the same on every standard library.
//
// std::mt19937_64 is specified bit for bit, but std::uniform_int_distribution and
// friends are not: a seed would give another k-means start or another design on
// libc++ than on libstdc++. Seeded searches (k-means++, design starts) draw here.
#pragma once

#include <cstdint>
#include <random>

namespace automl {

class PortableRandom {
 public:
  explicit PortableRandom(std::uint64_t seed) : engine_(seed) {}
  // Uniform in [0, 1), from the top 53 bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n), n > 0, without modulo bias.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t r;
    do r = engine_();
    while (r >= limit);
    return r % n;
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace automl
