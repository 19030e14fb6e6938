// csv_reader.cpp — RecordReader: the CSV state machine, resumable at any byte.
//
// Each state's handler consumes a run of bytes and returns where it stopped; runs of
// ordinary bytes are skipped by a table look-up loop and never copied while the field
// lies inside the chunk being fed. A field is copied (into field_) only when its text
// differs from its bytes (an escape, a doubled quote, text after the closing quote)
// or when the chunk ends inside its record.
#include "automl/csv_reader.hpp"

#include <utility>

#include "automl/error.hpp"
#include "automl/interrupt.hpp"

namespace automl::csv {
namespace {

inline unsigned char byte(char c) { return static_cast<unsigned char>(c); }

bool is_line_end(char c) { return c == '\n' || c == '\r'; }

// The first position from pos on whose byte is a stop byte, or the chunk's size.
inline std::size_t scan(std::string_view chunk, std::size_t pos,
                        const std::array<bool, 256>& stop) {
  const char* p = chunk.data();
  const std::size_t n = chunk.size();
  for (; pos + 4 <= n; pos += 4) {
    if (stop[byte(p[pos])]) return pos;
    if (stop[byte(p[pos + 1])]) return pos + 1;
    if (stop[byte(p[pos + 2])]) return pos + 2;
    if (stop[byte(p[pos + 3])]) return pos + 3;
  }
  while (pos < n && !stop[byte(p[pos])]) ++pos;
  return pos;
}

std::string shown(char c) {
  if (c == '\t') return "tab";
  if (byte(c) < 0x20 || byte(c) >= 0x7f) return "byte " + std::to_string(byte(c));
  return std::string("'") + c + "'";
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

RecordReader::RecordReader(Dialect dialect, std::size_t max_record_bytes)
    : dialect_(dialect), max_record_bytes_(max_record_bytes) {
  const char d = dialect.delimiter, q = dialect.quote, e = dialect.escape;
  if (is_line_end(d) || is_line_end(q) || is_line_end(e) || d == q || d == e)
    invalid("CSV dialect cannot be read unambiguously",
            "delimiter " + shown(d) + ", quote " + shown(q) + ", escape " + shown(e),
            "The delimiter must differ from the quote and the escape, and none may be a line "
            "end.");
  for (const char c : {d, '\n', '\r'}) ends_unquoted_[byte(c)] = true;
  for (const char c : {q, e, '\n', '\r'}) ends_quoted_[byte(c)] = true;
}

void RecordReader::feed(std::string_view bytes, const Callback& on_record) {
  check_interrupt();  // once a piece: a download is a loop of feeds
  bytes_seen_ += bytes.size();
  if (!bom_done_) {
    while (!bytes.empty() && bom_.size() < kBom.size() && bytes.front() == kBom[bom_.size()]) {
      bom_ += bytes.front();
      bytes.remove_prefix(1);
    }
    if (bom_.size() < kBom.size() && bytes.empty()) return;  // could still become a BOM
    bom_done_ = true;
    // Not a BOM after all: its first bytes are data.
    const std::string held = bom_.size() < kBom.size() ? std::move(bom_) : std::string();
    bom_.clear();
    if (!held.empty()) run(held, on_record);
  }
  if (!bytes.empty()) run(bytes, on_record);
}

void RecordReader::finish(const Callback& on_record) {
  if (!bom_done_) {
    bom_done_ = true;
    const std::string held = std::move(bom_);
    bom_.clear();
    if (!held.empty()) run(held, on_record);
  }
  switch (state_) {
    case State::RecordStart:
      return;
    case State::Quoted:
    case State::EscapeNext:
      refuse("unterminated quoted field in CSV record on line " + std::to_string(record_line_),
             "The quote opened on line " + std::to_string(quote_line_) +
                 " is never closed: check the quote character.");
    case State::FieldStart:  // the record ends in a delimiter: one more, empty field
      field_quoted_ = false;
      field_buffered_ = true;
      field_.clear();
      break;
    default:
      break;
  }
  end_field(0);  // keep_partial_record buffered it
  end_record({}, 0, on_record);
}

void RecordReader::run(std::string_view chunk, const Callback& on_record) {
  record_begin_ = 0;
  std::size_t pos = 0;
  while (pos < chunk.size()) {
    switch (state_) {
      case State::RecordStart:
        pos = at_record_start(chunk, pos);
        break;
      case State::FieldStart:
        pos = at_field_start(chunk, pos);
        break;
      case State::Unquoted:
        pos = in_unquoted(chunk, pos, on_record);
        break;
      case State::Quoted:
        pos = in_quoted(chunk, pos);
        break;
      case State::QuoteInQuoted:
      case State::AfterQuoted:
        pos = after_quote(chunk, pos, on_record);
        break;
      case State::EscapeNext:
        pos = after_escape(chunk, pos);
        break;
    }
  }
  if (state_ != State::RecordStart) keep_partial_record(chunk);
  if (!chunk.empty()) last_byte_ = chunk.back();
}

std::size_t RecordReader::at_record_start(std::string_view chunk, std::size_t pos) {
  const char c = chunk[pos];
  if (c == '\n') {  // an empty line, or the LF of a CRLF already counted
    if (!skip_lf_) ++line_;
    skip_lf_ = false;
    return pos + 1;
  }
  skip_lf_ = false;
  if (c == '\r') {
    ++line_;
    skip_lf_ = true;
    return pos + 1;
  }
  record_line_ = line_;
  record_begin_ = pos;
  carried_ = 0;
  state_ = State::FieldStart;
  return pos;
}

std::size_t RecordReader::at_field_start(std::string_view chunk, std::size_t pos) {
  field_buffered_ = false;
  if (chunk[pos] == dialect_.quote) {
    field_quoted_ = true;
    field_begin_ = pos + 1;
    quote_line_ = line_;
    state_ = State::Quoted;
    return pos + 1;
  }
  field_quoted_ = false;
  field_begin_ = pos;
  state_ = State::Unquoted;
  return pos;
}

std::size_t RecordReader::in_unquoted(std::string_view chunk, std::size_t pos,
                                      const Callback& on_record) {
  for (;;) {
    const std::size_t stop = scan(chunk, pos, ends_unquoted_);
    if (field_buffered_) field_.append(chunk.data() + pos, stop - pos);
    if (stop == chunk.size()) return stop;
    end_field_at(stop, stop, chunk, on_record);
    pos = stop + 1;
    // The common case, an unquoted field after a delimiter, without a state change.
    if (state_ != State::FieldStart || pos == chunk.size() || chunk[pos] == dialect_.quote)
      return pos;
    field_begin_ = pos;
    field_quoted_ = false;
    state_ = State::Unquoted;
  }
}

std::size_t RecordReader::in_quoted(std::string_view chunk, std::size_t pos) {
  for (;;) {
    const std::size_t stop = scan(chunk, pos, ends_quoted_);
    if (field_buffered_) field_.append(chunk.data() + pos, stop - pos);
    if (stop == chunk.size()) return stop;
    const char c = chunk[stop];
    if (is_line_end(c)) {  // part of the value; only the line count notices
      const char previous = stop > 0 ? chunk[stop - 1] : last_byte_;
      if (c == '\r' || previous != '\r') ++line_;
      if (field_buffered_) field_ += c;
      pos = stop + 1;
      continue;
    }
    if (c == dialect_.quote) {
      quote_at_ = stop;
      state_ = dialect_.escape == dialect_.quote ? State::QuoteInQuoted : State::AfterQuoted;
      return stop + 1;
    }
    buffer_field(chunk, stop);  // the escape: the text now differs from the bytes
    state_ = State::EscapeNext;
    return stop + 1;
  }
}

std::size_t RecordReader::after_quote(std::string_view chunk, std::size_t pos,
                                      const Callback& on_record) {
  const char c = chunk[pos];
  if (state_ == State::QuoteInQuoted) {
    if (c == dialect_.quote) {  // "" stands for one quote: keep the first, skip this one
      if (field_buffered_)
        field_ += c;
      else
        buffer_field(chunk, quote_at_ + 1);
      state_ = State::Quoted;
      return pos + 1;
    }
    state_ = State::AfterQuoted;  // that quote closed the field
  }
  if (c == dialect_.delimiter || is_line_end(c)) {
    end_field_at(quote_at_, pos, chunk, on_record);
    return pos + 1;
  }
  buffer_field(chunk, quote_at_);  // text after the closing quote joins the field
  state_ = State::Unquoted;
  return pos;
}

std::size_t RecordReader::after_escape(std::string_view chunk, std::size_t pos) {
  const char c = chunk[pos];
  state_ = State::Quoted;
  if (c == dialect_.quote || c == dialect_.escape) {
    field_ += c;
    return pos + 1;
  }
  field_ += dialect_.escape;  // escapes nothing: kept, and c is read as usual
  return pos;
}

void RecordReader::end_field(std::size_t end) {
  if (spans_.size() >= kMaxFields)
    refuse("CSV record on line " + std::to_string(record_line_) + " has more than " +
               std::to_string(kMaxFields) + " fields",
           "Check the delimiter.");
  // Member by member: a braced Span built on the stack and copied costs a
  // store-forwarding stall on its two bools, a fifth of the reader's time.
  Span& span = spans_.emplace_back();
  span.quoted = field_quoted_;
  span.in_buffer = field_buffered_;
  if (field_buffered_) {
    span.begin = buffer_.size();
    span.size = field_.size();
    buffer_ += field_;
    field_.clear();
    field_buffered_ = false;
  } else {
    span.begin = field_begin_;
    span.size = end - field_begin_;
  }
}

void RecordReader::end_field_at(std::size_t end, std::size_t at, std::string_view chunk,
                                const Callback& on_record) {
  end_field(end);
  const char c = chunk[at];
  if (c == dialect_.delimiter) {
    state_ = State::FieldStart;
    return;
  }
  end_record(chunk, at, on_record);
  ++line_;
  skip_lf_ = c == '\r';
}

void RecordReader::end_record(std::string_view chunk, std::size_t at, const Callback& on_record) {
  check_record_size(carried_ + (at - record_begin_));
  fields_.resize(spans_.size());
  for (std::size_t i = 0; i < spans_.size(); ++i) {
    const Span& s = spans_[i];
    const char* base = s.in_buffer ? buffer_.data() : chunk.data();
    fields_[i] = {std::string_view(base + s.begin, s.size), s.quoted};
  }
  state_ = State::RecordStart;
  carried_ = 0;
  on_record(fields_, record_line_);
  spans_.clear();
  buffer_.clear();
}

void RecordReader::buffer_field(std::string_view chunk, std::size_t end) {
  if (field_buffered_) return;
  field_.assign(chunk.data() + field_begin_, end - field_begin_);
  field_buffered_ = true;
}

void RecordReader::keep_partial_record(std::string_view chunk) {
  for (Span& s : spans_) {
    if (s.in_buffer) continue;
    const std::size_t begin = buffer_.size();
    buffer_.append(chunk.data() + s.begin, s.size);
    s.begin = begin;
    s.in_buffer = true;
  }
  switch (state_) {
    case State::Unquoted:
    case State::Quoted:
      buffer_field(chunk, chunk.size());
      break;
    case State::QuoteInQuoted:
    case State::AfterQuoted:
      buffer_field(chunk, quote_at_);
      break;
    default:  // FieldStart: no field yet; EscapeNext: buffered already
      break;
  }
  carried_ += chunk.size() - record_begin_;
  record_begin_ = 0;
  check_record_size(carried_);
}

void RecordReader::check_record_size(std::size_t bytes) const {
  if (bytes > max_record_bytes_)
    refuse("CSV record on line " + std::to_string(record_line_) + " is longer than " +
               std::to_string(max_record_bytes_) + " bytes",
           "Check the quote character: a quote that never closes makes the rest of the file "
           "one record.");
}

void RecordReader::refuse(const std::string& what, const std::string& hint) const {
  throw Error(sqlstate::kBadCopyFileFormat, what, {}, hint);
}

}  // namespace automl::csv
