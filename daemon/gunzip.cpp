// gunzip.cpp — see gunzip.hpp.
#include "gunzip.hpp"

#include <new>

#include "automl/error.hpp"

namespace automl_worker {
namespace {

constexpr int kGzipWindow = 16 + MAX_WBITS;  // gzip header, largest window

}  // namespace

Gunzip::Gunzip() : out_(256 * 1024) {
  if (inflateInit2(&stream_, kGzipWindow) != Z_OK) throw std::bad_alloc();
}

Gunzip::~Gunzip() { inflateEnd(&stream_); }

bool Gunzip::looks_gzipped(std::string_view head) {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
         static_cast<unsigned char>(head[1]) == 0x8b;
}

void Gunzip::feed(std::string_view piece, const Sink& sink) {
  std::string joined;  // only when a member's first byte ended the previous piece
  std::string_view in = piece;
  if (!carry_.empty()) {
    joined = carry_ + std::string(piece);
    carry_.clear();
    in = joined;
  }
  stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  stream_.avail_in = static_cast<uInt>(in.size());
  bool output_full = false;  // zlib may hold more output than one buffer
  while (stream_.avail_in > 0 || output_full) {
    if (!in_member_) {
      const std::string_view rest(reinterpret_cast<const char*>(stream_.next_in), stream_.avail_in);
      // Padding after the last member (some writers add zeros) ends the stream.
      if (static_cast<unsigned char>(rest[0]) == 0) return;
      if (!looks_gzipped(rest)) {
        if (rest.size() < 2) {  // a member's first byte: wait for the next piece
          carry_.assign(rest);
          return;
        }
        throw automl::Error(
            automl::sqlstate::kBadCopyFileFormat,
            "the file is not gzip data after byte " + std::to_string(stream_.total_in));
      }
      in_member_ = true;
    }
    stream_.next_out = reinterpret_cast<Bytef*>(out_.data());
    stream_.avail_out = static_cast<uInt>(out_.size());
    const int rc = inflate(&stream_, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
      throw automl::Error(automl::sqlstate::kBadCopyFileFormat,
                          std::string("the gzip data is corrupt: ") +
                              (stream_.msg ? stream_.msg : "inflate failed"));
    const size_t produced = out_.size() - stream_.avail_out;
    output_full = stream_.avail_out == 0;
    bytes_out_ += static_cast<long long>(produced);
    if (produced > 0) sink(std::string_view(out_.data(), produced));
    if (rc == Z_STREAM_END) {
      in_member_ = false;
      output_full = false;
      inflateReset(&stream_);
    } else if (rc == Z_BUF_ERROR && produced == 0) {
      return;  // needs more input
    }
  }
}

void Gunzip::finish() const {
  if (in_member_)
    throw automl::Error(automl::sqlstate::kBadCopyFileFormat,
                        "the gzip data ends early (a truncated file?)");
}

}  // namespace automl_worker
