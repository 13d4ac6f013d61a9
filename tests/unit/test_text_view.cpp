// What the text panels draw from, torch-free: the passage features and the units ranked by them,
// Pearson's r, the heatmap and attention images and their colours.
#include <gtest/gtest.h>

#include <cmath>

#include "core/text_view.h"

using namespace genscope;

namespace {

std::vector<std::string> chars_of(const std::string& s) {
  std::vector<std::string> out;
  for (char c : s) out.push_back(std::string(1, c));
  return out;
}

}  // namespace

TEST(TextView, PassageFeaturesMarkQuotesLinePositionSpacesAndCase) {
  const std::vector<std::string> p = chars_of("a \"Hi\"\nbc");
  EXPECT_EQ(text_feature(TextFeature::kInsideQuotes, p),
            (std::vector<float>{0, 0, 1, 1, 1, 0, 0, 0, 0}));
  EXPECT_EQ(text_feature(TextFeature::kPositionInLine, p),
            (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 0, 1}));
  EXPECT_EQ(text_feature(TextFeature::kIsSpace, p), (std::vector<float>{0, 1, 0, 0, 0, 0, 1, 0, 0}));
  EXPECT_EQ(text_feature(TextFeature::kIsUpper, p), (std::vector<float>{0, 0, 0, 1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(text_feature(TextFeature::kIsVowel, p), (std::vector<float>{1, 0, 0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(text_feature(TextFeature::kInWord, p), (std::vector<float>{1, 0, 0, 1, 1, 0, 0, 1, 1}));
  EXPECT_STREQ(text_feature_name(TextFeature::kInsideQuotes), "inside quotes");
}

TEST(TextView, PearsonIsOneForALineMinusOneReversedAndZeroForAConstant) {
  const float x[] = {1, 2, 3, 4}, y[] = {3, 5, 7, 9}, z[] = {4, 3, 2, 1}, c[] = {2, 2, 2, 2};
  EXPECT_NEAR(pearson(x, y, 4), 1.0, 1e-12);
  EXPECT_NEAR(pearson(x, z, 4), -1.0, 1e-12);
  EXPECT_EQ(pearson(x, c, 4), 0.0);
}

TEST(TextView, RankUnitsPutsTheUnitThatTracksAFeatureFirst) {
  TextInside in;
  const std::vector<std::string> vocab = {" ", "\"", "a", "b", "\n"};
  const std::string text = "ab \"ab ba\" ab\nba \"a\" b\n";
  for (char c : text) in.passage.push_back(static_cast<uint16_t>(std::string(" \"ab\n").find(c)));
  const std::size_t t = in.passage.size();
  in.units = 3;
  const std::vector<float> quotes = text_feature(TextFeature::kInsideQuotes, chars_of(text));
  for (std::size_t i = 0; i < t; ++i) in.hidden.push_back(0.3f * std::sin(i * 1.7f));  // noise
  for (std::size_t i = 0; i < t; ++i) in.hidden.push_back(-0.8f * quotes[i] + 0.01f * (i % 3));
  for (std::size_t i = 0; i < t; ++i) in.hidden.push_back(0.2f * std::cos(i * 2.3f));
  const std::vector<UnitCorrelation> ranked = rank_units(in, vocab);
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0].unit, 1);
  EXPECT_EQ(ranked[0].feature, TextFeature::kInsideQuotes);
  EXPECT_LT(ranked[0].r, -0.99);  // the sign is kept: this unit goes down inside quotes
  EXPECT_GE(std::fabs(ranked[1].r), std::fabs(ranked[2].r));
}

TEST(TextView, HeatmapAndAttentionImagesHaveAPixelPerValue) {
  TextInside in;
  in.passage = {0, 1, 2};
  in.units = 2;
  in.hidden = {-1.0f, 0.0f, 1.0f, 0.5f, 0.5f, 0.5f};
  const ImageRGBA h = hidden_image(in);
  ASSERT_EQ(h.width, 3);
  ASSERT_EQ(h.height, 2);
  EXPECT_GT(h.pixels[2], h.pixels[0]) << "-1 is blue";
  EXPECT_GT(h.pixels[8], h.pixels[10]) << "+1 is red";
  EXPECT_LT(h.pixels[4] + h.pixels[5] + h.pixels[6], 120) << "0 is dark";
  in.units = 0;
  in.hidden.clear();
  in.layers = 1, in.heads = 2;
  for (int head = 0; head < 2; ++head) {
    for (int q = 0; q < 3; ++q) {
      for (int k = 0; k < 3; ++k) in.attention.push_back(k == (head ? 0 : q) ? 1.0f : 0.0f);
    }
  }
  EXPECT_EQ(in.attention_row(0, 1, 2)[0], 1.0f);
  const ImageRGBA a = attention_image(in, 0, 0);  // the diagonal is bright
  ASSERT_EQ(a.width, 3);
  EXPECT_GT(a.pixels[(1 * 3 + 1) * 4], a.pixels[(1 * 3 + 0) * 4]);
  EXPECT_TRUE(attention_image(in, 0, 2).empty());  // no such head
  const ImageRGBA grid = attention_grid_image(in, 1);
  EXPECT_EQ(grid.width, 2 * 3 + 1);
  EXPECT_EQ(grid.height, 3);
  EXPECT_EQ(grid.pixels[(2 * grid.width + 4) * 4], attention_color(1.0f)[0]);  // head 1, row 2, key 0
  EXPECT_GT(attention_color(0.04f)[0], attention_color(0.0f)[0] + 40) << "a weak weight still shows";
}

TEST(TextView, ARefreshFitsWhileTheRefreshesStayWithinFivePercent) {
  EXPECT_TRUE(text_refresh_fits(0.0, 0.1, 2.0));    // 0.1 s of 2 s: exactly 5 %
  EXPECT_FALSE(text_refresh_fits(0.0, 0.1, 1.9));
  EXPECT_FALSE(text_refresh_fits(0.4, 0.2, 10.0));  // 0.6 of 10: 6 %
  EXPECT_TRUE(text_refresh_fits(0.3, 0.2, 10.0));
  // Refreshes that come anyway (samples.txt's, at each validation) leave less room.
  EXPECT_FALSE(text_refresh_fits(0.45, 0.1, 10.0));
}
