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
