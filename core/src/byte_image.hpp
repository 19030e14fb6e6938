// byte_image.hpp — writing and reading the byte images of compiled models
// (FlatForest, TreeEnsemble, serving_image.hpp): arrays of plain numbers back to back.
// The reader checks every length against what is left, so a damaged image throws
// XX001 instead of reading past its end.
//
// Every array and nested image starts at a multiple of kImageAlignment from the
// start of the image (zero bytes pad before it): an image placed at an aligned
// address — the shared model cache's arena, any malloc'd buffer — can be read in
// place, its arrays used where they lie (get_in_place).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "automl/error.hpp"

namespace automl {

constexpr std::size_t kImageAlignment = 16;

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
  // A length, then the elements (aligned).
  template <typename T>
  void put_array(const T* data, std::size_t n) {
    static_assert(kImageAlignment % alignof(T) == 0, "an element's alignment divides the image's");
    put(static_cast<std::uint64_t>(n));
    pad();
    put(data, n);
  }
  template <typename T>
  void put_vector(const std::vector<T>& v) {
    put_array(v.data(), v.size());
  }
  void put_bytes(const std::string& bytes) {
    put(static_cast<std::uint64_t>(bytes.size()));
    pad();
    out_ += bytes;
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;

  void pad() {
    out_.append((kImageAlignment - out_.size() % kImageAlignment) % kImageAlignment, '\0');
  }
};

class ImageReader {
 public:
  ImageReader(const char* bytes, std::size_t size, const char* what)
      : begin_(bytes), p_(bytes), end_(bytes + size), what_(what) {}

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
    std::size_t n = 0;
    const char* at = get_in_place<T>(&n);
    std::vector<T> v(n);
    if (n > 0) std::memcpy(static_cast<void*>(v.data()), at, n * sizeof(T));
    return v;
  }
  // Where the `*n` elements of put_vector's array lie, without copying them: aligned
  // for T when the image itself is.
  template <typename T>
  const char* get_in_place(std::size_t* n) {
    const auto count = get<std::uint64_t>();
    skip_padding();
    if (count > static_cast<std::uint64_t>(end_ - p_) / sizeof(T)) damaged("truncated");
    *n = static_cast<std::size_t>(count);
    const char* at = p_;
    p_ += *n * sizeof(T);
    return at;
  }
  // The next `n` bytes (put_bytes), in place.
  const char* get_bytes(std::size_t* n) { return get_in_place<char>(n); }
  void expect_end() const {
    if (p_ != end_) damaged("trailing bytes");
  }

 private:
  const char* begin_;
  const char* p_;
  const char* end_;
  const char* what_;

  void skip_padding() {
    const auto pad = (kImageAlignment - static_cast<std::size_t>(p_ - begin_) % kImageAlignment) %
                     kImageAlignment;
    if (pad > static_cast<std::size_t>(end_ - p_)) damaged("truncated");
    p_ += pad;
  }
};

}  // namespace automl
