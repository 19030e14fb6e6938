// csv_reader.hpp — a streaming RFC 4180 tokenizer: bytes in, records of fields out.
//
// A CSV import downloads a file that may be gigabytes, so the reader never needs the
// whole file: feed() takes the bytes as they arrive, in pieces cut anywhere (inside a
// quoted field, between CR and LF, inside the UTF-8 BOM), and calls back once per
// complete record; finish() hands over the last record when the file does not end in
// a newline. The fields a callback sees are views valid only during that call: into
// the bytes fed, or, for a field that spans two feeds or holds escapes, into the
// reader's own buffer. Everything else is copied nowhere, which keeps the reader at
// memory speed on plain data.
//
// What it accepts:
// - Records end at LF, CRLF or a lone CR; empty lines are skipped. A UTF-8 BOM at
//   the very start is dropped.
// - A field that starts with the quote is quoted: it runs to the next quote that is
//   not escaped and may hold delimiters and line ends. Escape followed by quote or
//   escape stands for that character (with escape == quote that is the doubled
//   quote ""); escape before anything else is kept as is, as PostgreSQL's COPY CSV
//   does.
// - Leniency where files in the wild differ from RFC 4180 and the meaning is plain:
//   a quote in the middle of an unquoted field is an ordinary character (5'10"), and
//   characters between a closing quote and the next delimiter are appended to the
//   field ("abc" def → abc def). Such fields still count as quoted.
// - A record is numbered by the physical line it starts on (1-based; line ends
//   inside quoted fields count, CRLF counts once).
// The header is just the first record: whether it names columns is the caller's call.
//
// Errors (automl::Error, SQLSTATE 22P04 bad_copy_file_format, naming the line): a
// record longer than max_record_bytes or of more than kMaxFields fields (both bound
// the memory one record can take), and a quoted field still open at finish(); and
// 57014 from feed() when the interrupt hook (interrupt.hpp) says stop. After an error
// the reader is spent; make a new one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "automl/csv_dialect.hpp"

namespace automl::csv {

struct Field {
  std::string_view text;  // unquoted and unescaped
  bool quoted;            // the field started with the quote character
};

class RecordReader {
 public:
  // PostgreSQL tables hold at most 1,600 columns; this is far above that, so that a
  // wide garbage row becomes a row error for the caller rather than an abort.
  static constexpr std::size_t kMaxFields = 100000;

  // Throws Error 22023 for a dialect that cannot be read unambiguously (delimiter
  // equal to quote or escape, or any of them a line end).
  explicit RecordReader(Dialect dialect, std::size_t max_record_bytes = 16 << 20);

  using Callback = std::function<void(const std::vector<Field>& fields, std::uint64_t line)>;
  void feed(std::string_view bytes, const Callback& on_record);
  // End of input: the last record if it had no line end; throws on an open quote.
  void finish(const Callback& on_record);

  std::uint64_t bytes_seen() const { return bytes_seen_; }
  // The physical line the reader is on: the number of line ends seen, plus one.
  std::uint64_t lines_seen() const { return line_; }

 private:
  enum class State : std::uint8_t {
    RecordStart,    // between records: line ends here are empty lines
    FieldStart,     // after a delimiter or at a record's first byte
    Unquoted,       // inside an unquoted field
    Quoted,         // inside a quoted field
    QuoteInQuoted,  // a quote seen inside a quoted field (escape == quote): "" or the end
    AfterQuoted,    // after a quoted field's closing quote
    EscapeNext,     // an escape seen inside a quoted field (escape != quote)
  };
  // A finished field of the record being read: a range of the bytes being fed or of
  // buffer_, resolved into views only when the record is complete.
  struct Span {
    std::size_t begin, size;
    bool in_buffer, quoted;
  };

  void run(std::string_view chunk, const Callback& on_record);
  std::size_t at_record_start(std::string_view chunk, std::size_t pos);
  std::size_t at_field_start(std::string_view chunk, std::size_t pos);
  std::size_t in_unquoted(std::string_view chunk, std::size_t pos, const Callback& on_record);
  std::size_t in_quoted(std::string_view chunk, std::size_t pos);
  std::size_t after_quote(std::string_view chunk, std::size_t pos, const Callback& on_record);
  std::size_t after_escape(std::string_view chunk, std::size_t pos);
  // Ends the field whose bytes (when not buffered) are chunk[field_begin_, end).
  void end_field(std::size_t end);
  // Ends the field (content up to `end`), then the record too when the byte at `at`
  // is a line end rather than the delimiter.
  void end_field_at(std::size_t end, std::size_t at, std::string_view chunk,
                    const Callback& on_record);
  // Hands the record to the callback; `at` is where its line end is in the chunk.
  void end_record(std::string_view chunk, std::size_t at, const Callback& on_record);
  // From here on the current field's bytes live in field_ (its first `end` are copied).
  void buffer_field(std::string_view chunk, std::size_t end);
  // At the end of a feed: moves what the unfinished record holds of the chunk into
  // buffers, since the chunk is gone when the next feed arrives.
  void keep_partial_record(std::string_view chunk);
  void check_record_size(std::size_t bytes) const;
  [[noreturn]] void refuse(const std::string& what, const std::string& hint) const;

  Dialect dialect_;
  std::size_t max_record_bytes_;
  std::array<bool, 256> ends_unquoted_{};  // delimiter, CR, LF
  std::array<bool, 256> ends_quoted_{};    // quote, escape, CR, LF

  State state_ = State::RecordStart;
  std::vector<Span> spans_;
  std::vector<Field> fields_;  // what the callback sees, reused between records
  std::string buffer_;         // finished fields of the record that are not in the chunk
  std::string field_;          // the current field, once it is buffered
  bool field_buffered_ = false;
  bool field_quoted_ = false;
  std::size_t field_begin_ = 0;  // where the current field's content starts in the chunk
  std::size_t quote_at_ = 0;     // the closing (or first of two) quotes, in the chunk
  std::size_t record_begin_ = 0;
  std::size_t carried_ = 0;  // bytes of the current record in earlier feeds
  std::uint64_t line_ = 1;
  std::uint64_t record_line_ = 1;
  std::uint64_t quote_line_ = 1;  // where the current quoted field opened
  bool skip_lf_ = false;          // the previous byte was a CR that ended a record or line
  char last_byte_ = 0;            // of the previous feed, to see a CRLF split in two
  std::uint64_t bytes_seen_ = 0;
  std::string bom_;  // the start of a UTF-8 BOM, held until it is whole or is not one
  bool bom_done_ = false;
};

}  // namespace automl::csv
