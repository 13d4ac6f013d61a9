// The emoji dataset (data/emoji.h): emoji-test.txt parsing on text the test writes, and the real
// glyphs of Debian's fonts-noto-color-emoji (installed by scripts/setup.sh; skipped without it).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "data/dataset.h"
#include "data/emoji.h"
#include "support/test_files.h"

namespace genscope {
namespace {

namespace fs = std::filesystem;

const bool kCleanup = test::remove_when_all_pass("emoji");

bool have_emoji() { return fs::exists(kEmojiFont) && fs::exists(kEmojiTest); }

// Mean R, G, B of an RGB image.
std::array<double, 3> mean_rgb(const DecodedImage& image) {
  std::array<double, 3> sum{};
  for (size_t i = 0; i < image.rgb.size(); ++i) sum[i % 3] += image.rgb[i];
  for (double& s : sum) s /= double(image.rgb.size() / 3);
  return sum;
}

TEST(Emoji, ParsesFullyQualifiedEntriesByGroupWithoutComponents) {
  const std::string text =
      "# comment\n"
      "# group: Smileys & Emotion\n"
      "# subgroup: face-smiling\n"
      "1F600                                                  ; fully-qualified     # 😀 E1.0 "
      "grinning face\n"
      "263A FE0F                                              ; fully-qualified     # ☺️ E0.6 "
      "smiling face\n"
      "263A                                                   ; unqualified         # ☺ E0.6 "
      "smiling face\n"
      "\n"
      "# group: Component\n"
      "1F3FB                                                  ; fully-qualified     # 🏻 E1.0 "
      "light skin tone\n"
      "# group: Food & Drink\n"
      "1F34E                                                  ; fully-qualified     # 🍎 E0.6 "
      "red apple\n";
  auto entries = parse_emoji_test(text);
  ASSERT_TRUE(entries) << entries.error();
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].sequence, std::vector<char32_t>{0x1F600});
  EXPECT_EQ((*entries)[0].group, "Smileys & Emotion");
  EXPECT_EQ((*entries)[0].name, "grinning face");
  EXPECT_EQ((*entries)[1].sequence, (std::vector<char32_t>{0x263A, 0xFE0F}));
  EXPECT_EQ((*entries)[2].group, "Food & Drink");
  EXPECT_EQ((*entries)[2].name, "red apple");
}

TEST(Emoji, ABadLineIsAnErrorNamingItsNumber) {
  auto no_status = parse_emoji_test("# group: Objects\n1F4A9 # pile\n");
  ASSERT_FALSE(no_status);
  EXPECT_EQ(no_status.error(), "emoji-test line 2: expected 'code points ; status # ...'");
  auto bad_hex = parse_emoji_test("# group: Objects\n1F4ZZ ; fully-qualified # x E1.0 y\n");
  ASSERT_FALSE(bad_hex);
  EXPECT_EQ(bad_hex.error(), "emoji-test line 2: '1F4ZZ' is not a code point");
}

TEST(Emoji, RendersColourGlyphsOverWhiteIncludingSequences) {
  if (!have_emoji()) GTEST_SKIP() << "fonts-noto-color-emoji or unicode-data not installed";
  auto apple = render_emoji({0x1F34E}, kEmojiFont);
  ASSERT_TRUE(apple) << apple.error();
  EXPECT_TRUE(apple->colour);
  EXPECT_GE(apple->width, 100);
  const auto rgb = mean_rgb(*apple);
  EXPECT_GT(rgb[0], rgb[1] + 40) << "a red apple is red";
  EXPECT_GT(rgb[0], rgb[2] + 40);
  // The corners are background: white.
  EXPECT_EQ(apple->rgb[0], 255);
  EXPECT_EQ(apple->rgb[1], 255);
  // A ZWJ family and a flag each shape to one glyph of their own.
  auto family = render_emoji({0x1F468, 0x200D, 0x1F469, 0x200D, 0x1F467}, kEmojiFont);
  ASSERT_TRUE(family) << family.error();
  auto flag = render_emoji({0x1F1EF, 0x1F1F5}, kEmojiFont);  // Japan: white with a red disc
  ASSERT_TRUE(flag) << flag.error();
  const auto flag_rgb = mean_rgb(*flag);
  EXPECT_GT(flag_rgb[0], flag_rgb[2] + 10);
  auto none = render_emoji({'a', 'b'}, kEmojiFont);
  EXPECT_FALSE(none);
}

TEST(Emoji, LoadsEveryGlyphLabelledByGroupAndCachesIt) {
  if (!have_emoji()) GTEST_SKIP() << "fonts-noto-color-emoji or unicode-data not installed";
  DatasetOptions options;
  options.resolution = 16;
  options.cache_dir = test::process_dir("emoji") + "/cache";
  int64_t last_done = -1, last_total = -1;
  options.progress = [&](int64_t done, int64_t total) { last_done = done, last_total = total; };
  auto first = load_dataset("emoji", options);
  ASSERT_TRUE(first) << first.error();
  const ImageSet& s = first->train;
  EXPECT_EQ(first->name, "emoji");
  // Every tenth glyph is held out as the test split, for the quality metrics.
  EXPECT_GT(s.count + first->test.count, 3400);
  EXPECT_EQ(first->test.count, (s.count + first->test.count) / 10);
  EXPECT_EQ(first->test.labels.size(), size_t(first->test.count));
  EXPECT_EQ(s.channels, 3);
  EXPECT_EQ(s.width, 16);
  ASSERT_EQ(s.labels.size(), size_t(s.count));
  ASSERT_EQ(s.class_names.size(), 9u);
  EXPECT_EQ(s.class_names[0], "Smileys & Emotion");
  EXPECT_EQ(s.class_names.back(), "Flags");
  EXPECT_EQ(last_done, s.count + first->test.count);
  EXPECT_EQ(last_total, s.count + first->test.count);
  EXPECT_TRUE(first->load_warning.empty()) << first->load_warning;
  last_total = -1;
  auto second = load_dataset("emoji", options);  // from the cache: no decoding progress
  ASSERT_TRUE(second) << second.error();
  EXPECT_EQ(last_total, -1);
  EXPECT_EQ(second->train.pixels, s.pixels);
  EXPECT_EQ(second->train.labels, s.labels);
  options.channels = 1;
  auto gray = load_dataset("emoji", options);
  ASSERT_TRUE(gray) << gray.error();
  EXPECT_EQ(gray->train.channels, 1);
}

TEST(Emoji, AMissingFontNamesItsPackage) {
  EmojiOptions emoji;
  emoji.font = "/nonexistent/NotoColorEmoji.ttf";
  auto load = load_emoji(emoji, ImageFolderOptions{});
  ASSERT_FALSE(load);
  EXPECT_EQ(load.error(),
            "emoji: /nonexistent/NotoColorEmoji.ttf not found (Debian's fonts-noto-color-emoji "
            "installs it)");
  EXPECT_TRUE(check_dataset_spec("emoji"));
}

}  // namespace
}  // namespace genscope
