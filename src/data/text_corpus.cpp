#include "data/text_corpus.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "util/strings.h"

namespace genscope {
namespace fs = std::filesystem;
namespace {

constexpr char32_t kReplacement = 0xFFFD;

Result<std::string> read_file(const fs::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{what + ": cannot be read"};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A file's characters, or the one-line reason it cannot be used.
Result<std::u32string> read_text(const fs::path& path) {
  const std::string what = "text file " + path.string();
  auto bytes = read_file(path, what);
  if (!bytes) return Error{bytes.error()};
  if (bytes->empty()) return Error{what + ": empty"};
  return decode_utf8(*bytes, what);
}

// The fortunes of one file (the text between lines holding only '%'), each ending in "%\n" as
// in the file.
std::vector<std::u32string> split_fortunes(const std::u32string& text) {
  std::vector<std::u32string> out;
  std::u32string current;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find(U'\n', at);
    if (end == std::u32string::npos) end = text.size();
    const std::u32string line = text.substr(at, end - at);
    at = end + 1;
    if (line == U"%") {
      if (!current.empty()) out.push_back(current + U"%\n");
      current.clear();
    } else {
      current += line + U"\n";
    }
  }
  if (!current.empty()) out.push_back(current + U"%\n");
  return out;
}

Result<TextCorpus> load_fortunes() {
  std::error_code ec;
  if (!fs::is_directory(kFortunesDir, ec)) {
    return Error{std::string("dataset fortunes: ") + kFortunesDir +
                 " not found (install Debian's fortunes package)"};
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kFortunesDir, ec)) {
    if (!e.is_regular_file() || e.is_symlink() || e.path().has_extension()) continue;
    files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::u32string train, val;
  int64_t index = 0, used = 0;
  std::string skipped;
  for (const fs::path& f : files) {
    auto text = read_text(f);
    if (!text) {
      skipped += (skipped.empty() ? "" : "; ") + text.error();
      continue;
    }
    ++used;
    for (const std::u32string& fortune : split_fortunes(*text)) {
      ((index++ % 10 == 9) ? val : train) += fortune;
    }
  }
  if (train.empty() || val.empty()) {
    return Error{std::string("dataset fortunes: no fortunes in ") + kFortunesDir};
  }
  TextCorpus c = make_text_corpus(train, val);
  c.name = "fortunes";
  c.source = kFortunesDir;
  c.files = used;
  c.load_warning = skipped;
  return c;
}

// Where a file's validation part starts: the line start nearest 90 % of it.
std::size_t val_start(const std::u32string& text) {
  const std::size_t target = text.size() * 9 / 10;
  const std::size_t after = text.find(U'\n', target);
  if (after != std::u32string::npos && after + 1 < text.size()) return after + 1;
  return target;
}

Result<TextCorpus> load_text_path(const std::string& path) {
  std::error_code ec;
  if (path.empty()) return Error{"dataset text: needs a path (text:FILE or text:DIRECTORY)"};
  if (!fs::exists(path, ec)) return Error{"text file " + path + ": not found"};
  std::vector<fs::path> files;
  const bool directory = fs::is_directory(path, ec);
  if (directory) {
    for (const auto& e : fs::recursive_directory_iterator(path, ec)) {
      if (e.is_regular_file() && e.path().extension() == ".txt") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) return Error{"text directory " + path + ": no .txt files"};
  } else {
    files.push_back(path);
  }
  std::u32string train, val;
  int64_t used = 0, skipped_count = 0;
  std::string skipped;
  for (const fs::path& f : files) {
    auto text = read_text(f);
    if (!text) {
      if (!directory) return Error{text.error()};
      if (skipped_count++ < 3) skipped += (skipped.empty() ? "" : "; ") + text.error();
      continue;
    }
    ++used;
    const std::size_t cut = val_start(*text);
    train += text->substr(0, cut);
    val += text->substr(cut);
  }
  if (used == 0) return Error{"text directory " + path + ": no readable UTF-8 .txt file (" + skipped + ")"};
  if (train.size() < 2 || val.size() < 2) {
    return Error{"text " + path + ": too short to split into training and validation text"};
  }
  TextCorpus c = make_text_corpus(train, val);
  const fs::path p(path);
  c.name = (p.filename().empty() ? p.parent_path().filename() : p.filename()).string();
  c.source = path;
  c.files = used;
  if (skipped_count > 0) {
    c.load_warning = strformat("%lld file(s) skipped: ", static_cast<long long>(skipped_count)) +
                     skipped + (skipped_count > 3 ? "; ..." : "");
  }
  return c;
}

}  // namespace

Result<std::u32string> decode_utf8(const std::string& bytes, const std::string& what) {
  std::u32string out;
  out.reserve(bytes.size());
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned c = b[i];
    if (c == 0) return Error{strformat("%s: binary file (a NUL byte at offset %zu)", what.c_str(), i)};
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    bool ok = len > 0 && i + len <= n;
    for (int k = 1; ok && k < len; ++k) {
      ok = (b[i + k] & 0xC0) == 0x80;
      cp = (cp << 6) | (b[i + k] & 0x3F);
    }
    const char32_t min_cp = len == 2 ? 0x80 : len == 3 ? 0x800 : len == 4 ? 0x10000 : 0;
    if (!ok || cp < min_cp || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return Error{strformat("%s: not UTF-8 text (byte 0x%02x at offset %zu)", what.c_str(), c, i)};
    }
    i += len;
    if (cp == U'\r' && i < n && b[i] == '\n') continue;  // "\r\n" -> "\n"
    out.push_back(cp);
  }
  return out;
}

std::string utf8(char32_t c) {
  std::string s;
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else if (c < 0x800) {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    s += static_cast<char>(0xE0 | (c >> 12));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (c >> 18));
    s += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
  return s;
}

TextCorpus make_text_corpus(const std::u32string& train, const std::u32string& val) {
  std::map<char32_t, int64_t> counts;
  for (char32_t c : train) ++counts[c];
  for (char32_t c : val) ++counts[c];
  std::vector<std::pair<int64_t, char32_t>> by_count;
  for (const auto& [c, n] : counts) by_count.push_back({-n, c});
  std::sort(by_count.begin(), by_count.end());
  TextCorpus corpus;
  const bool merge = static_cast<int>(by_count.size()) > kMaxVocab;
  const std::size_t keep = merge ? kMaxVocab - 1 : by_count.size();
  for (std::size_t i = 0; i < keep; ++i) corpus.vocab.push_back(by_count[i].second);
  std::sort(corpus.vocab.begin(), corpus.vocab.end());
  if (merge) corpus.vocab.push_back(kReplacement);
  std::map<char32_t, uint16_t> id;
  for (std::size_t i = 0; i < corpus.vocab.size(); ++i) id[corpus.vocab[i]] = uint16_t(i);
  const auto encode = [&](const std::u32string& text, std::vector<uint16_t>& out) {
    out.reserve(text.size());
    for (char32_t c : text) {
      auto it = id.find(c);
      if (it == id.end()) {
        ++corpus.merged;
        out.push_back(uint16_t(corpus.vocab.size() - 1));
      } else {
        out.push_back(it->second);
      }
    }
  };
  encode(train, corpus.train);
  encode(val, corpus.val);
  return corpus;
}

Result<TextCorpus> load_text_corpus(const std::string& spec) {
  const std::string s(trim(spec));
  if (s == "fortunes") return load_fortunes();
  if (s.rfind("text:", 0) == 0) return load_text_path(s.substr(5));
  return Error{"dataset " + s + ": not text (use fortunes or text:PATH)"};
}

std::string corpus_text(const TextCorpus& corpus, const std::vector<uint16_t>& ids) {
  std::string out;
  for (uint16_t i : ids) {
    if (i < corpus.vocab.size()) out += utf8(corpus.vocab[i]);
  }
  return out;
}

std::vector<uint16_t> encode_text(const TextCorpus& corpus, const std::string& text) {
  std::vector<uint16_t> out;
  auto decoded = decode_utf8(text, "prompt");
  if (!decoded) return out;
  for (char32_t c : *decoded) {
    auto it = std::lower_bound(corpus.vocab.begin(), corpus.vocab.end(), c);
    if (it != corpus.vocab.end() && *it == c) out.push_back(uint16_t(it - corpus.vocab.begin()));
  }
  return out;
}

double unigram_entropy_bits(const std::vector<uint16_t>& ids, int vocab) {
  if (ids.empty()) return 0.0;
  std::vector<double> count(static_cast<std::size_t>(vocab), 0.0);
  for (uint16_t i : ids) count[i] += 1.0;
  double h = 0.0;
  for (double c : count) {
    if (c > 0) h -= c / double(ids.size()) * std::log2(c / double(ids.size()));
  }
  return h;
}

double bigram_entropy_bits(const std::vector<uint16_t>& ids, int vocab) {
  if (ids.size() < 2) return 0.0;
  const std::size_t v = static_cast<std::size_t>(vocab);
  std::vector<double> pair(v * v, 0.0), first(v, 0.0);
  for (std::size_t i = 1; i < ids.size(); ++i) {
    pair[ids[i - 1] * v + ids[i]] += 1.0;
    first[ids[i - 1]] += 1.0;
  }
  const double n = double(ids.size() - 1);
  double h = 0.0;
  for (std::size_t a = 0; a < v; ++a) {
    for (std::size_t b = 0; b < v; ++b) {
      const double c = pair[a * v + b];
      if (c > 0) h -= c / n * std::log2(c / first[a]);
    }
  }
  return h;
}

int char_class(char32_t c) {
  if (c == U' ' || c == U'\n' || c == U'\t') return 4;
  if (c < 0x80) {
    const char l = static_cast<char>(std::tolower(static_cast<int>(c)));
    if (l >= 'a' && l <= 'z') return std::string_view("aeiou").find(l) != std::string_view::npos ? 0 : 1;
    if (c >= U'0' && c <= U'9') return 2;
    if (c > 0x20 && c < 0x7F) return 3;
  }
  return 5;
}

}  // namespace genscope
