#pragma once
// Text corpora for the character-level language models: Debian's fortunes, a UTF-8 file or a
// directory of .txt files, as character ids with a fixed train/validation split. Plain C++.
#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace genscope {

/// Where Debian's fortunes package installs its (inoffensive) fortune files.
inline constexpr const char* kFortunesDir = "/usr/share/games/fortunes";

/// The most distinct characters a vocabulary keeps; rarer ones become U+FFFD.
inline constexpr int kMaxVocab = 512;

/// A corpus as character ids: `vocab[id]` is the Unicode code point of id.
struct TextCorpus {
  std::string name;    // "fortunes", or the file's or directory's name
  std::string source;  // the directory or file it came from, for the UI
  std::vector<char32_t> vocab;  // sorted by code point (U+FFFD last when rare characters merged)
  std::vector<uint16_t> train;  // 90 % of the text
  std::vector<uint16_t> val;    // 10 %: every tenth fortune, or the last tenth of each file
  int64_t files = 0;            // files read
  int64_t merged = 0;           // characters beyond kMaxVocab that became U+FFFD
  std::string load_warning;     // what was left out (files that are binary, empty, not UTF-8)
  int vocab_size() const { return static_cast<int>(vocab.size()); }
};

/// Loads "fortunes" (every fortune file of kFortunesDir) or "text:PATH" (a UTF-8 file, or every
/// .txt file under a directory, sorted by path). Text is read as Unicode characters (UTF-8 code
/// points; "\r\n" becomes "\n"). Errors are one line naming the file: missing, empty, binary (a NUL
/// byte), not UTF-8 (the offset of the first bad byte). A directory skips such files (named in
/// load_warning) and fails only when none is left.
Result<TextCorpus> load_text_corpus(const std::string& spec);

/// Builds a corpus from texts already split (tests, and load_text_corpus itself): the vocabulary
/// of every character in both parts, the kMaxVocab most frequent kept.
TextCorpus make_text_corpus(const std::u32string& train, const std::u32string& val);

/// Decodes UTF-8; on an error returns it naming `what` and the byte offset ("text file x: not
/// UTF-8 text (byte 0xff at offset 12)"; a NUL byte: "binary file").
Result<std::u32string> decode_utf8(const std::string& bytes, const std::string& what);
/// Encodes one code point as UTF-8.
std::string utf8(char32_t c);
/// The ids as UTF-8 text.
std::string corpus_text(const TextCorpus& corpus, const std::vector<uint16_t>& ids);
/// Ids of `text`'s characters; characters the vocabulary lacks are left out.
std::vector<uint16_t> encode_text(const TextCorpus& corpus, const std::string& text);

/// Entropy in bits per character of the unigram distribution of `ids` (what a model that
/// learned only the characters' frequencies scores).
double unigram_entropy_bits(const std::vector<uint16_t>& ids, int vocab);
/// Conditional entropy H(next | previous) in bits of `ids`' bigrams (a model that learned only
/// which character follows which).
double bigram_entropy_bits(const std::vector<uint16_t>& ids, int vocab);

/// What kind of character `c` is, for colouring embeddings: 0 vowel, 1 consonant, 2 digit,
/// 3 punctuation, 4 space or line break, 5 other.
int char_class(char32_t c);

}  // namespace genscope
