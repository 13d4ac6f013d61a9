#include "app/offscreen_recorder.h"

#include <imgui.h>

#include "app/recorder.h"
#include "gui/gui.h"
#include "gui/panels/panels.h"
#include "gui/view.h"
#include "render/egl_context.h"
#include "render/gl_objects.h"

namespace genscope {

struct OffscreenRecorder::Impl {
  RecordSettings settings;
  int width, height;
  std::unique_ptr<EglContext> egl;  // first in, last out: everything below needs its context
  std::unique_ptr<Gui> gui;
  std::unique_ptr<Framebuffer> canvas;
  CommandQueue commands;  // nobody trains from these panels: their commands go nowhere
  std::unique_ptr<View> view;
  PanelSet panels;
  Recorder recorder;
  Snapshot snapshot;  // the View points at it
  bool started = false;
  int64_t frames = 0;

  Impl(const RecordSettings& s, int w, int h) : settings(s), width(w), height(h) {}
  ~Impl() {
    recorder.stop();
    view.reset();
    canvas.reset();
    gui.reset();
  }

  void draw() {
    canvas->bind();
    glClearColor(0.05f, 0.05f, 0.06f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    gui->begin_frame(width, height, 1.0f / float(settings.fps));
    panels.draw(*view, ImVec2(float(width), float(height)));
    gui->end_frame();
  }
};

OffscreenRecorder::OffscreenRecorder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OffscreenRecorder::~OffscreenRecorder() = default;

Result<std::unique_ptr<OffscreenRecorder>> OffscreenRecorder::create(const RecordSettings& settings,
                                                                     int width, int height,
                                                                     float ui_scale) {
  if (auto s = settings.validate(); !s) return Error{s.error()};
  auto impl = std::make_unique<Impl>(settings, width, height);
  impl->settings.steps_per_frame = settings.lockstep_steps();  // offscreen is always lockstep
  auto egl = EglContext::create();
  if (!egl) return Error{"headless recording: " + egl.error()};
  impl->egl = std::move(*egl);
  GuiOptions gui_options;
  gui_options.scale = ui_scale;
  impl->gui = std::make_unique<Gui>(gui_options);
  auto canvas = Framebuffer::create(width, height);
  if (!canvas) return Error{"headless recording: " + canvas.error()};
  impl->canvas = std::make_unique<Framebuffer>(std::move(*canvas));
  impl->view = std::make_unique<View>(impl->commands);
  return std::unique_ptr<OffscreenRecorder>(new OffscreenRecorder(std::move(impl)));
}

Status OffscreenRecorder::frame(const Snapshot& snapshot, const std::vector<MetricRow>& rows) {
  Impl& m = *impl_;
  if (m.started && !m.recorder.active()) return {};  // the frame limit was reached
  m.snapshot = snapshot;
  m.view->update_snapshot(m.snapshot);
  if (!rows.empty()) m.view->add_rows(rows, m.snapshot.metric_names);
  m.draw();
  if (!m.started) {
    m.draw();  // the first frame lays the windows out; draw once more so they settle
    m.started = true;
    UiRect area = m.view->panel_rect(m.settings.region);
    if (area.empty()) area = m.view->panel_rect(RecordRegion::kWindow);
    const PixelRect region{int(area.x0), m.height - int(area.y1), int(area.x1 - area.x0),
                           int(area.y1 - area.y0)};
    if (auto s = m.recorder.start(m.settings, region, 0.0); !s) return s;
  }
  UiRect area = m.view->panel_rect(m.settings.region);
  if (area.empty()) area = m.view->panel_rect(RecordRegion::kWindow);
  const PixelRect region{int(area.x0), m.height - int(area.y1), int(area.x1 - area.x0),
                         int(area.y1 - area.y0)};
  m.recorder.capture(m.canvas->id(), region, snapshot.step, 1, double(m.frames) / m.settings.fps);
  ++m.frames;
  if (!m.recorder.error().empty()) return Error{m.recorder.error()};
  if (m.recorder.reached_limit()) return m.recorder.stop();
  return {};
}

Status OffscreenRecorder::finish() {
  if (!impl_->started) return Error{"recording " + impl_->settings.path + ": no frames were drawn"};
  return impl_->recorder.stop();
}

std::string OffscreenRecorder::summary() const { return impl_->recorder.last_summary(); }

std::string OffscreenRecorder::renderer() const { return impl_->egl->renderer(); }

}  // namespace genscope
