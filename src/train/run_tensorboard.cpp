// Run: the TensorBoard event file of the run directory (record/tensorboard_writer.h writes it).
#include <chrono>

#include "train/run_impl.h"

namespace genscope {
namespace {

constexpr double kFlushSeconds = 2.0;  // TensorBoard sees new values within this

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

void Run::Impl::sync_tensorboard() {
  const bool wanted = session && csv && session->params().choice(ParamId::kTensorboard) == "on";
  if (!wanted) {
    if (tb) {
      if (auto s = tb->close(); !s) note_file_error(s.error());
      tb.reset();
    }
    return;
  }
  if (tb) return;
  auto opened = TensorBoardWriter::open(dir.path(), unix_now());
  if (!opened) return note_file_error(opened.error());
  tb.emplace(std::move(*opened));
  tb_wall_offset = NAN;
  tb_histograms = session->histograms().version;  // written when the next sample comes
  tb_flushed = Clock::now();
}

void Run::Impl::tb_write(const std::string& event) {
  if (!tb) return;
  if (auto s = tb->write(event); !s) {
    note_file_error(s.error());
    tb.reset();  // one error line, not one a step
  }
}

void Run::Impl::tb_after_step(int64_t step) {
  sync_tensorboard();
  if (!tb) return;
  const double wall = unix_now();
  const int64_t image_every = session->params().integer(ParamId::kTbImageEvery);
  if (image_every > 0 && step % image_every == 0) {
    ImageRGBA grid;
    session->render_samples(grid);
    if (!grid.empty()) tb_write(tb_image_event("samples", step, wall, grid));
  }
  const LayerHistograms& h = session->histograms();
  if (h.version != tb_histograms && h.step >= 0) {
    tb_histograms = h.version;
    tb_write(tb_histogram_event(h.step, wall, h.layers));
  }
  if (tb && Clock::now() - tb_flushed > std::chrono::duration<double>(kFlushSeconds)) {
    tb_flushed = Clock::now();
    if (auto s = tb->flush(); !s) note_file_error(s.error());
  }
}

void Run::Impl::tb_row(const MetricRow& row) {
  if (!tb) return;
  if (std::isnan(tb_wall_offset)) tb_wall_offset = unix_now() - row.wall_s;
  tb_write(tb_scalar_event(row.step, tb_wall_offset + row.wall_s, tb_columns, row));
}

}  // namespace genscope
