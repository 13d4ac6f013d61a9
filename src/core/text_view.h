#pragma once
// What a text model shows the window: its samples with the probability of every character and
// the distributions they were drawn from, the corpus's baselines and vocabulary. Plain C++.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "util/image.h"

namespace genscope {

/// The share of training time the window's sample refreshes may take.
inline constexpr double kTextRefreshShare = 0.05;

/// Whether another sample refresh, costing `next_s`, keeps the refreshes' time (`refreshes_s`)
/// within kTextRefreshShare of the training time (`train_s`) they share.
inline bool text_refresh_fits(double refreshes_s, double next_s, double train_s) {
  return refreshes_s + next_s <= kTextRefreshShare * train_s;
}

/// The bytes of the UTF-8 character that begins with `lead` (1 for a stray continuation byte).
inline std::size_t utf8_char_bytes(unsigned char lead) {
  return lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
}

/// Candidates kept per generated character for the hover chart.
inline constexpr int kTextTopCandidates = 10;

/// A continuation of the prompt, one character at a time.
struct TextSample {
  std::string prompt;              // UTF-8, as the model read it
  std::vector<uint16_t> ids;       // the generated characters
  std::vector<float> prob;         // the model's probability of each (temperature 1, no top-k)
  /// Per generated character: the ten likeliest next characters and their probabilities, from
  /// the distribution before it was drawn (temperature 1).
  std::vector<std::array<uint16_t, kTextTopCandidates>> top_ids;
  std::vector<std::array<float, kTextTopCandidates>> top_prob;
  int64_t step = -1;  // the training step it was generated after
  double temperature = 1.0;
  int top_k = 0;
  /// Surprisal of character i in bits: -log2 prob[i].
  double surprisal(std::size_t i) const;
};

/// What the model computes inside over a fixed validation passage, refreshed with the samples.
struct TextInside {
  int64_t step = -1;
  std::vector<uint16_t> passage;  // the passage's characters (ids)
  /// Recurrent models: the top layer's output per unit and position, unit-major:
  /// hidden[u * positions + t]; units = 0 for the Transformer.
  int units = 0;
  std::vector<float> hidden;
  /// The Transformer: each block's and head's attention over the passage,
  /// attention[((layer * heads + head) * T + query) * T + key] with T = passage.size();
  /// layers = 0 for the recurrent models.
  int layers = 0, heads = 0;
  std::vector<float> attention;
  std::size_t positions() const { return passage.size(); }
  float hidden_at(int unit, std::size_t t) const { return hidden[unit * passage.size() + t]; }
  /// Row `query` of one head's attention (T weights summing to 1 over keys <= query).
  const float* attention_row(int layer, int head, std::size_t query) const {
    const std::size_t t = passage.size();
    return attention.data() + ((static_cast<std::size_t>(layer) * heads + head) * t + query) * t;
  }
};

/// A hidden activation's colour: blue (-1) through near black (0) to red (+1), RGBA.
std::array<uint8_t, 4> activation_color(float v);
/// An attention weight's colour: black (0) to yellow (1), on a square-root scale so that weak
/// attention still shows.
std::array<uint8_t, 4> attention_color(float w);
/// The hidden units x positions heatmap: one pixel per unit (row) and position (column).
ImageRGBA hidden_image(const TextInside& inside);
/// One head's attention map: one pixel per query (row) and key (column).
ImageRGBA attention_image(const TextInside& inside, int layer, int head);

/// Every head's map tiled: a row of tiles per layer, a column per head, `gap` pixels between.
ImageRGBA attention_grid_image(const TextInside& inside, int gap);

/// The character embeddings projected on their first two principal components.
struct TextEmbedding {
  int64_t step = -1;
  std::vector<float> xy;              // two coordinates per vocabulary id
  std::array<double, 2> explained{};  // each component's share of the variance
};

/// The simple features of a passage that units are ranked against.
enum class TextFeature : uint8_t {
  kInsideQuotes,    // between a pair of double quotes
  kPositionInLine,  // characters since the last line break
  kIsSpace,         // a space, tab or line break
  kIsUpper,         // an upper-case letter
  kIsVowel,         // a, e, i, o, u in either case
  kInWord,          // a letter or a digit (not space or punctuation)
};
inline constexpr int kTextFeatures = 6;
/// "inside quotes", "position in line", ...
const char* text_feature_name(TextFeature f);
/// The feature's value at each position of `chars` (the passage's characters as UTF-8 strings).
std::vector<float> text_feature(TextFeature f, const std::vector<std::string>& chars);

/// A unit and how strongly its activation follows a feature over the passage.
struct UnitCorrelation {
  int unit = 0;
  TextFeature feature = TextFeature::kInsideQuotes;
  double r = 0.0;  // Pearson correlation (sign kept)
};
/// Every unit of `inside` with the feature it follows best, strongest |r| first; features that
/// are constant over the passage are left out (no correlation to speak of).
std::vector<UnitCorrelation> rank_units(const TextInside& inside,
                                        const std::vector<std::string>& vocab);
/// Pearson correlation of x and y (0 when either is constant).
double pearson(const float* x, const float* y, std::size_t n);

/// The text family's view.
struct TextView {
  uint64_t version = 0;  // changes when the samples change
  std::vector<std::string> vocab;  // each id as UTF-8 (line break and tab as they are)
  std::vector<uint8_t> vocab_class;  // char_class of each id (0 vowel ... 5 other)
  TextSample sampled;  // the fixed-seed sample at the temperature and top-k in force
  TextSample greedy;   // always the likeliest character
  double unigram_bits = 0.0;  // the corpus's unigram entropy, bits per character
  double bigram_bits = 0.0;   // its bigram conditional entropy
  int64_t train_chars = 0;
  int64_t val_chars = 0;
  double refresh_s = 0.0;      // what the last sample refresh cost
  double refresh_share = 0.0;  // the refreshes' time over the training time, the last minute
  /// Shared, not copied, from snapshot to snapshot (the attention maps are ~100k floats).
  std::shared_ptr<const TextInside> inside;
  std::shared_ptr<const TextEmbedding> embedding;
};

/// The text of `ids` in `vocab` (UTF-8).
std::string text_of(const std::vector<std::string>& vocab, const std::vector<uint16_t>& ids);

}  // namespace genscope
