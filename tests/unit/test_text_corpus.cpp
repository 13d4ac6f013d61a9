// Text corpora: UTF-8 decoding and its errors, the vocabulary, the splits, the entropy baselines,
// the one-line errors for missing, empty and binary files, and Debian's fortunes.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/params.h"
#include "data/dataset.h"
#include "data/text_corpus.h"
#include "support/test_files.h"

using namespace genscope;
namespace fs = std::filesystem;

namespace {

std::string scratch() {
  static const bool cleanup = test::remove_when_all_pass("text_corpus");
  (void)cleanup;
  const std::string dir = test::process_dir("text_corpus");
  fs::create_directories(dir);
  return dir;
}

std::string write(const std::string& name, const std::string& bytes) {
  const std::string path = scratch() + "/" + name;
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

}  // namespace

TEST(TextCorpus, DecodesUtf8AndNamesTheFirstBadByte) {
  auto ok = decode_utf8("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\r\nb", "x");
  ASSERT_TRUE(ok.ok()) << ok.error();
  EXPECT_EQ(*ok, std::u32string(U"a\u00e9\u20ac\U0001F600\nb"));
  auto bad = decode_utf8("abc\xff", "text file t.txt");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "text file t.txt: not UTF-8 text (byte 0xff at offset 3)");
  auto overlong = decode_utf8("\xc0\xaf", "f");
  EXPECT_FALSE(overlong.ok());
  auto binary = decode_utf8(std::string("ab\0c", 4), "text file b");
  ASSERT_FALSE(binary.ok());
  EXPECT_EQ(binary.error(), "text file b: binary file (a NUL byte at offset 2)");
  EXPECT_EQ(utf8(U'\u20ac'), "\xe2\x82\xac");
  EXPECT_EQ(utf8(U'\U0001F600'), "\xf0\x9f\x98\x80");
}

TEST(TextCorpus, VocabularyIsSortedAndRoundTrips) {
  TextCorpus c = make_text_corpus(U"hello world", U"low\u00e9");
  ASSERT_EQ(c.vocab_size(), 9);  // ' ' d e h l o r w é
  EXPECT_TRUE(std::is_sorted(c.vocab.begin(), c.vocab.end()));
  EXPECT_EQ(corpus_text(c, c.train), "hello world");
  EXPECT_EQ(corpus_text(c, c.val), "low\xc3\xa9");
  EXPECT_EQ(corpus_text(c, encode_text(c, "hex lol")), "he lol");  // x is not in the vocabulary
}

TEST(TextCorpus, RareCharactersBeyondTheCapBecomeOneReplacement) {
  std::u32string text;
  for (int i = 0; i < kMaxVocab + 10; ++i) {
    for (int n = 0; n <= (i < kMaxVocab - 1 ? 2 : 0); ++n) text.push_back(char32_t(0x100 + i));
  }
  TextCorpus c = make_text_corpus(text, U"\u0100");
  EXPECT_EQ(c.vocab_size(), kMaxVocab);
  EXPECT_EQ(c.vocab.back(), char32_t(0xFFFD));
  EXPECT_EQ(c.merged, 11);  // the 11 characters seen once
}

TEST(TextCorpus, UnigramAndBigramEntropiesOfTinyTexts) {
  TextCorpus abab = make_text_corpus(U"abababab", U"ab");
  EXPECT_NEAR(unigram_entropy_bits(abab.train, abab.vocab_size()), 1.0, 1e-12);
  EXPECT_NEAR(bigram_entropy_bits(abab.train, abab.vocab_size()), 0.0, 1e-12);  // b follows a
  TextCorpus aaab = make_text_corpus(U"aaab", U"a");
  EXPECT_NEAR(unigram_entropy_bits(aaab.train, 2), -(0.75 * std::log2(0.75) + 0.25 * std::log2(0.25)), 1e-12);
  // pairs aa, aa, ab: after a, a 2/3 and b 1/3
  EXPECT_NEAR(bigram_entropy_bits(aaab.train, 2), -(2.0 / 3 * std::log2(2.0 / 3) + 1.0 / 3 * std::log2(1.0 / 3)), 1e-12);
}

TEST(TextCorpus, AFileSplitsAtALineBreakNearNinetyPercent) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "line " + std::to_string(i) + "\n";
  auto c = load_text_corpus("text:" + write("lines.txt", text));
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->name, "lines.txt");
  EXPECT_EQ(corpus_text(*c, c->train) + corpus_text(*c, c->val), text);
  const std::string val = corpus_text(*c, c->val);
  EXPECT_EQ(val.rfind("line ", 0), 0u) << val;  // starts at a line
  EXPECT_NEAR(double(c->val.size()) / double(text.size()), 0.1, 0.02);
}

TEST(TextCorpus, BadInputGivesOneLineErrorsNamingTheFile) {
  const std::string missing = scratch() + "/nope.txt";
  auto m = load_text_corpus("text:" + missing);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), "text file " + missing + ": not found");
  EXPECT_FALSE(check_dataset_spec("text:" + missing).ok());
  EXPECT_TRUE(check_dataset_spec("fortunes").ok());
  const std::string empty = write("empty.txt", "");
  EXPECT_EQ(load_text_corpus("text:" + empty).error(), "text file " + empty + ": empty");
  const std::string binary = write("bin.txt", std::string("PK\x03\x04\0\0", 6));
  EXPECT_EQ(load_text_corpus("text:" + binary).error(),
            "text file " + binary + ": binary file (a NUL byte at offset 4)");
  EXPECT_EQ(load_text_corpus("text:").error(), "dataset text: needs a path (text:FILE or text:DIRECTORY)");
  const std::string none = scratch() + "/no_txt";
  fs::create_directories(none);
  write("no_txt/readme.md", "not a txt");
  EXPECT_EQ(load_text_corpus("text:" + none).error(), "text directory " + none + ": no .txt files");
}

TEST(TextCorpus, ADirectorySkipsBadFilesAndSaysSo) {
  const std::string dir = scratch() + "/books";
  write("books/a.txt", std::string(200, 'a') + "\n" + std::string(50, 'b') + "\n");
  write("books/sub/c.txt", "the cat sat on the mat\nand the dog\n");
  write("books/broken.txt", "caf\xe9 latin-1\n");
  auto c = load_text_corpus("text:" + dir);
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->files, 2);
  EXPECT_NE(c->load_warning.find("1 file(s) skipped"), std::string::npos) << c->load_warning;
  EXPECT_NE(c->load_warning.find("broken.txt: not UTF-8 text (byte 0xe9 at offset 3)"),
            std::string::npos)
      << c->load_warning;
}

TEST(TextCorpus, FortunesFromDebian) {
  if (!fs::is_directory(kFortunesDir)) GTEST_SKIP() << "Debian's fortunes package is not installed";
  auto c = load_text_corpus("fortunes");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c->name, "fortunes");
  EXPECT_GT(c->files, 20);
  EXPECT_GT(c->train.size(), 1000000u);
  EXPECT_NEAR(double(c->val.size()) / double(c->train.size() + c->val.size()), 0.1, 0.02);
  EXPECT_GT(c->vocab_size(), 60);
  EXPECT_LT(c->vocab_size(), 400);
  const std::string start = corpus_text(*c, std::vector<uint16_t>(c->train.begin(), c->train.begin() + 5000));
  EXPECT_EQ(start.find("\n%\n") == std::string::npos, false) << start;  // fortunes end in "%"
  const double uni = unigram_entropy_bits(c->train, c->vocab_size());
  const double bi = bigram_entropy_bits(c->train, c->vocab_size());
  EXPECT_GT(uni, 4.0);  // English letters, spaces, punctuation: ~4.3 bits
  EXPECT_LT(uni, 5.0);
  EXPECT_LT(bi, uni - 0.5);
}

TEST(TextCorpus, CharacterClasses) {
  EXPECT_EQ(char_class(U'a'), 0);
  EXPECT_EQ(char_class(U'E'), 0);
  EXPECT_EQ(char_class(U'z'), 1);
  EXPECT_EQ(char_class(U'7'), 2);
  EXPECT_EQ(char_class(U'!'), 3);
  EXPECT_EQ(char_class(U' '), 4);
  EXPECT_EQ(char_class(U'\n'), 4);
  EXPECT_EQ(char_class(U'\u00e9'), 5);
}

TEST(TextParams, ACharModelOrATextDatasetMakesTheTextFamily) {
  Params p;
  ASSERT_TRUE(p.set_from_string(ParamId::kModel, "char-lstm").ok());
  EXPECT_EQ(p.family(), ModelFamily::kText);
  EXPECT_EQ(p.integer(ParamId::kWidth), 128);
  EXPECT_EQ(p.integer(ParamId::kBatchSize), 12);
  EXPECT_DOUBLE_EQ(p.number(ParamId::kLrG), 1e-3);
  EXPECT_DOUBLE_EQ(p.number(ParamId::kBeta1), 0.9);
  Params q;
  ASSERT_TRUE(q.set_from_string(ParamId::kDataset, "text:/tmp/x.txt").ok());
  EXPECT_EQ(q.family(), ModelFamily::kText);
  Params r;
  ASSERT_TRUE(r.set_from_string(ParamId::kDataset, "fortunes").ok());
  EXPECT_EQ(r.family(), ModelFamily::kText);
  EXPECT_TRUE(param_applies(param_spec(ParamId::kTemperature), ModelFamily::kText));
  EXPECT_FALSE(param_applies(param_spec(ParamId::kTemperature), ModelFamily::kImageGan));
  EXPECT_FALSE(param_applies(param_spec(ParamId::kLatentDim), ModelFamily::kText));
  EXPECT_TRUE(param_applies(param_spec(ParamId::kSeed), ModelFamily::kText));
}
