// SPDX-License-Identifier: MIT
// Numeric CSV with a header line: columns read by name with file:line errors, and a writer.
#ifndef LRS_IO_CSV_HPP
#define LRS_IO_CSV_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <lrs/config.hpp>
#include <lrs/core/error.hpp>
#include <lrs/core/format.hpp>
#include <lrs/core/types.hpp>
#include <lrs/io/detail/whole_number.hpp>

namespace lrs {

/// Bad CSV input. The message reads `<source>:<line>: <what>` (line 0 when the problem concerns
/// the whole file, e.g. it cannot be opened); `source()` and `line()` give the parts.
class csv_error : public std::runtime_error {
 public:
  /// @param source the input's name (a path or "<stream>"); @param line its 1-based line, 0 for
  /// the whole input; @param what the problem.
  csv_error(std::string source, std::size_t line, const std::string& what)
      : std::runtime_error(make_message(source, line, what)),
        source_(std::move(source)),
        line_(line) {}
  /// The input's name.
  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  /// The 1-based line, 0 when the problem concerns the whole input.
  [[nodiscard]] std::size_t line() const noexcept { return line_; }

 private:
  static std::string make_message(const std::string& source, std::size_t line,
                                  const std::string& what) {
    std::string m = source;
    if (line > 0) m.append(":").append(std::to_string(line));
    return m.append(": ").append(what);
  }
  std::string source_;
  std::size_t line_;
};

/// Columns of a numeric CSV file, selected by name, in the order they were asked for.
struct csv_columns {
  std::string source;                       ///< file name (or label) used in messages
  std::vector<std::string> names;           ///< the requested column names
  std::vector<std::vector<double>> values;  ///< values[c][r]: column c, data row r
  std::vector<std::size_t> lines;           ///< 1-based line number of each data row

  /// Number of data rows.
  [[nodiscard]] std::size_t rows() const noexcept { return lines.size(); }

  /// The column called `name`. @throws std::out_of_range if it was not requested.
  [[nodiscard]] const std::vector<double>& operator[](std::string_view name) const {
    for (std::size_t c = 0; c < names.size(); ++c)
      if (names[c] == name) return values[c];
    LRS_THROW(std::out_of_range("lrs::csv_columns: no column '" + std::string(name) + "'"));
  }

  /// Throws csv_error for data row `row` (its source and line) with message `what`.
  [[noreturn]] void fail(std::size_t row, const std::string& what) const {
    LRS_THROW(csv_error(source, row < lines.size() ? lines[row] : 0, what));
  }
};

/// A step-indexed series such as `step,lr`, `step,loss` or `step,grad_norm`.
struct step_series {
  std::string source;              ///< file name (or label) used in messages
  std::vector<step_t> steps;       ///< non-negative, strictly increasing
  std::vector<double> values;      ///< finite
  std::vector<std::size_t> lines;  ///< 1-based line number of each point

  /// Number of points.
  [[nodiscard]] std::size_t size() const noexcept { return steps.size(); }
  /// Throws csv_error for point `i` (its source and line) with message `what`.
  [[noreturn]] void fail(std::size_t i, const std::string& what) const {
    LRS_THROW(csv_error(source, i < lines.size() ? lines[i] : 0, what));
  }
};

/// Bounds on what a CSV reader accepts, so that a wrong file (a binary, `/dev/zero`, an endless
/// pipe) ends in an error instead of filling memory. The defaults are far above any file of
/// per-step numbers: a line of a few numbers is under 100 bytes, and 1 GiB holds some 40 million
/// `step,value` rows.
/// @pre 1 <= max_line_bytes <= 2^30 (a buffer of that size is allocated while reading).
struct csv_limits {
  std::size_t max_line_bytes = 64 * 1024;  ///< longest accepted line, without its newline
  std::uint64_t max_total_bytes = std::uint64_t{1} << 30;  ///< largest accepted input (1 GiB)
};

namespace detail {

inline std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

inline std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const auto comma = line.find(',', start);
    out.push_back(
        trim(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

/// Blank lines and lines starting with '#' carry no data.
inline bool is_skipped(std::string_view line) {
  const auto t = trim(line);
  return t.empty() || t.front() == '#';
}

/// `s` in single quotes for a message: at most `max_bytes` of it (cut before a UTF-8 character,
/// then "..." and the full length), control characters written as \xNN so that none is invisible.
inline std::string csv_quote(std::string_view s, std::size_t max_bytes = 48) {
  std::size_t cut = s.size();
  if (cut > max_bytes) {
    cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out = "'";
  for (std::size_t i = 0; i < cut; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      const char* hex = "0123456789abcdef";
      out.append("\\x").append(1, hex[c >> 4]).append(1, hex[c & 15]);
    } else {
      out.push_back(s[i]);
    }
  }
  out.push_back('\'');
  if (cut < s.size())
    out.insert(out.size() - 1, "...")
        .append(" (" + ::lrs::detail::format_number(s.size()) + " bytes)");
  return out;
}

/// Reads one line (without its '\n') into `line`, within `limits`; `total` counts the bytes read
/// so far. Returns false at the end of the input. @throws csv_error for a line or an input over
/// the limits, or a read error.
inline bool read_line(std::istream& in, std::vector<char>& buf, std::string& line,
                      std::uint64_t& total, const csv_limits& limits, const std::string& source,
                      std::size_t line_no) {
  if (buf.size() != limits.max_line_bytes + 2) buf.assign(limits.max_line_bytes + 2, '\0');
  in.getline(buf.data(), static_cast<std::streamsize>(buf.size()));
  const auto got = static_cast<std::uint64_t>(in.gcount());
  if (in.bad()) LRS_THROW(csv_error(source, line_no, "read error"));
  const bool eof = in.eof();
  if (in.fail() && !eof)
    LRS_THROW(csv_error(source, line_no,
                        "line is longer than " +
                            ::lrs::detail::format_number(limits.max_line_bytes) +
                            " bytes (is this a CSV file?)"));
  total += got;
  if (total > limits.max_total_bytes)
    LRS_THROW(csv_error(source, line_no,
                        "input is larger than " +
                            ::lrs::detail::format_number(limits.max_total_bytes) +
                            " bytes, the limit of a CSV file here"));
  if (eof && got == 0) return false;
  const auto n = static_cast<std::size_t>(eof ? got : got - 1);
  if (n > limits.max_line_bytes)
    LRS_THROW(csv_error(source, line_no,
                        "line is longer than " +
                            ::lrs::detail::format_number(limits.max_line_bytes) +
                            " bytes (is this a CSV file?)"));
  line.assign(buf.data(), n);
  if (eof) in.clear(std::ios::eofbit);  // the last line had no newline: report it, then stop
  return true;
}

/// Opens `path` for a CSV reader. @throws csv_error if it is a directory or cannot be opened.
inline std::ifstream open_csv_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    LRS_THROW(csv_error(path, 0, "is a directory, not a CSV file"));
  std::ifstream in(path, std::ios::binary);
  if (!in) LRS_THROW(csv_error(path, 0, "cannot open file"));
  return in;
}

}  // namespace detail

namespace detail {

/// The reading loop of read_csv: checks the limits, finds the header and the requested columns in
/// it, and calls `on_row(fields, line_no)` for each data row, fields[c] the text of columns[c].
/// @return the number of lines read. @throws csv_error as read_csv.
template <class OnRow>
std::size_t read_csv_rows(std::istream& in, const std::vector<std::string>& columns,
                          const std::string& source, const csv_limits& limits, OnRow&& on_row) {
  ::lrs::detail::require(
      limits.max_line_bytes >= 1 && limits.max_line_bytes <= (std::size_t{1} << 30), "read_csv",
      "limits.max_line_bytes", "in [1, 1073741824]", limits.max_line_bytes);
  std::string line;
  std::vector<char> buf;
  std::uint64_t total = 0;
  std::size_t line_no = 0;
  std::vector<std::size_t> index(columns.size());
  std::vector<std::string_view> row(columns.size());
  std::size_t n_fields = 0;
  bool have_header = false;
  while (read_line(in, buf, line, total, limits, source, line_no + 1)) {
    ++line_no;
    if (line_no == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // UTF-8 BOM
    if (is_skipped(line)) continue;
    const auto fields = split_fields(line);
    if (!have_header) {
      have_header = true;
      n_fields = fields.size();
      for (std::size_t c = 0; c < columns.size(); ++c) {
        std::size_t found = n_fields;
        for (std::size_t f = 0; f < n_fields; ++f) {
          if (fields[f] != columns[c]) continue;
          if (found != n_fields)
            LRS_THROW(csv_error(source, line_no,
                                "column " + csv_quote(columns[c]) + " appears twice in header"));
          found = f;
        }
        if (found == n_fields)
          LRS_THROW(csv_error(source, line_no,
                              "missing column " + csv_quote(columns[c]) + " in header " +
                                  csv_quote(trim(line), 200)));
        index[c] = found;
      }
      continue;
    }
    if (fields.size() != n_fields)
      LRS_THROW(csv_error(source, line_no,
                          "expected " + std::to_string(n_fields) + " fields, got " +
                              std::to_string(fields.size())));
    for (std::size_t c = 0; c < columns.size(); ++c) row[c] = fields[index[c]];
    on_row(row, line_no);
  }
  if (!have_header) LRS_THROW(csv_error(source, 0, "empty file: no header line"));
  return line_no;
}

/// The number in field `text` of column `column` on line `line_no`.
/// @throws csv_error if it is empty, not completely a number, NaN or infinite.
inline double csv_number(std::string_view text, const std::string& column,
                         const std::string& source, std::size_t line_no) {
  const std::string what = "column " + csv_quote(column);
  if (text.empty()) LRS_THROW(csv_error(source, line_no, what + " is empty"));
  const std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size())
    LRS_THROW(csv_error(source, line_no, what + " is not a number: " + csv_quote(s)));
  if (std::isnan(v)) LRS_THROW(csv_error(source, line_no, what + " is NaN"));
  if (!std::isfinite(v))
    LRS_THROW(csv_error(source, line_no, what + " is not finite: " + csv_quote(s)));
  return v;
}

/// The step in field `text` of column `column`: a whole number in [0, 2^63 - 1], read exactly
/// (parse_whole_number) when it is written in decimal (`12`, `1e3`, `12.0`), from its double
/// otherwise (a hexadecimal float). Messages show the number as written, cut when long.
/// @throws csv_error as csv_number, or if the number is negative, not whole, or above 2^63 - 1.
inline step_t csv_step(std::string_view text, const std::string& column, const std::string& source,
                       std::size_t line_no) {
  const double x = csv_number(text, column, source, line_no);  // the checks of any number
  ::lrs::detail::whole_number w;
  if (!::lrs::detail::parse_whole_number(text, w)) {
    w = {};
    w.negative = x < 0;
    if (x != std::floor(x))
      w.status = ::lrs::detail::whole_number_status::fraction;
    else if (x >= 9223372036854775808.0 || x < -9223372036854775808.0)
      w.status = ::lrs::detail::whole_number_status::out_of_range;
    else
      w.value = static_cast<step_t>(x);
  }
  const std::string what = "column " + csv_quote(column);
  const std::string got = text.size() <= 32 ? std::string(text) : ::lrs::detail::format_number(x);
  if (w.negative && !(w.status == ::lrs::detail::whole_number_status::ok && w.value == 0))
    LRS_THROW(csv_error(source, line_no, what + " must be >= 0, got " + got));
  if (w.status == ::lrs::detail::whole_number_status::fraction)
    LRS_THROW(csv_error(source, line_no, what + " must be a whole number, got " + got));
  if (w.status == ::lrs::detail::whole_number_status::out_of_range)
    LRS_THROW(csv_error(source, line_no, what + " must be <= 9223372036854775807, got " + got));
  return w.value;
}

}  // namespace detail

/// Reads the columns `columns` (by header name) of numeric CSV text.
///
/// Format: a header line of comma-separated names, then one row of numbers per line. Fields are
/// trimmed of blanks; blank lines and lines starting with `#` are skipped; CRLF endings and a
/// UTF-8 byte-order mark at the start are accepted; columns not asked for are ignored but every
/// row must have as many fields as the header. Every value must parse completely as a number
/// (anything strtod reads) and be finite. Messages quote at most a short excerpt of the input.
/// @param source name used in error messages (usually the file path).
/// @param limits longest line and largest input accepted (see csv_limits).
/// @throws lrs::invalid_argument if `limits` breaks its precondition.
/// @throws csv_error naming source and line: no header (empty input), a requested column missing
///   or duplicated in the header, a row with the wrong number of fields, an empty or non-numeric
///   field, NaN or infinity, no data rows, a line or an input over `limits`, or a read error.
[[nodiscard]] inline csv_columns read_csv(std::istream& in, const std::vector<std::string>& columns,
                                          const std::string& source = "<stream>",
                                          const csv_limits& limits = {}) {
  csv_columns out;
  out.source = source;
  out.names = columns;
  out.values.resize(columns.size());
  const std::size_t lines = detail::read_csv_rows(
      in, columns, source, limits,
      [&](const std::vector<std::string_view>& row, std::size_t line_no) {
        for (std::size_t c = 0; c < columns.size(); ++c)
          out.values[c].push_back(detail::csv_number(row[c], columns[c], source, line_no));
        out.lines.push_back(line_no);
      });
  if (out.lines.empty()) LRS_THROW(csv_error(source, lines, "no data rows after the header"));
  return out;
}

/// read_csv on the file at `path`.
/// @throws csv_error if it is a directory or cannot be opened, or as read_csv.
[[nodiscard]] inline csv_columns read_csv_file(const std::string& path,
                                               const std::vector<std::string>& columns,
                                               const csv_limits& limits = {}) {
  std::ifstream in = detail::open_csv_file(path);
  return read_csv(in, columns, path, limits);
}

/// Reads a step-indexed series: columns `step_column` and `value_column`.
/// Steps are read as integers, exactly at any size (9007199254740993 is not rounded to 2^53):
/// whole numbers in [0, 2^63 - 1] (`12`, `1e3`, `12.0`), strictly increasing (no duplicates);
/// values finite. A problem is reported at the first line that has one.
/// @throws csv_error naming source and line for any violation, or as read_csv.
[[nodiscard]] inline step_series read_step_series(std::istream& in, const std::string& step_column,
                                                  const std::string& value_column,
                                                  const std::string& source = "<stream>",
                                                  const csv_limits& limits = {}) {
  step_series out;
  out.source = source;
  const std::size_t lines = detail::read_csv_rows(
      in, {step_column, value_column}, source, limits,
      [&](const std::vector<std::string_view>& row, std::size_t line_no) {
        const step_t step = detail::csv_step(row[0], step_column, source, line_no);
        const double value = detail::csv_number(row[1], value_column, source, line_no);
        if (!out.steps.empty() && step == out.steps.back())
          LRS_THROW(csv_error(source, line_no, "duplicate step " + std::to_string(step)));
        if (!out.steps.empty() && step < out.steps.back())
          LRS_THROW(csv_error(source, line_no,
                              "steps not sorted: " + std::to_string(step) + " after " +
                                  std::to_string(out.steps.back())));
        out.steps.push_back(step);
        out.values.push_back(value);
        out.lines.push_back(line_no);
      });
  if (out.lines.empty()) LRS_THROW(csv_error(source, lines, "no data rows after the header"));
  return out;
}

/// read_step_series on the file at `path`.
/// @throws csv_error if it is a directory or cannot be opened, or as read_step_series.
[[nodiscard]] inline step_series read_step_series_file(const std::string& path,
                                                       const std::string& step_column,
                                                       const std::string& value_column,
                                                       const csv_limits& limits = {}) {
  std::ifstream in = detail::open_csv_file(path);
  return read_step_series(in, step_column, value_column, path, limits);
}

/// `v` as the CSV writers print it: format_number with 17 significant digits (`%.17g`), which
/// reads back as exactly the same double.
[[nodiscard]] inline std::string format_csv_number(double v) {
  return ::lrs::detail::format_number(v, 17);
}

/// Writes a header line and the rows of `columns` (all the same length) as CSV, numbers with 17
/// significant digits. @throws std::invalid_argument if names and columns disagree in count or
/// the columns differ in length.
inline void write_csv(std::ostream& out, const std::vector<std::string>& names,
                      const std::vector<std::vector<double>>& columns) {
  if (names.size() != columns.size())
    LRS_THROW(std::invalid_argument("lrs::write_csv: " + std::to_string(names.size()) +
                                    " names for " + std::to_string(columns.size()) + " columns"));
  for (const auto& c : columns)
    if (c.size() != columns.front().size())
      LRS_THROW(std::invalid_argument("lrs::write_csv: columns differ in length"));
  for (std::size_t c = 0; c < names.size(); ++c) out << (c ? "," : "") << names[c];
  out << '\n';
  const std::size_t rows = columns.empty() ? 0 : columns.front().size();
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < columns.size(); ++c)
      out << (c ? "," : "") << format_csv_number(columns[c][r]);
    out << '\n';
  }
}

/// Writes `step_name,value_name` then one `step,value` line per point (value with 17 significant
/// digits). @throws std::invalid_argument if steps and values differ in length.
inline void write_step_series(std::ostream& out, std::string_view step_name,
                              std::string_view value_name, const std::vector<step_t>& steps,
                              const std::vector<double>& values) {
  if (steps.size() != values.size())
    LRS_THROW(std::invalid_argument("lrs::write_step_series: " + std::to_string(steps.size()) +
                                    " steps for " + std::to_string(values.size()) + " values"));
  out << step_name << ',' << value_name << '\n';
  for (std::size_t i = 0; i < steps.size(); ++i)
    out << steps[i] << ',' << format_csv_number(values[i]) << '\n';
}

}  // namespace lrs

#endif  // LRS_IO_CSV_HPP
