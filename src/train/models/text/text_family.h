#pragma once
// The text family: a character-level language model (TextLm) on a corpus, its validation bits per
// character, and the fixed-seed samples the window shows and a headless run writes to
// samples.txt. The samples refresh as often as they cost at most 5 % of the training time.
#include <chrono>
#include <memory>

#include "train/models/family.h"
#include "train/models/text/text_lm.h"

namespace genscope {

/// The text models' registry entry (families.cpp).
FamilyInfo text_family();

class TextFamily : public Family {
 public:
  void reset(const Params& params, const FamilyInputs& inputs) override;
  void set_live(const Params& params) override;
  FamilyStep step(const Params& params, int64_t steps_done) override;
  void after_step(const Params& params, int64_t step) override;
  void set_watched(bool watched) override { watched_ = watched; }
  Result<CommandEffect> apply(const Command& command, int64_t step) override;
  const MetricSchema& schema() const override;
  std::string description(const Params& params) const override;
  std::string samples_file() const override { return "samples.txt"; }
  void render_samples(ImageRGBA& out) override { out = ImageRGBA{}; }
  std::string take_file_text(std::string& file) override;
  void finish(const Params& params, int64_t step) override;
  void fill_snapshot(Snapshot& out, const Params& params, bool with_images, int64_t step) override;
  void watch(AlarmMonitor& alarms, const MetricRow& row) override;
  void layer_histograms(int bins, std::vector<LayerHistogram>& out) override;
  std::string first_non_finite_parameter() override;
  void save(StateWriter& w) override;
  Status load(StateReader& r) override;

  TextLm& lm() { return *lm_; }
  const TextView& view() const { return view_; }
  /// Generates the samples now (what the pacing does when their time comes).
  void refresh_samples(const Params& params, int64_t step);

 private:
  void log_sample(int64_t step);

  std::string corpus_spec_;
  std::shared_ptr<const TextCorpus> corpus_;
  double unigram_bits_ = 0.0, bigram_bits_ = 0.0;  // the corpus's baselines (TextView)
  std::unique_ptr<TextLm> lm_;
  TextView view_;
  bool watched_ = true;
  double train_s_ = 0.0;          // training time, decayed over about a minute
  double refresh_total_s_ = 0.0;  // sample refreshes' time, decayed alike
  double last_val_ = 0.0;         // the last validation's bits per character (NaN: none yet)
  int64_t logged_step_ = -1;      // the last step samples.txt has
  std::string file_text_;         // samples.txt entries not yet written
};

}  // namespace genscope
