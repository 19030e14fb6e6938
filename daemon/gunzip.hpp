// gunzip.hpp — inflating a gzip stream piece by piece (zlib), for imports of .gz
// files that arrive without Content-Encoding (curl undoes that one itself).
//
// Output goes to the caller in pieces of at most 256 kB, so memory stays constant
// whatever the ratio; concatenated gzip members (what `cat a.gz b.gz` makes) are
// read one after another, as gunzip does.
#pragma once

#include <zlib.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace automl_worker {

class Gunzip {
 public:
  using Sink = std::function<void(std::string_view)>;
  Gunzip();
  ~Gunzip();
  Gunzip(const Gunzip&) = delete;
  Gunzip& operator=(const Gunzip&) = delete;

  // Inflates `in`, passing what comes out to `sink`; throws automl::Error (22P04)
  // on corrupt data.
  void feed(std::string_view in, const Sink& sink);
  // Throws when the stream ended inside a member (a truncated file).
  void finish() const;
  long long bytes_out() const { return bytes_out_; }

  // Whether `head` starts like a gzip stream (1f 8b).
  static bool looks_gzipped(std::string_view head);

 private:
  z_stream stream_{};
  std::vector<char> out_;
  std::string carry_;
  bool in_member_ = false;
  long long bytes_out_ = 0;
};

}  // namespace automl_worker
