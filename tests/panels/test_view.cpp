// View's metric series across runs: rows are named by their own run's schema. Rows of a run whose
// snapshot has not arrived wait for it; rows of a run that is gone are dropped (they used to be
// labelled with the new model's columns right after a switch).
#include <gtest/gtest.h>

#include "gui/view.h"

using namespace genscope;

namespace {

MetricRow row(uint64_t run, int64_t step, float a, float b) {
  MetricRow r;
  r.run = run;
  r.step = step;
  r.push(a);
  r.push(b);
  return r;
}

}  // namespace

TEST(ViewRows, RowsFollowTheirOwnRunsSchema) {
  CommandQueue queue;
  View view(queue, std::make_unique<StubTextureBackend>());
  Snapshot gan;
  gan.run_id = 10;
  gan.metric_names = {"loss_d", "loss_g"};
  view.update_snapshot(gan);
  view.add_rows({row(10, 1, 0.5f, 0.7f)}, gan.metric_names);
  ASSERT_NE(view.series("loss_d"), nullptr);
  EXPECT_EQ(view.series("loss_d")->size(), 1u);

  // The model switched: the new run's rows come before its snapshot.
  view.add_rows({row(11, 1, 300.0f, 2.0f), row(11, 2, 290.0f, 2.5f)}, gan.metric_names);
  EXPECT_EQ(view.series("loss_d")->size(), 1u) << "a VAE's recon loss plotted as loss_d";
  Snapshot vae;
  vae.run_id = 11;
  vae.metric_names = {"recon", "kl"};
  view.update_snapshot(vae);
  ASSERT_NE(view.series("recon"), nullptr);
  EXPECT_EQ(view.series("recon")->size(), 2u);
  EXPECT_EQ(view.series("loss_d"), nullptr);
  // A late row of the old run is dropped; the new run's go on.
  view.add_rows({row(10, 2, 0.4f, 0.8f), row(11, 3, 280.0f, 3.0f)}, vae.metric_names);
  EXPECT_EQ(view.series("recon")->size(), 3u);
  EXPECT_EQ(view.series("kl")->size(), 3u);
}

TEST(TextHistory, KeepsOneEntryPerStepAndThinsTheOldHalfWhenFull) {
  TextHistory h;
  TextSample s, g;
  for (int64_t step = 1; step <= int64_t(TextHistory::kCapacity); ++step) {
    s.step = g.step = step * 10;
    h.offer(s, g);
  }
  ASSERT_EQ(h.entries.size(), TextHistory::kCapacity);
  s.step = 10 * int64_t(TextHistory::kCapacity);  // a refresh at the same step replaces it
  s.prompt = "new prompt";
  h.offer(s, g);
  ASSERT_EQ(h.entries.size(), TextHistory::kCapacity);
  EXPECT_EQ(h.entries.back().sampled.prompt, "new prompt");
  s.step = g.step = 10 * int64_t(TextHistory::kCapacity) + 10;
  h.offer(s, g);
  // Every other entry of the older half went; the newer half and the newest stayed.
  EXPECT_EQ(h.entries.size(), TextHistory::kCapacity * 3 / 4 + 1);
  EXPECT_EQ(h.entries[0].sampled.step, 10);
  EXPECT_EQ(h.entries[1].sampled.step, 30);
  EXPECT_EQ(h.entries.back().sampled.step, s.step);
  for (std::size_t i = 1; i < h.entries.size(); ++i) {
    ASSERT_LT(h.entries[i - 1].sampled.step, h.entries[i].sampled.step);
  }
  s.step = 5;  // a step going back (a reset) starts over
  h.offer(s, g);
  EXPECT_EQ(h.entries.size(), 1u);
}
