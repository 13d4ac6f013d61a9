#pragma once
// What a text model shows the window: its samples with the probability of every character and
// the distributions they were drawn from, the corpus's baselines and vocabulary. Plain C++.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace genscope {

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
  double refresh_share = 0.0;  // the refreshes' time over the training time, since the start
};

/// The text of `ids` in `vocab` (UTF-8).
std::string text_of(const std::vector<std::string>& vocab, const std::vector<uint16_t>& ids);

}  // namespace genscope
