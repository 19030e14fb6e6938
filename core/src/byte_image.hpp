// byte_image.hpp — writing and reading the byte images of compiled models
// (FlatForest, TreeEnsemble, serving_image.hpp): arrays of plain numbers back to back.
// The reader checks every length against what is left, so a damaged image throws
// XX001 instead of reading past its end.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "automl/error.hpp"

namespace automl {

class ImageWriter {
 public:
  template <typename T>
  void put(const T* data, std::size_t n) {
    out_.append(reinterpret_cast<const char*>(data), n * sizeof(T));
  }
  template <typename T>
  void put(const T& value) {
    put(&value, 1);
  }
  // A length, then the elements.
  template <typename T>
  void put_vector(const std::vector<T>& v) {
    put(static_cast<std::uint64_t>(v.size()));
    put(v.data(), v.size());
  }
  void put_bytes(const std::string& bytes) {
    put(static_cast<std::uint64_t>(bytes.size()));
    out_ += bytes;
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class ImageReader {
 public:
  ImageReader(const char* bytes, std::size_t size, const char* what)
      : p_(bytes), end_(bytes + size), what_(what) {}

  [[noreturn]] void damaged(const std::string& why) const {
    throw Error(sqlstate::kDataCorrupted, std::string(what_) + " image: " + why);
  }
  template <typename T>
  void get(T* data, std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) / sizeof(T) < n) damaged("truncated");
    std::memcpy(static_cast<void*>(data), p_, n * sizeof(T));
    p_ += n * sizeof(T);
  }
  template <typename T>
  T get() {
    T value;
    get(&value, 1);
    return value;
  }
  // A length no larger than the bytes left could hold, then the elements.
  template <typename T>
  std::vector<T> get_vector() {
    const auto n = get<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(end_ - p_) / sizeof(T)) damaged("truncated");
    std::vector<T> v(static_cast<std::size_t>(n));
    get(v.data(), v.size());
    return v;
  }
  // The next `n` bytes, in place.
  const char* get_bytes(std::size_t* n) {
    *n = static_cast<std::size_t>(get<std::uint64_t>());
    if (*n > static_cast<std::size_t>(end_ - p_)) damaged("truncated");
    const char* at = p_;
    p_ += *n;
    return at;
  }
  void expect_end() const {
    if (p_ != end_) damaged("trailing bytes");
  }

 private:
  const char* p_;
  const char* end_;
  const char* what_;
};

}  // namespace automl
