// pg/numeric_double.cpp — see numeric_double.hpp.
//
// numeric_float8 prints the numeric and parses the text with strtod: the correctly
// rounded double of the numeric's exact decimal value. When that value is an integer
// M < 2^53 times 10^e with |e| <= 22, M and 10^e are exact doubles and one multiply
// or divide rounds correctly (Clinger's fast path, which strtod itself takes): the
// same double, without the text. Numbers that jsonb_build_object makes of float8
// (15 significant digits) nearly always qualify; anything else takes numeric_float8.
//
// The numeric layout is PostgreSQL's on-disk format (src/backend/utils/adt/numeric.c,
// stable because it is stored): a varlena header, then a short header (one uint16:
// sign, weight) or a long one (uint16 sign and display scale, int16 weight), then
// base-10000 digits, the first of weight `weight`.
#include <cstdint>
#include <cstring>

// PostgreSQL's headers last (pg/postgres.hpp).
#include "pg/numeric_double.hpp"

namespace pg_automl {
namespace {

constexpr std::uint16_t kSignMask = 0xC000, kNegative = 0x4000, kShort = 0x8000, kSpecial = 0xC000;
constexpr std::uint16_t kShortNegative = 0x2000, kShortWeightSign = 0x0040,
                        kShortWeightMask = 0x003F;
constexpr std::uint64_t kExactLimit = std::uint64_t{1} << 53;
constexpr std::uint64_t kBeforeLastDigit = (UINT64_MAX - 9999) / 10000;  // no overflow below
constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

double by_text(Numeric n) {
  return DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(n)));
}

}  // namespace

double numeric_to_double(Numeric n) {
  // Packed (one-byte header) or plain: read in place; compressed or external: by text.
  if (VARATT_IS_EXTENDED(n) && !VARATT_IS_SHORT(n)) return by_text(n);
  const auto* data = reinterpret_cast<const unsigned char*>(VARDATA_ANY(n));
  const std::size_t size = VARSIZE_ANY_EXHDR(n);
  std::uint16_t header;
  if (size < sizeof header) return by_text(n);
  std::memcpy(&header, data, sizeof header);
  const std::uint16_t flags = header & kSignMask;
  if (flags == kSpecial) return by_text(n);  // NaN and infinities
  bool negative;
  int weight;
  std::size_t offset = sizeof(std::uint16_t);
  if (flags == kShort) {
    negative = (header & kShortNegative) != 0;
    // Six bits of weight, sign-extended (numeric.c's NUMERIC_WEIGHT).
    weight =
        (header & kShortWeightSign)
            ? (~static_cast<int>(kShortWeightMask) | static_cast<int>(header & kShortWeightMask))
            : static_cast<int>(header & kShortWeightMask);
  } else {
    negative = flags == kNegative;
    std::int16_t long_weight;
    if (size < offset + sizeof long_weight) return by_text(n);
    std::memcpy(&long_weight, data + offset, sizeof long_weight);
    weight = long_weight;
    offset += sizeof long_weight;
  }
  const std::size_t n_digits = (size - offset) / sizeof(std::int16_t);
  std::uint64_t mantissa = 0;
  for (std::size_t i = 0; i < n_digits; ++i) {
    std::int16_t digit;
    std::memcpy(&digit, data + offset + i * sizeof digit, sizeof digit);
    if (mantissa > kBeforeLastDigit || digit < 0 || digit > 9999) return by_text(n);
    mantissa = mantissa * 10000 + static_cast<std::uint64_t>(digit);
  }
  if (mantissa == 0) return 0.0;
  int exponent = 4 * (weight - static_cast<int>(n_digits) + 1);
  while (mantissa % 10 == 0) mantissa /= 10, ++exponent;
  if (mantissa >= kExactLimit || exponent > 22 || exponent < -22) return by_text(n);
  const double m = static_cast<double>(mantissa);
  const double x = exponent >= 0 ? m * kPowersOfTen[exponent] : m / kPowersOfTen[-exponent];
  return negative ? -x : x;
}

}  // namespace pg_automl
