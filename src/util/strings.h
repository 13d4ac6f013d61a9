#pragma once
// Small string helpers shared by the CLI, config files and panels.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace genscope {

/// The text up to its first newline (LibTorch errors carry a long backtrace after it).
std::string first_line(const std::string& text);

/// Removes leading and trailing whitespace.
std::string_view trim(std::string_view s);

/// `text` with ASCII letters in lower case.
std::string lower_case(std::string text);
/// Parses a whole string as a finite double; nullopt on trailing junk, NaN or overflow.
std::optional<double> parse_double(std::string_view s);
/// Parses a whole string as a 64-bit integer; accepts "1e3"-style integral values too.
std::optional<long long> parse_integer(std::string_view s);
/// Formats a number compactly: integers without decimals, others with up to 4 significant digits.
std::string format_number(double v);
/// The shortest decimal text that reads back as exactly `v` ("0.0002", "0.1", "1e-06").
std::string format_exact(double v);
/// Splits `text` at spaces into lines of at most `width` characters (a longer word gets a line
/// of its own); runs of spaces between words become one.
std::vector<std::string> wrap_words(std::string_view text, size_t width);
/// `text` with every '%' doubled, to pass it where a printf format is expected (ImGui's slider
/// formats) and have it shown as it is.
std::string escape_percent(const std::string& text);
/// printf-style formatting into a std::string.
std::string strformat(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace genscope
