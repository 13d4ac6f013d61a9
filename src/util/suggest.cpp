#include "util/suggest.h"

#include <algorithm>
#include <cctype>

namespace genscope {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (prefix.size() > text.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

}  // namespace

int edit_distance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  // d[i][j]: distance between the first i characters of a and the first j of b.
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

int suggestion_threshold(size_t length) {
  if (length <= 2) return 0;
  if (length <= 4) return 1;
  if (length <= 8) return 2;
  return 3;
}

std::vector<std::string> suggest(std::string_view word,
                                 const std::vector<std::string>& candidates) {
  std::vector<std::string> out;
  if (word.empty()) return out;
  const auto add = [&out](const std::string& c) {
    if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  };
  for (const std::string& c : candidates) {
    if (edit_distance(word, c) == 0) return {c};
  }
  if (word.size() >= 2) {
    for (const std::string& c : candidates) {
      if (starts_with_ignoring_case(c, word)) add(c);
    }
    if (!out.empty() && out.size() <= 3) return out;
    out.clear();
  }
  int best = suggestion_threshold(word.size());
  for (const std::string& c : candidates) {
    const int d = edit_distance(word, c);
    if (d > best) continue;
    if (d < best) {
      best = d;
      out.clear();
    }
    if (d == best) add(c);
  }
  return out;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  return format_did_you_mean(suggest(word, candidates));
}

std::string format_did_you_mean(const std::vector<std::string>& names) {
  if (names.empty()) return {};
  std::string text;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " or " : ", ";
    text += names[i];
  }
  return " (did you mean " + text + "?)";
}

std::string join_names(const std::vector<std::string>& names, std::string_view separator) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += separator;
    out += n;
  }
  return out;
}

}  // namespace genscope
